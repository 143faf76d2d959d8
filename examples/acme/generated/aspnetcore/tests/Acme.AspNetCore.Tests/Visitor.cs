using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// One simulated user agent of the example app: a browser (asks for HTML, posts forms with the CSRF
/// field) or an API client (asks for JSON, posts JSON with the CSRF header). Redirects are not followed.
/// </summary>
public sealed class Visitor(HttpClient http, bool browser)
{
    /// <summary>The route prefix of the integration.</summary>
    public const string Prefix = "/auth";

    private const string BrowserAccept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

    /// <summary>Whether this visitor is a browser.</summary>
    public bool Browser { get; } = browser;

    /// <summary>Cookies to send on every request, for a visitor without a cookie jar.</summary>
    public string? Cookies { get; set; }

    /// <summary>The client address the app sees this visitor at (see <see cref="AppFactory.ClientAddressHeader"/>).</summary>
    public string? ClientAddress { get; set; }

    /// <summary>GET a path; <paramref name="accept"/> overrides the visitor's <c>Accept</c> ("" sends none).</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? accept = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), accept);

    /// <summary>Send a request with the visitor's <c>Accept</c> and cookies.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? accept = null)
    {
        accept ??= Browser ? BrowserAccept : "application/json";
        if (accept.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (Cookies is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", Cookies);
        }

        if (ClientAddress is not null)
        {
            request.Headers.TryAddWithoutValidation(AppFactory.ClientAddressHeader, ClientAddress);
        }

        return http.SendAsync(request);
    }

    /// <summary>Ask <c>/auth/csrf</c> for a token for this visitor's session.</summary>
    public async Task<(string Token, string Header, string Field)> CsrfAsync()
    {
        using HttpResponseMessage response = await GetAsync(Prefix + "/csrf", "application/json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = body.RootElement;
        return (root.GetProperty("csrf_token").GetString()!, root.GetProperty("header").GetString()!, root.GetProperty("field").GetString()!);
    }

    /// <summary>POST to a route of the integration the way this visitor posts: a form, or JSON.</summary>
    /// <param name="route">The route, e.g. <c>login</c>.</param>
    /// <param name="fields">The fields to send.</param>
    /// <param name="csrf">Send this session's CSRF token.</param>
    /// <param name="token">Send this token instead.</param>
    public async Task<HttpResponseMessage> SubmitAsync(string route, IReadOnlyDictionary<string, string> fields, bool csrf = true, string? token = null)
    {
        HttpRequestMessage request = new(HttpMethod.Post, $"{Prefix}/{route}");
        (string Token, string Header, string Field)? names = csrf || token is not null ? await CsrfAsync() : null;
        if (Browser)
        {
            Dictionary<string, string> form = new(fields);
            if (names is { } n)
            {
                form[n.Field] = token ?? n.Token;
            }

            request.Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string?, string?>(p.Key, p.Value)));
        }
        else
        {
            JsonObject json = new();
            foreach (KeyValuePair<string, string> field in fields)
            {
                json[field.Key] = field.Value;
            }

            request.Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
            if (names is { } n)
            {
                request.Headers.TryAddWithoutValidation(n.Header, token ?? n.Token);
            }
        }

        return await SendAsync(request);
    }

    /// <summary>POST a raw JSON body to a route of the integration, with this session's CSRF header.</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string route, string json)
    {
        (string token, string header, _) = await CsrfAsync();
        HttpRequestMessage request = new(HttpMethod.Post, $"{Prefix}/{route}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(header, token);
        return await SendAsync(request, "application/json");
    }

    /// <summary>Sign in with a username and password.</summary>
    public Task<HttpResponseMessage> LoginAsync(string username, string password, string? next = null, bool csrf = true)
    {
        Dictionary<string, string> fields = new() { ["username"] = username, ["password"] = password };
        if (next is not null)
        {
            fields["next"] = next;
        }

        return SubmitAsync("login", fields, csrf);
    }

    /// <summary>Sign in as a fixture user, which must succeed: 200 for JSON, 303 for a form.</summary>
    public async Task<HttpResponseMessage> SignInAsync(FixtureUser user, string? next = null)
    {
        HttpResponseMessage response = await LoginAsync(user.Username, user.Password, next);
        Assert.Equal(Browser ? HttpStatusCode.SeeOther : HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    /// <summary>Sign out.</summary>
    public Task<HttpResponseMessage> LogoutAsync(bool csrf = true) =>
        SubmitAsync("logout", new Dictionary<string, string>(), csrf);

    /// <summary>Ask <c>/auth/me</c>.</summary>
    public Task<HttpResponseMessage> MeAsync() => GetAsync(Prefix + "/me", "application/json");

    /// <summary>Whether <c>/auth/me</c> knows this visitor.</summary>
    public async Task<bool> SignedInAsync()
    {
        using HttpResponseMessage response = await MeAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The session cookie a response sets, as <c>name=value</c> with its attributes, or null.</summary>
    public static string? SessionCookie(HttpResponseMessage response) =>
        SetCookies(response).FirstOrDefault(c => c.StartsWith(AcmeDefaults.CookieName + "=", StringComparison.Ordinal)
            && !c.StartsWith(AcmeDefaults.CookieName + "=;", StringComparison.Ordinal));

    /// <summary>Every <c>Set-Cookie</c> header of a response.</summary>
    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out IEnumerable<string>? values) ? values.ToList() : [];

    /// <summary>The value of a <c>Set-Cookie</c> header: what is between <c>=</c> and the first <c>;</c>.</summary>
    public static string CookieValue(string setCookie)
    {
        string pair = setCookie.Split(';')[0];
        return pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

    /// <summary>The JSON body of a response, which must have <paramref name="status"/> and JSON.</summary>
    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>The contract's error body with <paramref name="code"/>; returns its message.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, params string[] codes)
    {
        JsonNode body = await JsonAsync(response, status);
        JsonNode error = body["error"]!;
        Assert.Contains((string?)error["code"], codes);
        string message = (string?)error["message"] ?? string.Empty;
        Assert.NotEmpty(message);
        return message;
    }

    /// <summary>The HTML body of a response, which must have <paramref name="status"/>.</summary>
    public static async Task<string> HtmlAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }
}
