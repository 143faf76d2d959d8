using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Acme.AspNetCore;

/// <summary>Fills <see cref="AcmeOptions"/> from environment variables and defaults.</summary>
internal static class AcmeOptionsSetup
{
    /// <summary>The route prefix when none is configured.</summary>
    public const string DefaultRoutePrefix = "/auth";

    /// <summary>The colour of the pages when none is configured.</summary>
    public const string DefaultPrimaryColor = "#4f46e5";

    /// <summary>
    /// Read the environment variables into <paramref name="options"/>. Runs before the configuration
    /// section is bound, so the section wins over the environment.
    /// </summary>
    public static void ApplyEnvironment(AcmeOptions options, IConfiguration configuration)
    {
        options.BaseUrl = Variable(configuration, "ACME_BASE_URL") ?? options.BaseUrl;
        options.ApiKey = Variable(configuration, "ACME_API_KEY") ?? options.ApiKey;
        options.ApplicationId = Variable(configuration, "ACME_APP_ID") ?? options.ApplicationId;
        options.RoutePrefix = Variable(configuration, "ACME_ROUTE_PREFIX") ?? options.RoutePrefix;
        options.BrandName = Variable(configuration, "ACME_BRAND_NAME") ?? options.BrandName;
        options.LogoUrl = Variable(configuration, "ACME_LOGO_URL") ?? options.LogoUrl;
        options.PrimaryColor = Variable(configuration, "ACME_PRIMARY_COLOR") ?? options.PrimaryColor;
        options.RedisUrl = Variable(configuration, "ACME_REDIS_URL") ?? options.RedisUrl;
        options.Timeout = Seconds(configuration, "ACME_TIMEOUT", options) ?? options.Timeout;
        options.SessionTtl = Seconds(configuration, "ACME_SESSION_TTL", options) ?? options.SessionTtl;
        options.LoginLimitPerAccount = Count(configuration, "ACME_LOGIN_LIMIT_PER_ACCOUNT", options) ?? options.LoginLimitPerAccount;
        options.LoginLimitPerClient = Count(configuration, "ACME_LOGIN_LIMIT_PER_CLIENT", options) ?? options.LoginLimitPerClient;
        options.LoginLimitWindow = Seconds(configuration, "ACME_LOGIN_LIMIT_WINDOW", options) ?? options.LoginLimitWindow;
    }

    /// <summary>Give every setting still unset its default, after all configuration has been applied.</summary>
    public static void ApplyDefaults(AcmeOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            options.BaseUrl = "https://id.acme.example";
        }
        if (string.IsNullOrWhiteSpace(options.BrandName))
        {
            options.BrandName = "Acme Identity";
        }

        if (string.IsNullOrWhiteSpace(options.PrimaryColor))
        {
            options.PrimaryColor = DefaultPrimaryColor;
        }

        if (string.IsNullOrWhiteSpace(options.CookieName))
        {
            options.CookieName = AcmeDefaults.CookieName;
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

    private static TimeSpan? Seconds(IConfiguration configuration, string name, AcmeOptions options)
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

    private static int? Count(IConfiguration configuration, string name, AcmeOptions options)
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
}

/// <summary>
/// Checks <see cref="AcmeOptions"/> when the application starts, naming every problem at once: what the
/// environment variables held, required settings, URLs and durations.
/// </summary>
internal sealed class AcmeOptionsValidator : IValidateOptions<AcmeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AcmeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> problems = [.. options.EnvironmentProblems];
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            problems.Add(Missing("ApiKey", "ACME_API_KEY"));
        }
        if (string.IsNullOrWhiteSpace(options.ApplicationId))
        {
            problems.Add(Missing("ApplicationId", "ACME_APP_ID"));
        }

        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out Uri? baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"Acme:BaseUrl must be an http or https URL, not '{options.BaseUrl}' (or set ACME_BASE_URL).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            problems.Add($"Acme:Timeout must be longer than zero, not {options.Timeout}.");
        }

        if (options.SessionTtl < TimeSpan.Zero)
        {
            problems.Add($"Acme:SessionTtl must not be negative, not {options.SessionTtl}.");
        }

        if (options.LoginLimitWindow <= TimeSpan.Zero)
        {
            problems.Add($"Acme:LoginLimitWindow must be longer than zero, not {options.LoginLimitWindow}.");
        }

        if (options.RoutePrefix.Length > 0
            && (!options.RoutePrefix.StartsWith('/') || options.RoutePrefix.StartsWith("//", StringComparison.Ordinal)))
        {
            problems.Add($"Acme:RoutePrefix must start with a single '/', like '/auth', not '{options.RoutePrefix}'.");
        }

        if (options.LogoUrl is not null && !IsLogoUrl(options.LogoUrl))
        {
            problems.Add($"Acme:LogoUrl must be an http or https URL or a path starting with '/', not '{options.LogoUrl}'.");
        }

        if (options.RedisUrl is not null && !AcmeRedis.TryParseUrl(options.RedisUrl, out _))
        {
            problems.Add(AcmeRedis.UrlProblem(options.RedisUrl));
        }

        if (problems.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(problems);
    }

    private static string Missing(string property, string variable) =>
        $"Acme:{property} is missing: set it in the \"Acme\" configuration section or the {variable} environment variable.";

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
/// Checks the DataAnnotations attributes of <see cref="AcmeOptions"/> (ranges, patterns) when the application
/// starts; generated at compile time, without reflection.
/// </summary>
[OptionsValidator]
internal sealed partial class AcmeOptionsAttributesValidator : IValidateOptions<AcmeOptions>
{
}
