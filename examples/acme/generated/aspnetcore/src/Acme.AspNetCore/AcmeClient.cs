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

namespace Acme.AspNetCore;

/// <summary>
/// Talks to Acme Identity: a typed <see cref="HttpClient"/> from
/// <c>IHttpClientFactory</c>, registered by <c>AddAcmeAuthentication</c>.
/// </summary>
/// <remarks>
/// Each method is the straight-line sequence of requests the service's API needs. Only GET requests
/// are retried, and only when the connection failed: a POST is never sent twice. Anything unexpected
/// fails closed, as <see cref="AcmeServiceUnavailableException"/> or <see cref="AcmeException"/>.
/// </remarks>
public sealed class AcmeClient
{
    private static readonly Outcomes LoginOutcomes = new(
        [201],
        [
            new ErrorRule(401, AcmeErrorKind.InvalidCredentials),
            new ErrorRule(403, AcmeErrorKind.Unverified, ("/error/code", "\"unverified\"")),
            new ErrorRule(403, AcmeErrorKind.AccountDisabled),
            new ErrorRule(429, AcmeErrorKind.ServiceUnavailable),
        ]);

    private static readonly Outcomes GetUserOutcomes = new(
        [200],
        [
            new ErrorRule(401, AcmeErrorKind.InvalidCredentials),
            new ErrorRule(404, AcmeErrorKind.UserNotFound),
        ]);

    private static readonly Outcomes RegisterOutcomes = new(
        [201],
        [
            new ErrorRule(409, AcmeErrorKind.Conflict),
            new ErrorRule(422, AcmeErrorKind.InvalidInput),
        ]);

    private static readonly Outcomes ForgotPasswordOutcomes = new(
        [202],
        [
            new ErrorRule(404, AcmeErrorKind.UserNotFound),
        ]);

    private static readonly Outcomes RefreshOutcomes = new(
        [200],
        [
            new ErrorRule(401, AcmeErrorKind.InvalidCredentials),
        ]);

    private static readonly Outcomes LogoutOutcomes = new(
        [204],
        [
            new ErrorRule(401, AcmeErrorKind.InvalidCredentials),
        ]);

    private static readonly Outcomes ResetPasswordOutcomes = new(
        [204],
        [
            new ErrorRule(404, AcmeErrorKind.InvalidToken),
            new ErrorRule(410, AcmeErrorKind.ExpiredToken),
            new ErrorRule(422, AcmeErrorKind.PasswordPolicy) { Message = "/error/message" },
        ]);

    private static readonly Outcomes ChangePasswordOutcomes = new(
        [204],
        [
            new ErrorRule(401, AcmeErrorKind.Expired, ("/error/code", "\"token_expired\"")),
            new ErrorRule(401, AcmeErrorKind.InvalidCredentials),
            new ErrorRule(422, AcmeErrorKind.PasswordPolicy) { Message = "/error/message" },
        ]);

    private static readonly Outcomes VerifyEmailOutcomes = new(
        [204],
        [
            new ErrorRule(404, AcmeErrorKind.InvalidToken),
            new ErrorRule(410, AcmeErrorKind.ExpiredToken),
        ]);

    private readonly HttpClient _http;
    private readonly AcmeOptions _options;
    private readonly string _baseUrl;

    /// <summary>Create the client; <c>IHttpClientFactory</c> does this for each use.</summary>
    /// <param name="http">The client the factory configured: timeout, retries of GETs, no redirects.</param>
    /// <param name="options">The integration's settings.</param>
    public AcmeClient(HttpClient http, IOptions<AcmeOptions> options)
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
    /// <exception cref="AcmeException">The service refused the user or cannot be reached.</exception>
    public async Task<IReadOnlyDictionary<string, string>> LoginAsync(
        string username,
        string password,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        JsonElement body;

        // POST /v1/sessions
        using (HttpRequestMessage request = new(HttpMethod.Post, $"{_baseUrl}/v1/sessions"))
        {
            request.Content = JsonBody(new JsonObject
            {
                ["login"] = username,
                ["password"] = password,
                ["application"] = _options.ApplicationId,
            });
            body = await SendAsync(request, LoginOutcomes, cancellationToken).ConfigureAwait(false);
        }

        string token = Text(body, "/token");
        string refreshToken = Text(body, "/refresh_token");
        string expiresAt = Deadline(body, "/expires_in");
        string userId = Text(body, "/user/id");

        return new Dictionary<string, string>
        {
            ["token"] = token,
            ["refresh_token"] = refreshToken,
            ["expires_at"] = expiresAt,
            ["user_id"] = userId,
        };
    }

