{% set N = cookiecutter.class_name -%}
using System;
{%- if not cookiecutter.is_oidc %}
using System.Net.Http;
using System.Threading.Tasks;
{%- endif %}
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
{%- if cookiecutter.is_oidc %}
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
{%- endif %}
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
{%- if not cookiecutter.is_oidc %}
using Microsoft.Extensions.Http.Resilience;
{%- endif %}
using Microsoft.Extensions.Options;
{%- if not cookiecutter.is_oidc %}
using Polly;
{%- endif %}

namespace {{ cookiecutter.namespace }};

/// <summary>Adds the {{ cookiecutter.service_name | cscomment }} integration to an application's services.</summary>
public static class {{ N }}ServiceCollectionExtensions
{
    /// <summary>
{%- if cookiecutter.is_oidc %}
    /// Sign users in with {{ cookiecutter.service_name | cscomment }} through OpenID Connect: cookie authentication as the default
    /// scheme, the OpenID Connect handler (<see cref="{{ N }}Defaults.OpenIdConnectScheme"/>) for the authorization-code
    /// flow with PKCE, sessions and the provider's tokens kept on the server, antiforgery, and the
    /// <see cref="{{ N }}Defaults.AdminPolicy"/> and <see cref="{{ N }}Defaults.StaffPolicy"/> policies.
{%- else %}
    /// Sign users in with {{ cookiecutter.service_name | cscomment }}: cookie authentication as the default scheme,
    /// sessions kept on the server, the typed <see cref="{{ N }}Client"/>, antiforgery, and the
    /// <see cref="{{ N }}Defaults.AdminPolicy"/> and <see cref="{{ N }}Defaults.StaffPolicy"/> policies.
{%- endif %}
    /// </summary>
    /// <remarks>
    /// <see cref="{{ N }}Options"/> is bound from the <c>{{ N }}</c> configuration section, with an
    /// environment variable per setting as a fallback, then <paramref name="configure"/> runs. The
    /// options are validated when the application starts. Map the routes with
    /// <see cref="{{ N }}EndpointRouteBuilderExtensions.Map{{ N }}Auth"/>. Nothing is added to the application's
    /// pipeline: call <see cref="{{ N }}ApplicationBuilderExtensions.Use{{ N }}ErrorHandling"/> for the integration's
    /// answers of last resort. The developer exception page stays off the integration's routes. With <see cref="{{ N }}Options.RedisUrl"/> set, sessions and the Data Protection
    /// keys are kept in that Redis, for several instances of the application.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets options in code; runs after configuration is bound.</param>
    /// <returns>The authentication builder, to add more schemes.</returns>
    public static AuthenticationBuilder Add{{ N }}Authentication(
        this IServiceCollection services,
        Action<{{ N }}Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        OptionsBuilder<{{ N }}Options> options = services.AddOptions<{{ N }}Options>()
            .Configure<IConfiguration>({{ N }}OptionsSetup.ApplyEnvironment)
            .BindConfiguration({{ N }}Options.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure({{ N }}OptionsSetup.ApplyDefaults).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<{{ N }}Options>, {{ N }}OptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<{{ N }}Options>, {{ N }}OptionsAttributesValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddDistributedMemoryCache();
        services.TryAddSingleton<{{ N }}Redis>();
        services.TryAddSingleton(provider => new {{ N }}TicketStore(
            provider.GetRequiredService<{{ N }}Redis>().Cache ?? provider.GetRequiredService<IDistributedCache>()));
{%- if cookiecutter.has_refresh or cookiecutter.is_oidc %}
        services.TryAddSingleton<{{ N }}RefreshFlights>();
{%- endif %}
        services.TryAddSingleton<I{{ N }}PageRenderer, {{ N }}PageRenderer>();
        services.TryAddScoped<{{ N }}Sessions>();
        services.TryAddScoped<{{ N }}CookieEvents>();
{%- if cookiecutter.is_oidc %}
        services.TryAddScoped<{{ N }}OpenIdConnectEvents>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, {{ N }}DeveloperPageExceptionFilter>());
{%- else %}
        services.TryAddSingleton<{{ N }}LoginThrottle>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, {{ N }}DeveloperPageExceptionFilter>());

        services.AddHttpClient<{{ N }}Client>((provider, http) =>
            {
                // One deadline for the whole call, retries included: past it the integration answers 503.
                http.Timeout = provider.GetRequiredService<IOptions<{{ N }}Options>>().Value.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .AddResilienceHandler("service", ConfigureResilience)
            .SelectPipelineBy(static _ => static request => request.Method.Method);
{%- endif %}

        // Several instances must read each other's cookies: with Redis configured, the key ring goes there too,
        // unless the application keeps its keys somewhere of its own.
        services.AddOptions<KeyManagementOptions>().Configure<{{ N }}Redis>((keys, redis) =>
        {
            if (redis.Enabled && keys.XmlRepository is null)
            {
                keys.XmlRepository = new RedisXmlRepository(() => redis.Database, {{ N }}Redis.DataProtectionKey);
            }
        });

        services.AddAntiforgery();
        services.PostConfigure<AntiforgeryOptions>(antiforgery =>
        {
            antiforgery.HeaderName ??= {{ N }}Defaults.CsrfHeaderName;
        });

        services.AddAuthorization(authorization =>
        {
            authorization.AddPolicy({{ N }}Defaults.AdminPolicy, policy =>
                policy.RequireAuthenticatedUser().RequireRole({{ N }}Defaults.AdminPolicyRoles));
            authorization.AddPolicy({{ N }}Defaults.StaffPolicy, policy =>
                policy.RequireAuthenticatedUser().RequireRole({{ N }}Defaults.StaffPolicyRoles));
        });

        services.AddOptions<CookieAuthenticationOptions>({{ N }}Defaults.AuthenticationScheme)
            .Configure<{{ N }}TicketStore, IOptions<{{ N }}Options>>((cookie, store, settings) =>
            {
                {{ N }}Options value = settings.Value;
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
                cookie.EventsType = typeof({{ N }}CookieEvents);
            });

{%- if cookiecutter.is_oidc %}

        services.AddOptions<OpenIdConnectOptions>({{ N }}Defaults.OpenIdConnectScheme)
            .Configure<IOptions<{{ N }}Options>>((oidc, settings) => {{ N }}OpenIdConnect.Configure(oidc, settings.Value));

        // The cookie scheme stays the default, challenge included: a request that needs a user gets 401 JSON or a
        // redirect to /auth/login, never a redirect to the provider; only the login route challenges this scheme.
        return services
            .AddAuthentication({{ N }}Defaults.AuthenticationScheme)
            .AddCookie({{ N }}Defaults.AuthenticationScheme)
            .AddOpenIdConnect({{ N }}Defaults.OpenIdConnectScheme, {{ cookiecutter.service_name | cs }}, static _ => { });
    }
{%- else %}

        return services
            .AddAuthentication({{ N }}Defaults.AuthenticationScheme)
            .AddCookie({{ N }}Defaults.AuthenticationScheme);
    }

    /// <summary>
    /// The resilience pipeline of the calls to the service, one per HTTP method (the pipeline's instance
    /// name): a GET that could not connect is sent again, <see cref="{{ N }}Options.GetRetries"/> times at
    /// most, after an exponential back-off. Nothing else is retried: no other method, and no request
    /// that reached the service, is ever sent twice.
    /// </summary>
    private static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        int retries = context.ServiceProvider.GetRequiredService<IOptions<{{ N }}Options>>().Value.GetRetries;
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
{%- endif %}
}
