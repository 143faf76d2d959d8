{% set N = cookiecutter.class_name -%}
{% macro method_body(op) -%}
{%- for local, key in op.session_locals %}
        string {{ local }} = SessionValue(session, {{ key | cs }});
{%- endfor %}
{%- if op.reads_body %}
        JsonElement body;
{%- endif %}
{%- for step in op.steps %}

{{ step.code | indent(8, true) }}
{%- endfor %}
{%- if op.returns %}

{{ op.returns | indent(8, true) }}
{%- endif %}
{%- endmacro -%}
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;

namespace {{ cookiecutter.namespace }};

/// <summary>
/// Talks to {{ cookiecutter.service_name | cscomment }}: a typed <see cref="HttpClient"/> from
/// <c>IHttpClientFactory</c>, registered by <c>Add{{ N }}Authentication</c>.
/// </summary>
/// <remarks>
/// Each method is the straight-line sequence of requests the service's API needs. Only GET requests
/// are retried, and only when the connection failed: a POST is never sent twice. Anything unexpected
/// fails closed, as <see cref="{{ N }}ServiceUnavailableException"/> or <see cref="{{ N }}Exception"/>.
/// </remarks>
public sealed class {{ N }}Client
{
{%- for outcomes in cookiecutter.outcomes %}
{{ outcomes | indent(4, true) }}
{% endfor %}
    private readonly HttpClient _http;
    private readonly {{ N }}Options _options;
    private readonly string _baseUrl;

    /// <summary>Create the client; <c>IHttpClientFactory</c> does this for each use.</summary>
    /// <param name="http">The client the factory configured: timeout, retries of GETs, no redirects.</param>
    /// <param name="options">The integration's settings.</param>
    public {{ N }}Client(HttpClient http, IOptions<{{ N }}Options> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        _baseUrl = _options.BaseUrl.TrimEnd('/');
    }

    /// <summary>Sign a user in at the service.</summary>
    /// <param name="username">What the user signs in with.</param>
    /// <param name="password">The user's password; it is sent to the service and nowhere else.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The service session: values later requests need. They are secrets: keep them server-side.</returns>
    /// <exception cref="{{ N }}Exception">The service refused the user or cannot be reached.</exception>
    public async Task<IReadOnlyDictionary<string, string>> LoginAsync(
        string username,
        string password,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
{{- method_body(cookiecutter.ops.login) }}
    }

    /// <summary>Fetch the user record for a service session made by <see cref="LoginAsync"/>.</summary>
    /// <param name="session">What <see cref="LoginAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The user record, as the service sent it.</returns>
    /// <exception cref="{{ N }}Exception">The service refused the session or cannot be reached.</exception>
    public async Task<JsonElement> GetUserAsync(
        IReadOnlyDictionary<string, string> session,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
{{- method_body(cookiecutter.ops.get_user) }}
    }
{%- if cookiecutter.has_register %}

    /// <summary>Create an account; the user signs in afterwards.</summary>
{%- for param, name in cookiecutter.ops.register.params %}
    /// <param name="{{ param | replace("@", "") }}">The <c>{{ name | cscomment }}</c> of the new account.</param>
{%- endfor %}
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has created the account.</returns>
    /// <exception cref="{{ N }}Exception">The service refused the account or cannot be reached.</exception>
    public async Task RegisterAsync(
{%- for param, name in cookiecutter.ops.register.params %}
        string {{ param }},
{%- endfor %}
        CancellationToken cancellationToken = default)
    {
{%- for param, name in cookiecutter.ops.register.params %}
        ArgumentNullException.ThrowIfNull({{ param }});
{%- endfor %}
{{- method_body(cookiecutter.ops.register) }}
    }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

    /// <summary>Ask the service to send a password reset message.</summary>
{%- for param, name in cookiecutter.ops.forgot_password.params %}
    /// <param name="{{ param | replace("@", "") }}">The <c>{{ name | cscomment }}</c> of the account.</param>
{%- endfor %}
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has accepted the request.</returns>
    /// <exception cref="{{ N }}Exception">The service refused the request or cannot be reached.</exception>
    public async Task ForgotPasswordAsync(
{%- for param, name in cookiecutter.ops.forgot_password.params %}
        string {{ param }},
{%- endfor %}
        CancellationToken cancellationToken = default)
    {
{%- for param, name in cookiecutter.ops.forgot_password.params %}
        ArgumentNullException.ThrowIfNull({{ param }});
{%- endfor %}
{{- method_body(cookiecutter.ops.forgot_password) }}
    }
{%- endif %}
{%- for op in cookiecutter.lifecycle_ops %}

