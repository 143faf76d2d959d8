using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace {{ cookiecutter.namespace }}.Tests;

/// <summary>
/// The real deployment <c>{{ cookiecutter.config_prefix }}_TEST_BASE_URL</c> names, when the tests run against one instead of the fake:
/// its settings come from <c>{{ cookiecutter.config_prefix }}_TEST_&lt;SETTING&gt;</c>, its users from <c>{{ cookiecutter.config_prefix }}_TEST_USERS</c>, and the
/// tests that steer the fake (<see cref="FakeFactAttribute"/>) are skipped.
/// </summary>
public static class RealService
{
    /// <summary>The variable that points the tests at a real service.</summary>
    public const string UrlVariable = "{{ cookiecutter.config_prefix }}_TEST_BASE_URL";

    /// <summary>The variable with the real service's test users: JSON, or the path of a JSON file.</summary>
    public const string UsersVariable = "{{ cookiecutter.config_prefix }}_TEST_USERS";

    /// <summary>Why a test that steers the service is skipped against a real one.</summary>
    public const string NeedsFake = "needs the bundled fake service";

    /// <summary>The real service's URL, or null to test against the fake.</summary>
    public static string? Url { get; } =
        Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url.TrimEnd('/') : null;

    /// <summary>A setting of the app under test: <c>{{ cookiecutter.config_prefix }}_TEST_&lt;NAME&gt;</c> when set, else the value the fake expects.</summary>
    public static string Setting(string variable, string fakeValue) =>
        Environment.GetEnvironmentVariable(variable) ?? fakeValue;

    /// <summary>
    /// A user of the real service, from <c>{{ cookiecutter.config_prefix }}_TEST_USERS</c>; null against the fake. Keys say what each
    /// user is for: <c>admin</c> has the role that guards <c>/admin</c>, <c>user</c> lacks it, <c>disabled</c> is a
    /// disabled account. Each gives <c>username</c> and <c>password</c>; <c>roles</c>, the roles the user must have at
    /// least (the service may add its own); and optionally <c>id</c>, <c>email</c>, <c>first_name</c> or
    /// <c>last_name</c> to check exactly:
    /// <c>{"admin": {"username": "ada", "password": "...", "roles": ["{{ cookiecutter.guard_role | cscomment }}"]}, "user": {...}, "disabled": {...}}</c>.
    /// </summary>
    public static FixtureUser? User(string key)
    {
        if (Url is null)
        {
            return null;
        }

        string config = Environment.GetEnvironmentVariable(UsersVariable)
            ?? throw new InvalidOperationException($"{UrlVariable} names a real service: set {UsersVariable}");
        string text = config.TrimStart().StartsWith('{') ? config : File.ReadAllText(config);
        if (JsonNode.Parse(text)?[key] is not JsonObject given)
        {
            if (key is "admin" or "user" or "disabled")
            {
                throw new InvalidOperationException($"{UsersVariable} has no {key} user");
            }

            return null;
        }

        string username = (string)given["username"]!;
        JsonArray roles = given["roles"]?.DeepClone().AsArray() ?? new JsonArray();
        JsonObject me = new() { ["username"] = username, ["roles"] = roles };
        foreach (string name in new[] { "id", "email", "first_name", "last_name" })
        {
            if (given[name] is JsonNode value)
            {
                me[name] = value.DeepClone();
            }
        }

        string[] required = roles.Select(role => (string)role!).ToArray();
        return new FixtureUser(key, username, (string)given["password"]!, me.ToJsonString(), user =>
        {
            Assert.Equal(username, user.Username);
            Assert.True(user.HasRoles(required), $"{username} lacks some of its roles");
        });
    }
}

/// <summary>A fact that steers the fake: skipped, with the reason, against a real service.</summary>
public sealed class FakeFactAttribute : FactAttribute
{
    /// <summary>Skip the test when <see cref="RealService.Url"/> is set.</summary>
    public FakeFactAttribute()
    {
        if (RealService.Url is not null)
        {
            Skip = RealService.NeedsFake;
        }
    }
}

/// <summary>A theory that steers the fake: skipped, with the reason, against a real service.</summary>
public sealed class FakeTheoryAttribute : TheoryAttribute
{
    /// <summary>Skip the test when <see cref="RealService.Url"/> is set.</summary>
    public FakeTheoryAttribute()
    {
        if (RealService.Url is not null)
        {
            Skip = RealService.NeedsFake;
        }
    }
}

/// <summary>
/// The fake {{ cookiecutter.service_name | cscomment }} that ships in <c>tests/fake</c>, run as a child process:
/// <c>python3 -m fake fake/spec.json --port 0</c>. Its <c>/__fake__/</c> endpoints count calls,
/// inject faults and disable users. Set <c>PYTHON</c> to use another interpreter.
/// </summary>
public sealed class FakeService : IAsyncDisposable
{
    private const string Banner = "fake listening on ";

    private readonly Process _process;

