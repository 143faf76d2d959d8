using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// A <c>redis-server</c> of the tests' own, on a free loopback port, without persistence; stopped by its
/// process when disposed. No mock: the tests of several instances need the real thing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>Why a test that needs Redis is skipped.</summary>
    public const string Missing = "needs redis-server on PATH (apt-get install redis-server)";

    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Url = $"redis://127.0.0.1:{port}/0";
    }

    /// <summary>The <c>redis-server</c> on <c>PATH</c>, or null.</summary>
    public static string? Executable { get; } = FindOnPath("redis-server");

    /// <summary>The URL to give the app: <c>redis://127.0.0.1:&lt;port&gt;/0</c>.</summary>
    public string Url { get; }

    /// <summary>Start a server and wait until it accepts connections.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        string executable = Executable ?? throw new InvalidOperationException(Missing);
        int port = FreePort();
        ProcessStartInfo start = new(executable)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        _ = process.StandardOutput.ReadToEndAsync();
        RedisServer server = new(process, port);
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using TcpClient probe = new();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not listen on port {port} within 10 s");
            }
        }
    }

    /// <summary>Stop the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs <c>redis-server</c> and the bundled fake: skipped, with the reason, without them.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Skip the test when <c>redis-server</c> is missing or the tests run against a real service.</summary>
    public RedisFactAttribute()
    {
        if (RealService.Url is not null)
        {
            Skip = RealService.NeedsFake;
        }
        else if (RedisServer.Executable is null)
        {
            Skip = RedisServer.Missing;
        }
    }
}
