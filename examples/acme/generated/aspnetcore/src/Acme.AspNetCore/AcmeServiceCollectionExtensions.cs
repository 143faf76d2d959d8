using System;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Acme.AspNetCore;

/// <summary>Adds the Acme Identity integration to an application's services.</summary>
public static class AcmeServiceCollectionExtensions
{
    /// <summary>
    /// Sign users in with Acme Identity: cookie authentication as the default scheme,
    /// sessions kept on the server, the typed <see cref="AcmeClient"/>, antiforgery, and the
    /// <see cref="AcmeDefaults.AdminPolicy"/> and <see cref="AcmeDefaults.StaffPolicy"/> policies.
    /// </summary>
    /// <remarks>
    /// <see cref="AcmeOptions"/> is bound from the <c>Acme</c> configuration section, with an
    /// environment variable per setting as a fallback, then <paramref name="configure"/> runs. The
    /// options are validated when the application starts. Map the routes with
    /// <see cref="AcmeEndpointRouteBuilderExtensions.MapAcmeAuth"/>. Nothing is added to the application's
    /// pipeline: call <see cref="AcmeApplicationBuilderExtensions.UseAcmeErrorHandling"/> for the integration's
    /// answers of last resort. The developer exception page stays off the integration's routes. With <see cref="AcmeOptions.RedisUrl"/> set, sessions and the Data Protection
    /// keys are kept in that Redis, for several instances of the application.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets options in code; runs after configuration is bound.</param>
    /// <returns>The authentication builder, to add more schemes.</returns>
    public static AuthenticationBuilder AddAcmeAuthentication(
        this IServiceCollection services,
        Action<AcmeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        OptionsBuilder<AcmeOptions> options = services.AddOptions<AcmeOptions>()
            .Configure<IConfiguration>(AcmeOptionsSetup.ApplyEnvironment)
            .BindConfiguration(AcmeOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure(AcmeOptionsSetup.ApplyDefaults).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AcmeOptions>, AcmeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AcmeOptions>, AcmeOptionsAttributesValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddDistributedMemoryCache();
        services.TryAddSingleton<AcmeRedis>();
        services.TryAddSingleton(provider => new AcmeTicketStore(
            provider.GetRequiredService<AcmeRedis>().Cache ?? provider.GetRequiredService<IDistributedCache>()));
        services.TryAddSingleton<AcmeRefreshFlights>();
        services.TryAddSingleton<IAcmePageRenderer, AcmePageRenderer>();
        services.TryAddScoped<AcmeSessions>();
        services.TryAddScoped<AcmeCookieEvents>();
        services.TryAddSingleton<AcmeLoginThrottle>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, AcmeDeveloperPageExceptionFilter>());

        services.AddHttpClient<AcmeClient>((provider, http) =>
            {
                // One deadline for the whole call, retries included: past it the integration answers 503.
                http.Timeout = provider.GetRequiredService<IOptions<AcmeOptions>>().Value.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .AddResilienceHandler("service", ConfigureResilience)
            .SelectPipelineBy(static _ => static request => request.Method.Method);

        // Several instances must read each other's cookies: with Redis configured, the key ring goes there too,
        // unless the application keeps its keys somewhere of its own.
        services.AddOptions<KeyManagementOptions>().Configure<AcmeRedis>((keys, redis) =>
        {
            if (redis.Enabled && keys.XmlRepository is null)
            {
                keys.XmlRepository = new RedisXmlRepository(() => redis.Database, AcmeRedis.DataProtectionKey);
            }
        });

        services.AddAntiforgery();
        services.PostConfigure<AntiforgeryOptions>(antiforgery =>
        {
            antiforgery.HeaderName ??= AcmeDefaults.CsrfHeaderName;
        });

        services.AddAuthorization(authorization =>
        {
            authorization.AddPolicy(AcmeDefaults.AdminPolicy, policy =>
                policy.RequireAuthenticatedUser().RequireRole(AcmeDefaults.AdminPolicyRoles));
            authorization.AddPolicy(AcmeDefaults.StaffPolicy, policy =>
                policy.RequireAuthenticatedUser().RequireRole(AcmeDefaults.StaffPolicyRoles));
        });

        services.AddOptions<CookieAuthenticationOptions>(AcmeDefaults.AuthenticationScheme)
            .Configure<AcmeTicketStore, IOptions<AcmeOptions>>((cookie, store, settings) =>
            {
                AcmeOptions value = settings.Value;
                cookie.Cookie.Name = value.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.Cookie.IsEssential = true;
                cookie.SessionStore = store;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = value.RoutePrefix + "/login";
                cookie.LogoutPath = value.RoutePrefix + "/logout";
                cookie.AccessDeniedPath = value.RoutePrefix + "/login";
                cookie.ReturnUrlParameter = "next";
                cookie.EventsType = typeof(AcmeCookieEvents);
            });

        return services
            .AddAuthentication(AcmeDefaults.AuthenticationScheme)
            .AddCookie(AcmeDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The resilience pipeline of the calls to the service, one per HTTP method (the pipeline's instance
    /// name): a GET that could not connect is sent again, <see cref="AcmeOptions.GetRetries"/> times at
    /// most, after an exponential back-off. Nothing else is retried: no other method, and no request
    /// that reached the service, is ever sent twice.
    /// </summary>
    private static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        int retries = context.ServiceProvider.GetRequiredService<IOptions<AcmeOptions>>().Value.GetRetries;
        if (context.InstanceName != HttpMethod.Get.Method || retries == 0)
        {
            return; // an empty pipeline sends the request once
        }

        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = retries,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(100),
            ShouldHandle = static args => ValueTask.FromResult(NotConnected(args.Outcome.Exception)),
        });
    }

    private static bool NotConnected(Exception? error) =>
        error is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
