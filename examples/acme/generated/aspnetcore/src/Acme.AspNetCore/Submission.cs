using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Acme.AspNetCore;

/// <summary>Answers a refused form post with its page again: a status, a message and the values sent.</summary>
internal delegate Task PageAnswer(int status, string message, IReadOnlyDictionary<string, string>? values);

/// <summary>
/// A state-changing POST, checked the same way on every route: a form or JSON body (else 415), an
/// acceptable answer (else 406), the CSRF token (else 403), a JSON object (else 400).
/// </summary>
internal sealed class Submission
{
    /// <summary>The longest text accepted in a field, so no one can post megabytes to the service.</summary>
    public const int MaxInputLength = 1024;

    /// <summary>The largest JSON body read: every field at its longest, with room to spare.</summary>
    public const int MaxJsonBodyLength = 64 * 1024;

    private readonly HttpContext _context;
    private readonly PageAnswer _page;
    private readonly Dictionary<string, string> _values;

    private Submission(HttpContext context, PageAnswer page, Dictionary<string, string> values, bool answerJson)
    {
        _context = context;
        _page = page;
        _values = values;
        AnswerJson = answerJson;
    }

    /// <summary>Whether to answer JSON (an API client) rather than a page (a browser).</summary>
    public bool AnswerJson { get; }

    /// <summary>The text values sent, by field name.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>A value sent, or null when it is missing, not text, or too long.</summary>
    public string? this[string name] =>
        _values.TryGetValue(name, out string? value) && value.Length <= MaxInputLength ? value : null;

    /// <summary>Check and read the request; on any problem answer it and return null.</summary>
    public static async Task<Submission?> ReadAsync(HttpContext context, PageAnswer page)
    {
        HttpRequest request = context.Request;
        bool json = request.HasJsonContentType();
        if (!json && !request.HasFormContentType)
        {
            await AcmeResponses.ErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", AcmeResponses.MessageFor("unsupported_media_type"));
            return null;
        }

        string? answer = request.Negotiate(AcmeContent.Html, AcmeContent.Json);
        if (answer is null)
        {
            await AcmeResponses.NotAcceptableAsync(context);
            return null;
        }

        bool answerJson = answer == AcmeContent.Json;
        if (!await IsCsrfValidAsync(context))
        {
            string message = AcmeResponses.MessageFor("csrf_failed");
            await (answerJson
                ? AcmeResponses.ErrorAsync(context, StatusCodes.Status403Forbidden, "csrf_failed", message)
                : page(StatusCodes.Status403Forbidden, message, null));
            return null;
        }

        Dictionary<string, string>? values = json ? await ReadJsonAsync(request) : await ReadFormAsync(request);
        if (values is null)
        {
            string message = AcmeResponses.MessageFor("invalid_input");
            await (answerJson
                ? AcmeResponses.ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_input", message)
                : page(StatusCodes.Status400BadRequest, message, null));
            return null;
        }

        return new Submission(context, page, values, answerJson);
    }

    /// <summary>Refuse the post: a JSON error, or the page again with the message and the values sent.</summary>
    public Task RefuseAsync(int status, string code, string message) =>
        AnswerJson
            ? AcmeResponses.ErrorAsync(_context, status, code, message)
            : _page(status, message, _values);

    /// <summary>Refuse the post because the service did.</summary>
    public Task RefuseAsync(AcmeException error) => RefuseAsync(error.StatusCode, error.Code, error.PublicMessage);

    private static async Task<bool> IsCsrfValidAsync(HttpContext context)
    {
        IAntiforgery antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (Exception error) when (error is AntiforgeryValidationException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The string members of a JSON object body; an empty body is an empty object. Null for a body that
    /// is not a JSON object, is nested deeper than <c>JsonDocumentOptions.MaxDepth</c> (64), is
    /// longer than <see cref="MaxJsonBodyLength"/>, or could not be read.
    /// </summary>
    private static async Task<Dictionary<string, string>?> ReadJsonAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxJsonBodyLength)
        {
            return null;
        }

        byte[] buffer = new byte[MaxJsonBodyLength + 1];
        int length = 0;
        try
        {
            int read;
            while (length < buffer.Length
                && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
            {
                length += read;
            }
        }
        catch (IOException)
        {
            // The body broke off, or the server refused to read more of it (BadHttpRequestException).
            return null;
        }

        if (length > MaxJsonBodyLength)
        {
            return null;
        }

        Dictionary<string, string> values = new();
        if (length == 0)
        {
            return values;
        }

        try
        {
            ReadOnlyMemory<byte> json = buffer.AsMemory(0, length);
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    values[property.Name] = property.Value.GetString() ?? string.Empty;
                }
            }

            return values;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<Dictionary<string, string>?> ReadFormAsync(HttpRequest request)
    {
        try
        {
            IFormCollection form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            Dictionary<string, string> values = new();
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> field in form)
            {
                values[field.Key] = field.Value.ToString();
            }

            return values;
        }
        catch (Exception error) when (error is InvalidDataException or IOException)
        {
            return null;
        }
    }
}
