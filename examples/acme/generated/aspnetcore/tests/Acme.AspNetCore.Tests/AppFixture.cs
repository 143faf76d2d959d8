using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Security.Claims;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>The example app, configured against the fake service, shared by the smoke tests.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    private FakeService? _fake;
    private AppFactory? _factory;

    /// <summary>The fake service.</summary>
    public FakeService Fake => _fake ?? throw new InvalidOperationException("the fixture is not initialised");

    /// <summary>The example app.</summary>
    public AppFactory Factory => _factory ?? throw new InvalidOperationException("the fixture is not initialised");

    /// <summary>
    /// Another instance of the example app against the same fake, with <paramref name="settings"/> on top
    /// of the test settings and in <paramref name="environment"/>. The caller disposes it.
    /// </summary>
    public AppFactory NewFactory(IReadOnlyDictionary<string, string> settings, string environment = "Production") =>
        new(Fake.Url, settings, environment);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _fake = await FakeService.StartAsync();
        _factory = new AppFactory(_fake.Url);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }
}

/// <summary>All smoke tests share one fake and one app, one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "app";
}

/// <summary>
/// The example app with the test settings, a clock the tests move, its log lines captured, an
/// endpoint that shows the tests the typed user the app sees, and client addresses the tests choose.
/// </summary>
/// <param name="fakeUrl">The fake service's base URL.</param>
/// <param name="extraSettings">Settings on top of <see cref="Settings"/>, e.g. environment variables.</param>
/// <param name="environment">The hosting environment: <c>Production</c> unless a test says otherwise.</param>
public sealed class AppFactory(string fakeUrl, IReadOnlyDictionary<string, string>? extraSettings = null, string environment = "Production")
    : WebApplicationFactory<Program>
{
    /// <summary>The path of the endpoint that captures the request's <see cref="AcmeUser"/>.</summary>
    public const string UserProbePath = "/__test__/user";

    /// <summary>
    /// A request header that sets <c>Connection.RemoteIpAddress</c>, which the in-process test server leaves
    /// empty, so tests can play several clients.
    /// </summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>The service timeout the app is given; faults delay longer than this.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>The clock of the app: the tests move it past the session TTL.</summary>
    public ManualClock Clock { get; } = new();

    /// <summary>Every log line the app wrote.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The typed user and principal the probe endpoint saw last.</summary>
    public (AcmeUser? User, ClaimsPrincipal? Principal) LastSeen { get; private set; }

    /// <summary>A new browser (HTML, forms) or API client (JSON) with its own cookies.</summary>
    public Visitor NewVisitor(bool browser) =>
        new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), browser);

    /// <summary>A client without a cookie jar, for sending chosen cookies.</summary>
    public Visitor NewBareVisitor(bool browser) =>
        new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }), browser);

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        foreach (KeyValuePair<string, string> setting in Settings(fakeUrl))
        {
            builder.UseSetting(setting.Key, setting.Value);
        }

        foreach (KeyValuePair<string, string> setting in extraSettings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(setting.Key, setting.Value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IStartupFilter>(new ProbeFilter(this));
        });
    }

    /// <summary>The configuration the app runs with: the fake's URL and the test settings.</summary>
    public static Dictionary<string, string> Settings(string fakeUrl) => new()
    {
        ["Acme:BaseUrl"] = fakeUrl,
        ["Acme:ApiKey"] = "test-api-key",
        ["Acme:ApplicationId"] = "test-application-id",
        ["Acme:Timeout"] = Timeout.ToString(),
        ["Acme:SessionTtl"] = "00:05:00",
    };

    private sealed class ProbeFilter(AppFactory factory) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                string? client = context.Request.Headers[ClientAddressHeader];
                if (IPAddress.TryParse(client, out IPAddress? address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                await nextMiddleware(context);
            });
            app.Map(UserProbePath, probe => probe.Run(async context =>
            {
                AuthenticateResult result = await context.AuthenticateAsync(AcmeDefaults.AuthenticationScheme);
                factory.LastSeen = (AcmeUser.FromPrincipal(result.Principal), result.Principal);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }));
            next(app);
        };
    }
}

/// <summary>A clock that stands still until a test moves it, or breaks it.</summary>
public sealed class ManualClock : TimeProvider
{
    /// <summary>The message of the exception a broken clock throws.</summary>
    public const string BrokenMessage = "the test broke the clock";

    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    /// <summary>Whether reading the clock throws: an error no code of the app expects.</summary>
    public bool Broken { get; set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() =>
        Broken ? throw new InvalidOperationException(BrokenMessage) : new DateTimeOffset(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Move the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Keeps every log line the app writes, with its exception, for S16.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every line so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            capture._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
