{% set N = cookiecutter.class_name -%}
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

namespace {{ cookiecutter.namespace }}.Tests;

/// <summary>The example app, configured against the fake service (or <see cref="RealService"/>), shared by the smoke tests.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    private FakeService? _fake;
    private AppFactory? _factory;

    /// <summary>The fake service; a test that steers it is a <see cref="FakeFactAttribute"/>, skipped against a real one.</summary>
    public FakeService Fake => _fake ?? throw new InvalidOperationException(
        RealService.Url is null ? "the fixture is not initialised" : RealService.NeedsFake);

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
        if (RealService.Url is null)
        {
            _fake = await FakeService.StartAsync();
        }

        _factory = new AppFactory(RealService.Url ?? _fake!.Url);
    }

    /// <summary>Give the fake back its users as they were, without faults or counted calls; a real service is left alone.</summary>
    public Task ResetAsync() => _fake?.ResetAsync() ?? Task.CompletedTask;

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
    /// <summary>The path of the endpoint that captures the request's <see cref="{{ N }}User"/>.</summary>
    public const string UserProbePath = "/__test__/user";

    /// <summary>
    /// A request header that sets <c>Connection.RemoteIpAddress</c>, which the in-process test server leaves
    /// empty, so tests can play several clients.
    /// </summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>
    /// The service timeout the app is given: short against the fake, whose delay faults are longer; the spec's own
    /// against a real service, which may well take a second under load.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(RealService.Url is null ? 2 : {{ cookiecutter.timeout_s }});

    /// <summary>The clock of the app: the tests move it past the session TTL.</summary>
    public ManualClock Clock { get; } = new();

    /// <summary>Every log line the app wrote.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The typed user and principal the probe endpoint saw last.</summary>
    public ({{ N }}User? User, ClaimsPrincipal? Principal) LastSeen { get; private set; }

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
{%- for s in cookiecutter.settings %}
        ["{{ N }}:{{ s.prop }}"] = {% if s.name == "base_url" or (cookiecutter.is_oidc and s.name == "issuer") %}fakeUrl{% else %}RealService.Setting({{ (cookiecutter.config_prefix ~ "_TEST_" ~ s.name | upper) | cs }}, {{ s.test_value | cs }}){% endif %},
{%- endfor %}
        ["{{ N }}:Timeout"] = Timeout.ToString(),
        ["{{ N }}:SessionTtl"] = "00:05:00",
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
                AuthenticateResult result = await context.AuthenticateAsync({{ N }}Defaults.AuthenticationScheme);
                factory.LastSeen = ({{ N }}User.FromPrincipal(result.Principal), result.Principal);
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
