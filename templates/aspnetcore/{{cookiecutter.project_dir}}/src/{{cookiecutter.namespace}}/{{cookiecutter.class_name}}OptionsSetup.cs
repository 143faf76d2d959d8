{% set N = cookiecutter.class_name -%}
{% set P = cookiecutter.config_prefix -%}
using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace {{ cookiecutter.namespace }};

/// <summary>Fills <see cref="{{ N }}Options"/> from environment variables and defaults.</summary>
internal static class {{ N }}OptionsSetup
{
    /// <summary>The route prefix when none is configured.</summary>
    public const string DefaultRoutePrefix = "/auth";

    /// <summary>The colour of the pages when none is configured.</summary>
    public const string DefaultPrimaryColor = "#4f46e5";

    /// <summary>
    /// Read the environment variables into <paramref name="options"/>. Runs before the configuration
    /// section is bound, so the section wins over the environment.
    /// </summary>
    public static void ApplyEnvironment({{ N }}Options options, IConfiguration configuration)
    {
{%- for s in cookiecutter.settings %}
        options.{{ s.prop }} = Variable(configuration, {{ s.env | cs }}) ?? options.{{ s.prop }};
{%- endfor %}
        options.RoutePrefix = Variable(configuration, "{{ P }}_ROUTE_PREFIX") ?? options.RoutePrefix;
        options.BrandName = Variable(configuration, "{{ P }}_BRAND_NAME") ?? options.BrandName;
        options.LogoUrl = Variable(configuration, "{{ P }}_LOGO_URL") ?? options.LogoUrl;
        options.PrimaryColor = Variable(configuration, "{{ P }}_PRIMARY_COLOR") ?? options.PrimaryColor;
        options.RedisUrl = Variable(configuration, "{{ P }}_REDIS_URL") ?? options.RedisUrl;
        options.Timeout = Seconds(configuration, "{{ P }}_TIMEOUT", options) ?? options.Timeout;
        options.SessionTtl = Seconds(configuration, "{{ P }}_SESSION_TTL", options) ?? options.SessionTtl;
{%- if not cookiecutter.is_oidc %}
        options.LoginLimitPerAccount = Count(configuration, "{{ P }}_LOGIN_LIMIT_PER_ACCOUNT", options) ?? options.LoginLimitPerAccount;
        options.LoginLimitPerClient = Count(configuration, "{{ P }}_LOGIN_LIMIT_PER_CLIENT", options) ?? options.LoginLimitPerClient;
        options.LoginLimitWindow = Seconds(configuration, "{{ P }}_LOGIN_LIMIT_WINDOW", options) ?? options.LoginLimitWindow;
{%- endif %}
    }

    /// <summary>Give every setting still unset its default, after all configuration has been applied.</summary>
    public static void ApplyDefaults({{ N }}Options options)
    {
{%- for s in cookiecutter.settings if s.default is not none %}
        if (string.IsNullOrWhiteSpace(options.{{ s.prop }}))
        {
            options.{{ s.prop }} = {{ s.default | cs }};
        }
{%- endfor %}
        if (string.IsNullOrWhiteSpace(options.BrandName))
        {
            options.BrandName = {{ cookiecutter.service_name | cs }};
        }

        if (string.IsNullOrWhiteSpace(options.PrimaryColor))
        {
            options.PrimaryColor = DefaultPrimaryColor;
        }

        if (string.IsNullOrWhiteSpace(options.CookieName))
        {
            options.CookieName = {{ N }}Defaults.CookieName;
        }

        if (string.IsNullOrWhiteSpace(options.LogoUrl))
        {
            options.LogoUrl = null;
        }

        if (string.IsNullOrWhiteSpace(options.RedisUrl))
        {
            options.RedisUrl = null;
        }

        options.RoutePrefix = string.IsNullOrWhiteSpace(options.RoutePrefix)
            ? DefaultRoutePrefix
            : options.RoutePrefix.Trim().TrimEnd('/');
    }

