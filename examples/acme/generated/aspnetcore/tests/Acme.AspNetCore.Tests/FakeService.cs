using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// The fake Acme Identity that ships in <c>tests/fake</c>, run as a child process:
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

    private async Task<JsonDocument> CallsAsync()
    {
        using HttpResponseMessage response = await Http.GetAsync("/__fake__/calls");
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