    private FakeService(Process process, string url)
    {
        _process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url) };
    }

    /// <summary>The fake's base URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Url { get; }

    private HttpClient Http { get; }

    /// <summary>Start the fake and wait for the line that says where it listens.</summary>
    public static async Task<FakeService> StartAsync()
    {
        string folder = FindTestsFolder();
        ProcessStartInfo start = new(Environment.GetEnvironmentVariable("PYTHON") ?? "python3")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-m", "fake", "fake/spec.json", "--port", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {start.FileName} -m fake in {folder}");
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith(Banner, StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the fake did not start: first line of output was '{line}'");
        }

        // Keep reading what the fake prints, so it never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        return new FakeService(process, line[Banner.Length..].Trim());
    }

    /// <summary>Forget counts, faults and changes to the users.</summary>
    public Task ResetAsync() => SendAsync(HttpMethod.Post, "reset", null);

    /// <summary>Make the service fail, e.g. <c>{"operation": "login", "status": 503}</c>.</summary>
    public Task FaultAsync(string json) => SendAsync(HttpMethod.Post, "faults", json);

    /// <summary>Disable a fixture user at the service.</summary>
    public Task DisableAsync(string key) => SendAsync(HttpMethod.Post, $"users/{key}/disable", null);

    /// <summary>Delete a fixture user at the service.</summary>
    public Task DeleteAsync(string key) => SendAsync(HttpMethod.Delete, $"users/{key}", null);
{%- if cookiecutter.has_refresh %}

    /// <summary>Give the access tokens issued from now on this lifetime (a reset restores the default).</summary>
    public Task TokenLifetimeAsync(TimeSpan ttl) =>
        SendAsync(HttpMethod.Post, "tokens", new JsonObject { ["ttl"] = ttl.TotalSeconds }.ToJsonString());

    /// <summary>Make a fixture user's current access tokens expire now.</summary>
    public Task ExpireTokensAsync(string key) => SendAsync(HttpMethod.Post, $"users/{key}/expire", null);
{%- endif %}
{%- if cookiecutter.has_logout %}

    /// <summary>How many live service sessions a fixture user has.</summary>
    public async Task<int> SessionsAsync(string key)
    {
        using JsonDocument sessions = await GetAsync("sessions");
        return sessions.RootElement.TryGetProperty(key, out JsonElement count) ? count.GetInt32() : 0;
    }
{%- endif %}
{%- if cookiecutter.email_links %}

    /// <summary>The token of the newest mail of <paramref name="kind"/> (<c>reset</c>, <c>verify</c>) to a fixture user.</summary>
    public async Task<string> MailedTokenAsync(string key, string kind)
    {
        using JsonDocument outbox = await GetAsync("outbox");
        string? token = null;
        foreach (JsonElement mail in outbox.RootElement.EnumerateArray())
        {
            if (mail.GetProperty("user").GetString() == key && mail.GetProperty("kind").GetString() == kind)
            {
                token = mail.GetProperty("token").GetString();
            }
        }

        return token ?? throw new InvalidOperationException($"the fake's outbox has no {kind} mail for {key}");
    }

    /// <summary>Make a reset or verification token expire: its next use is <c>expired_token</c>.</summary>
    public Task ExpireMailedTokenAsync(string token) =>
        SendAsync(HttpMethod.Post, $"tokens/{Uri.EscapeDataString(token)}/expire", null);
{%- endif %}

{%- if cookiecutter.is_oidc %}

    /// <summary>Every access token the provider has issued so far expires now.</summary>
    public Task ExpireAccessTokensAsync() => SendAsync(HttpMethod.Post, "oidc/expire", null);

    /// <summary>
    /// The next ID token the token endpoint issues is wrong in one way: <c>issuer</c>, <c>audience</c>,
    /// <c>signature</c>, <c>expired</c> or <c>nonce</c>.
    /// </summary>
    public Task TamperNextIdTokenAsync(string how) =>
        SendAsync(HttpMethod.Post, "oidc/tamper", JsonSerializer.Serialize(new Dictionary<string, string> { ["next_id_token"] = how }));

    /// <summary>How many sessions the provider has open.</summary>
    public async Task<int> ProviderSessionsAsync()
    {
        using JsonDocument sessions = await GetAsync("oidc/sessions");
        return sessions.RootElement.GetProperty("sessions").GetInt32();
    }
{%- endif %}

    /// <summary>How often an operation was called since the last reset.</summary>
    public async Task<int> CountAsync(string operation)
    {
        using JsonDocument calls = await CallsAsync();
        return calls.RootElement.TryGetProperty(operation, out JsonElement count) ? count.GetInt32() : 0;
    }

    /// <summary>Every value (token, id, link) the fake handed out since the last reset.</summary>
    public async Task<IReadOnlyList<string>> IssuedAsync()
    {
        using JsonDocument calls = await CallsAsync();
        List<string> values = [];
        if (calls.RootElement.TryGetProperty("issued", out JsonElement issued))
        {
            foreach (JsonElement item in issued.EnumerateArray())
            {
                JsonElement value = item.ValueKind == JsonValueKind.Object ? item.GetProperty("value") : item;
                values.Add(value.ToString());
            }
        }

        return values;
    }

    /// <summary>Stop the fake.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private Task<JsonDocument> CallsAsync() => GetAsync("calls");

    private async Task<JsonDocument> GetAsync(string path)
    {
        using HttpResponseMessage response = await Http.GetAsync("/__fake__/" + path);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task SendAsync(HttpMethod method, string path, string? json)
    {
        using HttpRequestMessage request = new(method, "/__fake__/" + path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The folder holding <c>fake/</c>: <c>tests/</c> of the package, above the build output.</summary>
    private static string FindTestsFolder()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "fake", "__main__.py")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no fake/__main__.py above {AppContext.BaseDirectory}");
    }
}