    private static string? Variable(IConfiguration configuration, string name)
    {
        string? value = configuration[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static TimeSpan? Seconds(IConfiguration configuration, string name, {{ N }}Options options)
    {
        string? text = Variable(configuration, name);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            && seconds >= 0
            && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        options.EnvironmentProblems.Add($"{name} must be a number of seconds, not '{text}'.");
        return null;
    }
{%- if not cookiecutter.is_oidc %}

    private static int? Count(IConfiguration configuration, string name, {{ N }}Options options)
    {
        string? text = Variable(configuration, name);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            return count;
        }

        options.EnvironmentProblems.Add($"{name} must be a whole number, 0 or more, not '{text}'.");
        return null;
    }
{%- endif %}
}

/// <summary>
/// Checks <see cref="{{ N }}Options"/> when the application starts, naming every problem at once: what the
/// environment variables held, required settings, URLs and durations.
/// </summary>
internal sealed class {{ N }}OptionsValidator : IValidateOptions<{{ N }}Options>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, {{ N }}Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> problems = [.. options.EnvironmentProblems];
{%- for s in cookiecutter.settings if s.required %}
        if (string.IsNullOrWhiteSpace(options.{{ s.prop }}))
        {
            problems.Add(Missing("{{ s.prop }}", {{ s.env | cs }}));
        }
{%- endfor %}

{%- set url = "Issuer" if cookiecutter.is_oidc else "BaseUrl" %}

        if (!Uri.TryCreate(options.{{ url }}, UriKind.Absolute, out Uri? {{ "issuer" if cookiecutter.is_oidc else "baseUrl" }})
            || ({{ "issuer" if cookiecutter.is_oidc else "baseUrl" }}.Scheme != Uri.UriSchemeHttp && {{ "issuer" if cookiecutter.is_oidc else "baseUrl" }}.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{{ N }}:{{ url }} must be an http or https URL, not '{options.{{ url }}}' (or set {{ cookiecutter.settings[0].env }}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            problems.Add($"{{ N }}:Timeout must be longer than zero, not {options.Timeout}.");
        }

        if (options.SessionTtl < TimeSpan.Zero)
        {
            problems.Add($"{{ N }}:SessionTtl must not be negative, not {options.SessionTtl}.");
        }

{%- if not cookiecutter.is_oidc %}

        if (options.LoginLimitWindow <= TimeSpan.Zero)
        {
            problems.Add($"{{ N }}:LoginLimitWindow must be longer than zero, not {options.LoginLimitWindow}.");
        }
{%- endif %}

        if (options.RoutePrefix.Length > 0
            && (!options.RoutePrefix.StartsWith('/') || options.RoutePrefix.StartsWith("//", StringComparison.Ordinal)))
        {
            problems.Add($"{{ N }}:RoutePrefix must start with a single '/', like '/auth', not '{options.RoutePrefix}'.");
        }

        if (options.LogoUrl is not null && !IsLogoUrl(options.LogoUrl))
        {
            problems.Add($"{{ N }}:LogoUrl must be an http or https URL or a path starting with '/', not '{options.LogoUrl}'.");
        }

        if (options.RedisUrl is not null && !{{ N }}Redis.TryParseUrl(options.RedisUrl, out _))
        {
            problems.Add({{ N }}Redis.UrlProblem(options.RedisUrl));
        }

        if (problems.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(problems);
    }

    private static string Missing(string property, string variable) =>
        $"{{ N }}:{property} is missing: set it in the \"{{ N }}\" configuration section or the {variable} environment variable.";

    private static bool IsLogoUrl(string url)
    {
        if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal))
        {
            return true;
        }

        return Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
    }
}

/// <summary>
/// Checks the DataAnnotations attributes of <see cref="{{ N }}Options"/> (ranges, patterns) when the application
/// starts; generated at compile time, without reflection.
/// </summary>
[OptionsValidator]
internal sealed partial class {{ N }}OptionsAttributesValidator : IValidateOptions<{{ N }}Options>
{
}
