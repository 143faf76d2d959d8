using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

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

        // The framework's parser; it drops the ranges it cannot read. A header with none it can read
        // accepts nothing (406), while no header at all accepts anything.
        IList<MediaTypeHeaderValue> ranges = request.GetTypedHeaders().Accept;
        if (ranges.Count == 0)
        {
            return string.IsNullOrWhiteSpace(request.Headers.Accept.ToString()) ? ordered[0] : null;
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

    /// <summary>
    /// The quality the client gives <paramref name="offer"/>, that of the most specific range matching it, and
    /// how specific that range is: 2 for the type itself, 1 for <c>type/*</c>, 0 for <c>*/*</c>, -1 for none.
    /// </summary>
    private static (double Quality, int Specificity) Match(string offer, IList<MediaTypeHeaderValue> ranges)
    {
        int slash = offer.IndexOf('/', StringComparison.Ordinal);
        string type = slash < 0 ? offer : offer[..slash];
        int bestSpecificity = -1;
        double quality = 0;
        foreach (MediaTypeHeaderValue range in ranges)
        {
            int specificity = range.MatchesAllTypes ? 0
                : range.MatchesAllSubTypes ? (range.Type.Equals(type, StringComparison.OrdinalIgnoreCase) ? 1 : -1)
                : range.MediaType.Equals(offer, StringComparison.OrdinalIgnoreCase) ? 2
                : -1;
            if (specificity > bestSpecificity)
            {
                bestSpecificity = specificity;
                quality = Math.Clamp(range.Quality ?? 1, 0, 1);
            }
        }

        return (quality, bestSpecificity);
    }
}