    /// {{ op.doc | join("\n    /// ") }}
    {{ op.declaration }}(
{%- for param in op.signature_params %}
        {{ param }},
{%- endfor %}
        CancellationToken cancellationToken = default)
    {
{%- for line in op.guards %}
        {{ line }}
{%- endfor %}
{%- for local, key in op.input_locals %}
        string {{ local }} = InputValue(input, {{ key | cs }});
{%- endfor %}
{{- method_body(op) }}
    }
{%- endfor %}

    /// <summary>Send one request; return its JSON body or throw the error it maps to.</summary>
    private async Task<JsonElement> SendAsync(HttpRequestMessage request, Outcomes outcomes, CancellationToken cancellationToken)
    {
        string what = $"{request.Method} {WithoutQuery(request.RequestUri)}";
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error)
        {
            throw new {{ N }}ServiceUnavailableException($"{what}: {error.HttpRequestError}", error);
        }
        catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new {{ N }}ServiceUnavailableException($"{what}: no answer within {_http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", error);
        }

        using (response)
        {
            byte[] content;
            try
            {
                content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException error)
            {
                throw new {{ N }}ServiceUnavailableException($"{what}: the answer broke off", error);
            }
            catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
            {
                throw new {{ N }}ServiceUnavailableException($"{what}: the answer took too long", error);
            }

            int status = (int)response.StatusCode;
            JsonElement? body = ParseJson(content);
            if (outcomes.Ok.Contains(status))
            {
                if (content.Length == 0)
                {
                    return EmptyObject();
                }

                return body ?? throw new {{ N }}ServiceUnavailableException($"{what}: the answer is not JSON");
            }

            throw ErrorFor(status, body, outcomes.Errors, what);
        }
    }

    private static {{ N }}Exception ErrorFor(int status, JsonElement? body, ErrorRule[] rules, string what)
    {
        foreach (ErrorRule rule in rules)
        {
            if (rule.Matches(status, body))
            {
{%- if "ServiceMessage" in cookiecutter.client_helpers %}
                {{ N }}Exception error = {{ N }}Exception.For(rule.Kind, $"{what}: {status}");
                if (rule.Message is not null && body is JsonElement document)
                {
                    error.ServiceMessage = ServiceMessage(document, rule.Message);
                }

                return error;
{%- else %}
                return {{ N }}Exception.For(rule.Kind, $"{what}: {status}");
{%- endif %}
            }
        }

        if (status >= 500)
        {
            return new {{ N }}ServiceUnavailableException($"{what}: {status}");
        }

        return new {{ N }}Exception($"{what}: unexpected status {status}");
    }

    private static JsonElement? ParseJson(byte[] content)
    {
        if (content.Length == 0)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(content);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement EmptyObject()
    {
        using JsonDocument document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    /// <summary>A text or number the service must have sent at <paramref name="pointer"/>.</summary>
    private static string Text(JsonElement body, string pointer)
    {
        if (JsonPointer.TryResolve(body, pointer, out JsonElement value))
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString() ?? string.Empty;
            }

            if (value.ValueKind == JsonValueKind.Number)
            {
                return value.GetRawText();
            }
        }

        throw new {{ N }}ServiceUnavailableException($"the answer has no value at {(pointer.Length == 0 ? "/" : pointer)}");
    }

