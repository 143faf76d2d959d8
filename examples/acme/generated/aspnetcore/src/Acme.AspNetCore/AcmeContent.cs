using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Acme.AspNetCore;

/// <summary>Content negotiation and JSON errors, the way every route of the integration answers.</summary>
public static class AcmeContent
{
    /// <summary>The media type of pages.</summary>
    public const string Html = "text/html";

    /// <summary>The media type of JSON answers.</summary>
    public const string Json = "application/json";

    /// <summary>
    /// Pick what to answer with from <paramref name="offers"/>, the route's preference first. <c>Accept</c>
    /// decides: the higher quality wins, and between equal qualities a type the header names beats one
    /// it reaches only through a wildcard (so axios's <c>application/json, text/plain, */*</c> is an API
    /// client). A request without <c>Accept</c> accepts anything and gets the first offer; a JSON request
    /// gets JSON when the route offers it and the client has no preference.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="offers">Media types the route can answer with, e.g. <see cref="Html"/>, <see cref="Json"/>.</param>
    /// <returns>The media type to answer with, or null when the client accepts none of them (406).</returns>
    public static string? Negotiate(this HttpRequest request, params string[] offers)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(offers);
        if (offers.Length == 0)
        {
            return null;
        }

        List<string> ordered = [.. offers];
        if (request.HasJsonContentType() && ordered.Remove(Json))
        {
            ordered.Insert(0, Json);
        }

        List<(string MediaType, double Quality)> ranges = ParseAccept(request.Headers.Accept.ToString());
        if (ranges.Count == 0)
        {
            return ordered[0];
        }

        string? best = null;
        (double Quality, int Specificity) bestMatch = (0, -1);
        foreach (string offer in ordered)
        {
            (double Quality, int Specificity) match = Match(offer, ranges);
            if (match.Quality > bestMatch.Quality
                || (match.Quality > 0 && match.Quality == bestMatch.Quality && match.Specificity > bestMatch.Specificity))
            {
                best = offer;
                bestMatch = match;
            }
        }

        return best;
    }

    /// <summary>Whether to answer JSON rather than HTML, for answers that must not fail with a 406.</summary>
    /// <param name="request">The request.</param>
    /// <returns>True for API clients.</returns>
    public static bool WantsJson(this HttpRequest request) => Negotiate(request, Html, Json) == Json;

    /// <summary>The integration's JSON error: <c>{"error": {"code": ..., "message": ...}}</c>.</summary>
    /// <param name="code">The error code, e.g. <c>not_acceptable</c>.</param>
    /// <param name="message">A message for people.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <returns>The result to return from an endpoint.</returns>
    public static IResult Error(string code, string message, int statusCode) =>
        Results.Content(ErrorBody(code, message).ToJsonString(), Json + "; charset=utf-8", null, statusCode);

    internal static JsonObject ErrorBody(string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
        },
    };

    private static List<(string MediaType, double Quality)> ParseAccept(string accept)
    {
        List<(string MediaType, double Quality)> ranges = [];
        foreach (string part in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pieces = part.Split(';', StringSplitOptions.TrimEntries);
            string mediaType = pieces[0].ToLowerInvariant();
            if (mediaType.Length == 0)
            {
                continue;
            }

            double quality = 1;
            for (int i = 1; i < pieces.Length; i++)
            {
                string[] parameter = pieces[i].Split('=', 2, StringSplitOptions.TrimEntries);
                if (parameter.Length == 2
                    && parameter[0].Equals("q", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(parameter[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double q))
                {
                    quality = Math.Clamp(q, 0, 1);
                }
            }

            ranges.Add((mediaType, quality));
        }

        return ranges;
    }

    /// <summary>
    /// The quality the client gives <paramref name="offer"/>, that of the most specific range matching it, and
    /// how specific that range is: 2 for the type itself, 1 for <c>type/*</c>, 0 for <c>*/*</c>, -1 for none.
    /// </summary>
    private static (double Quality, int Specificity) Match(string offer, List<(string MediaType, double Quality)> ranges)
    {
        int slash = offer.IndexOf('/', StringComparison.Ordinal);
        string type = slash < 0 ? offer : offer[..slash];
        int bestSpecificity = -1;
        double quality = 0;
        foreach ((string range, double q) in ranges)
        {
            int specificity = range == offer ? 2 : range == type + "/*" ? 1 : range == "*/*" ? 0 : -1;
            if (specificity > bestSpecificity)
            {
                bestSpecificity = specificity;
                quality = q;
            }
        }

        return (quality, bestSpecificity);
    }
}