    /// <summary>Fetch the user record for a service session made by <see cref="LoginAsync"/>.</summary>
    /// <param name="session">What <see cref="LoginAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The user record, as the service sent it.</returns>
    /// <exception cref="AcmeException">The service refused the session or cannot be reached.</exception>
    public async Task<JsonElement> GetUserAsync(
        IReadOnlyDictionary<string, string> session,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        string userId = SessionValue(session, "user_id");
        string token = SessionValue(session, "token");
        JsonElement body;

        // GET /v1/users/{session.user_id}
        using (HttpRequestMessage request = new(HttpMethod.Get, $"{_baseUrl}/v1/users/{Uri.EscapeDataString(userId)}"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            body = await SendAsync(request, GetUserOutcomes, cancellationToken).ConfigureAwait(false);
        }

        return Record(body, "");
    }

    /// <summary>Create an account; the user signs in afterwards.</summary>
    /// <param name="email">The <c>email</c> of the new account.</param>
    /// <param name="password">The <c>password</c> of the new account.</param>
    /// <param name="firstName">The <c>first_name</c> of the new account.</param>
    /// <param name="lastName">The <c>last_name</c> of the new account.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has created the account.</returns>
    /// <exception cref="AcmeException">The service refused the account or cannot be reached.</exception>
    public async Task RegisterAsync(
        string email,
        string password,
        string firstName,
        string lastName,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(firstName);
        ArgumentNullException.ThrowIfNull(lastName);

        // POST /v1/users
        using (HttpRequestMessage request = new(HttpMethod.Post, $"{_baseUrl}/v1/users"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            request.Content = JsonBody(new JsonObject
            {
                ["email"] = email,
                ["password"] = password,
                ["profile"] = new JsonObject
                {
                    ["firstName"] = firstName,
                    ["lastName"] = lastName,
                },
                ["application"] = _options.ApplicationId,
            });
            await SendAsync(request, RegisterOutcomes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ask the service to send a password reset message.</summary>
    /// <param name="email">The <c>email</c> of the account.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has accepted the request.</returns>
    /// <exception cref="AcmeException">The service refused the request or cannot be reached.</exception>
    public async Task ForgotPasswordAsync(
        string email,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);

        // POST /v1/password-resets
        using (HttpRequestMessage request = new(HttpMethod.Post, $"{_baseUrl}/v1/password-resets"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            request.Content = JsonBody(new JsonObject
            {
                ["email"] = email,
            });
            await SendAsync(request, ForgotPasswordOutcomes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Renew an expired service session; return the new one (values the service does not renew are kept).</summary>
    /// <param name="session">The service session <see cref="LoginAsync"/> (or a refresh) returned.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The new service session. It is a secret: keep it server-side.</returns>
    /// <exception cref="AcmeException">The service refused the request or cannot be reached.</exception>
    public async Task<IReadOnlyDictionary<string, string>> RefreshAsync(
        IReadOnlyDictionary<string, string> session,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        string refreshToken = SessionValue(session, "refresh_token");
        JsonElement body;

        // POST /v1/sessions/refresh
        using (HttpRequestMessage request = new(HttpMethod.Post, $"{_baseUrl}/v1/sessions/refresh"))
        {
            request.Content = JsonBody(new JsonObject
            {
                ["refresh_token"] = refreshToken,
            });
            body = await SendAsync(request, RefreshOutcomes, cancellationToken).ConfigureAwait(false);
        }

        return new Dictionary<string, string>
        {
            ["token"] = Text(body, "/token"),
            ["refresh_token"] = Text(body, "/refresh_token"),
            ["expires_at"] = Deadline(body, "/expires_in"),
            ["user_id"] = SessionValue(session, "user_id"),
        };
    }

    /// <summary>End the service session at the service.</summary>
    /// <param name="session">The service session <see cref="LoginAsync"/> (or a refresh) returned.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has done it.</returns>
    /// <exception cref="AcmeException">The service refused the request or cannot be reached.</exception>
    public async Task LogoutAsync(
        IReadOnlyDictionary<string, string> session,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        string token = SessionValue(session, "token");

        // DELETE /v1/sessions/current
        using (HttpRequestMessage request = new(HttpMethod.Delete, $"{_baseUrl}/v1/sessions/current"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await SendAsync(request, LogoutOutcomes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Set a new password with the token from the password reset email; signs nobody in.</summary>
    /// <param name="input">What the user entered: <c>token</c>, <c>password</c>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has done it.</returns>
    /// <exception cref="AcmeException">The service refused the request or cannot be reached.</exception>
    public async Task ResetPasswordAsync(
        IReadOnlyDictionary<string, string> input,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string token = InputValue(input, "token");
        string password = InputValue(input, "password");

        // POST /v1/password-resets/{input.token}
        using (HttpRequestMessage request = new(HttpMethod.Post, $"{_baseUrl}/v1/password-resets/{Uri.EscapeDataString(token)}"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            request.Content = JsonBody(new JsonObject
            {
                ["password"] = password,
            });
            await SendAsync(request, ResetPasswordOutcomes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Change the signed-in user's password; the user must give the current one.</summary>
    /// <param name="session">The service session <see cref="LoginAsync"/> (or a refresh) returned.</param>
    /// <param name="input">What the user entered: <c>current_password</c>, <c>new_password</c>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has done it.</returns>
    /// <exception cref="AcmeException">The service refused the request or cannot be reached.</exception>
    public async Task ChangePasswordAsync(
        IReadOnlyDictionary<string, string> session,
        IReadOnlyDictionary<string, string> input,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(input);
        string currentPassword = InputValue(input, "current_password");
        string newPassword = InputValue(input, "new_password");
        string userId = SessionValue(session, "user_id");
        string token = SessionValue(session, "token");

        // POST /v1/users/{session.user_id}/password
        using (HttpRequestMessage request = new(HttpMethod.Post, $"{_baseUrl}/v1/users/{Uri.EscapeDataString(userId)}/password"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Content = JsonBody(new JsonObject
            {
                ["current_password"] = currentPassword,
                ["new_password"] = newPassword,
            });
            await SendAsync(request, ChangePasswordOutcomes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Confirm the user's email address with the token from the verification email.</summary>
    /// <param name="input">What the user entered: <c>token</c>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>A task that completes when the service has done it.</returns>
    /// <exception cref="AcmeException">The service refused the request or cannot be reached.</exception>
    public async Task VerifyEmailAsync(
        IReadOnlyDictionary<string, string> input,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string token = InputValue(input, "token");

        // POST /v1/email-verifications/{input.token}
        using (HttpRequestMessage request = new(HttpMethod.Post, $"{_baseUrl}/v1/email-verifications/{Uri.EscapeDataString(token)}"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            await SendAsync(request, VerifyEmailOutcomes, cancellationToken).ConfigureAwait(false);
        }
    }

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
            throw new AcmeServiceUnavailableException($"{what}: {error.HttpRequestError}", error);
        }
        catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AcmeServiceUnavailableException($"{what}: no answer within {_http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", error);
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
                throw new AcmeServiceUnavailableException($"{what}: the answer broke off", error);
            }
            catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AcmeServiceUnavailableException($"{what}: the answer took too long", error);
            }

            int status = (int)response.StatusCode;
            JsonElement? body = ParseJson(content);
            if (outcomes.Ok.Contains(status))
            {
                if (content.Length == 0)
                {
                    return EmptyObject();
                }

                return body ?? throw new AcmeServiceUnavailableException($"{what}: the answer is not JSON");
            }

            throw ErrorFor(status, body, outcomes.Errors, what);
        }
    }

    private static AcmeException ErrorFor(int status, JsonElement? body, ErrorRule[] rules, string what)
    {
        foreach (ErrorRule rule in rules)
        {
            if (rule.Matches(status, body))
            {
                AcmeException error = AcmeException.For(rule.Kind, $"{what}: {status}");
                if (rule.Message is not null && body is JsonElement document)
                {
                    error.ServiceMessage = ServiceMessage(document, rule.Message);
                }

                return error;
            }
        }

        if (status >= 500)
        {
            return new AcmeServiceUnavailableException($"{what}: {status}");
        }

        return new AcmeException($"{what}: unexpected status {status}");
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

        throw new AcmeServiceUnavailableException($"the answer has no value at {(pointer.Length == 0 ? "/" : pointer)}");
    }

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
            throw new AcmeServiceUnavailableException($"the answer has no lifetime in seconds at {(pointer.Length == 0 ? "/" : pointer)}");
        }

        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return ((long)Math.Floor(now + seconds - Math.Min(5, seconds / 10))).ToString(CultureInfo.InvariantCulture);
    }

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

/// <summary>What the user entered under an input name of the spec; the caller must give each.</summary>
    private static string InputValue(IReadOnlyDictionary<string, string> input, string name) =>
        input.TryGetValue(name, out string? value)
            ? value
            : throw new ArgumentException($"no {name} given", nameof(input));

    /// <summary>The user record the service must have sent at <paramref name="pointer"/>.</summary>
    private static JsonElement Record(JsonElement body, string pointer)
    {
        if (JsonPointer.TryResolve(body, pointer, out JsonElement value) && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        throw new AcmeServiceUnavailableException($"the answer has no user record at {(pointer.Length == 0 ? "/" : pointer)}");
    }

    /// <summary>A value of the service session; a session without it has ended.</summary>
    private static string SessionValue(IReadOnlyDictionary<string, string> session, string key) =>
        session.TryGetValue(key, out string? value)
            ? value
            : throw new AcmeInvalidCredentialsException($"the service session has no {key}");

    /// <summary>Standard base64 of the UTF-8 text.</summary>
    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>A JSON request body.</summary>
    private static StringContent JsonBody(JsonNode body) =>
        new(body.ToJsonString(), Encoding.UTF8, "application/json");

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

        public ErrorRule(int status, AcmeErrorKind kind, params (string Pointer, string Json)[] match)
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

        public AcmeErrorKind Kind { get; }

        /// <summary>Where the error body holds the service's own message for users, if the spec says.</summary>
        public string? Message { get; init; }

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