{% if "Deadline" in cookiecutter.client_helpers -%}
    /// <summary>
    /// The deadline of an access token that lives <c>expires_in</c> seconds (at <paramref name="pointer"/>), in
    /// epoch seconds, as text. It comes a little early (up to 5 seconds, a tenth of short lifetimes), so that no
    /// request sets out with a token about to expire.
    /// </summary>
    private static string Deadline(JsonElement body, string pointer)
    {
        double seconds = double.NaN;
        if (JsonPointer.TryResolve(body, pointer, out JsonElement value))
        {
            if (value.ValueKind == JsonValueKind.Number)
            {
                seconds = value.GetDouble();
            }
            else if (value.ValueKind == JsonValueKind.String
                && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
            {
                seconds = parsed;
            }
        }

        if (!double.IsFinite(seconds) || seconds < 0)
        {
            throw new {{ N }}ServiceUnavailableException($"the answer has no lifetime in seconds at {(pointer.Length == 0 ? "/" : pointer)}");
        }

        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return ((long)Math.Floor(now + seconds - Math.Min(5, seconds / 10))).ToString(CultureInfo.InvariantCulture);
    }

{% endif -%}
{% if "ServiceMessage" in cookiecutter.client_helpers -%}
    /// <summary>The service's own message for users at <paramref name="pointer"/>, at most 300 characters; null when not text.</summary>
    private static string? ServiceMessage(JsonElement body, string pointer)
    {
        if (!JsonPointer.TryResolve(body, pointer, out JsonElement value)
            || value.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(value.GetString()))
        {
            return null;
        }

        string text = value.GetString()!.Trim();
        return text.Length > 300 ? text[..300] : text;
    }

{% endif -%}
{% if "InputValue" in cookiecutter.client_helpers -%}
    /// <summary>What the user entered under an input name of the spec; the caller must give each.</summary>
    private static string InputValue(IReadOnlyDictionary<string, string> input, string name) =>
        input.TryGetValue(name, out string? value)
            ? value
            : throw new ArgumentException($"no {name} given", nameof(input));

{% endif %}    /// <summary>The user record the service must have sent at <paramref name="pointer"/>.</summary>
    private static JsonElement Record(JsonElement body, string pointer)
    {
        if (JsonPointer.TryResolve(body, pointer, out JsonElement value) && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        throw new {{ N }}ServiceUnavailableException($"the answer has no user record at {(pointer.Length == 0 ? "/" : pointer)}");
    }

    /// <summary>A value of the service session; a session without it has ended.</summary>
    private static string SessionValue(IReadOnlyDictionary<string, string> session, string key) =>
        session.TryGetValue(key, out string? value)
            ? value
            : throw new {{ N }}InvalidCredentialsException($"the service session has no {key}");

    /// <summary>Standard base64 of the UTF-8 text.</summary>
    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>A JSON request body.</summary>
    private static StringContent JsonBody(JsonNode body) =>
        new(body.ToJsonString(), Encoding.UTF8, "application/json");
{%- if cookiecutter.optional_inputs %}

    /// <summary>The object without the named members that hold no text: optional inputs the user left empty.</summary>
    private static JsonObject WithoutEmpty(JsonObject body, params string[] names)
    {
        foreach (string name in names)
        {
            if (body[name] is null || body[name]!.GetValue<string>().Length == 0)
            {
                body.Remove(name);
            }
        }

        return body;
    }
{%- endif %}

    /// <summary>A form request body (<c>application/x-www-form-urlencoded</c>).</summary>
    private static FormUrlEncodedContent FormBody(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string?, string?>(field.Name, field.Value)));

    /// <summary>The URL with query parameters, each percent-encoded.</summary>
    private static string WithQuery(string url, params (string Name, string Value)[] query)
    {
        StringBuilder builder = new(url);
        char separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach ((string name, string value) in query)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }

    /// <summary>The URL without its query, for messages: queries may carry secrets.</summary>
    private static string WithoutQuery(Uri? url)
    {
        if (url is null)
        {
            return string.Empty;
        }

        string text = url.ToString();
        int query = text.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? text : text[..query];
    }

    /// <summary>The statuses that mean success for one request, and the rules for its errors.</summary>
    private sealed class Outcomes(int[] ok, ErrorRule[] errors)
    {
        public int[] Ok { get; } = ok;

        public ErrorRule[] Errors { get; } = errors;
    }

    /// <summary>A response status, and values in the error body, that mean one kind of error.</summary>
    private sealed class ErrorRule
    {
        private readonly (string Pointer, JsonElement Value)[] _match;

        public ErrorRule(int status, {{ N }}ErrorKind kind, params (string Pointer, string Json)[] match)
        {
            Status = status;
            Kind = kind;
            _match = new (string Pointer, JsonElement Value)[match.Length];
            for (int i = 0; i < match.Length; i++)
            {
                using JsonDocument expected = JsonDocument.Parse(match[i].Json);
                _match[i] = (match[i].Pointer, expected.RootElement.Clone());
            }
        }

        public int Status { get; }

        public {{ N }}ErrorKind Kind { get; }
{%- if "ServiceMessage" in cookiecutter.client_helpers %}

        /// <summary>Where the error body holds the service's own message for users, if the spec says.</summary>
        public string? Message { get; init; }
{%- endif %}

        public bool Matches(int status, JsonElement? body)
        {
            if (status != Status)
            {
                return false;
            }

            foreach ((string pointer, JsonElement expected) in _match)
            {
                if (body is not JsonElement document
                    || !JsonPointer.TryResolve(document, pointer, out JsonElement actual)
                    || !JsonElement.DeepEquals(actual, expected))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
