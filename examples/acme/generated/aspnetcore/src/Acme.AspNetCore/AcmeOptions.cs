using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;

namespace Acme.AspNetCore;

/// <summary>
/// The settings of the Acme Identity integration, bound from the
/// <c>Acme</c> configuration section.
/// </summary>
/// <remarks>
/// Each setting is read, highest precedence first, from the delegate given to
/// <see cref="AcmeServiceCollectionExtensions.AddAcmeAuthentication"/>, the <c>Acme</c>
/// configuration section (<c>appsettings.json</c>, <c>Acme__BaseUrl</c> ...), its own environment
/// variable (<c>ACME_BASE_URL</c> ...), and its default. The settings are checked when the
/// application starts: a missing or invalid one stops start-up with a message naming it. The checks of a
/// single value are the DataAnnotations attributes on its property.
/// </remarks>
public sealed class AcmeOptions
{
    /// <summary>The configuration section the options are bound from: <c>Acme</c>.</summary>
    public const string SectionName = "Acme";

    /// <summary>
    /// Root URL of the Acme Identity API (<c>Acme:BaseUrl</c>, environment variable <c>ACME_BASE_URL</c>, default <c>https://id.acme.example</c>).
    /// </summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>
    /// bearer credential for the service (<c>Acme:ApiKey</c>, environment variable <c>ACME_API_KEY</c>, required).
    /// </summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>
    /// The Acme application this site signs users in to (<c>Acme:ApplicationId</c>, environment variable <c>ACME_APP_ID</c>, required).
    /// </summary>
    public string ApplicationId { get; set; } = string.Empty;

    /// <summary>
    /// How long to wait for the service before failing closed with a 503 (<c>Acme:Timeout</c> as
    /// <c>hh:mm:ss</c>, or <c>ACME_TIMEOUT</c> in seconds; default 5.0 seconds).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5.0);

    /// <summary>
    /// How long the signed-in user is trusted before the service is asked again: within it a request
    /// makes no call to the service (<c>Acme:SessionTtl</c> as <c>hh:mm:ss</c>, or
    /// <c>ACME_SESSION_TTL</c> in seconds; default 5 minutes).
    /// </summary>
    public TimeSpan SessionTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Failed sign-ins for one username within <see cref="LoginLimitWindow"/> after which sign-in for it
    /// is refused with 429 until the window ends, whether or not the account exists
    /// (<c>ACME_LOGIN_LIMIT_PER_ACCOUNT</c>; default 0, off).
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "Acme:LoginLimitPerAccount must be 0 (off) or more.")]
    public int LoginLimitPerAccount { get; set; }

    /// <summary>
    /// Failed sign-ins from one client address within <see cref="LoginLimitWindow"/> after which sign-in
    /// from it is refused with 429 (<c>ACME_LOGIN_LIMIT_PER_CLIENT</c>; default 0, off). The address is
    /// <c>HttpContext.Connection.RemoteIpAddress</c>: behind a proxy, use <c>UseForwardedHeaders</c>.
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "Acme:LoginLimitPerClient must be 0 (off) or more.")]
    public int LoginLimitPerClient { get; set; }

    /// <summary>
    /// How long failed sign-ins are counted for (<c>Acme:LoginLimitWindow</c> as <c>hh:mm:ss</c>, or
    /// <c>ACME_LOGIN_LIMIT_WINDOW</c> in seconds; default 300 seconds).
    /// </summary>
    public TimeSpan LoginLimitWindow { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// How often a GET that could not connect is tried again. Other requests are never sent twice.
    /// </summary>
    [Range(0, 10, ErrorMessage = "Acme:GetRetries must be between 0 and 10.")]
    public int GetRetries { get; set; } = 2;

    /// <summary>
    /// The URL prefix of the routes <c>MapAcmeAuth</c> adds: <c>/auth/login</c>, <c>/auth/me</c> ...
    /// (<c>ACME_ROUTE_PREFIX</c>; default <c>/auth</c>).
    /// </summary>
    public string RoutePrefix { get; set; } = string.Empty;

    /// <summary>The name at the top of the pages (<c>ACME_BRAND_NAME</c>; default <c>Acme Identity</c>).</summary>
    public string BrandName { get; set; } = string.Empty;

    /// <summary>An image shown on the pages instead of the brand name (<c>ACME_LOGO_URL</c>).</summary>
    public string? LogoUrl { get; set; }

    /// <summary>
    /// The colour of buttons, links and focus rings on the pages: a hex colour or a CSS colour name
    /// (<c>ACME_PRIMARY_COLOR</c>; default <c>#4f46e5</c>).
    /// </summary>
    [RegularExpression(
        "^(#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,30})$",
        ErrorMessage = "Acme:PrimaryColor must be a hex colour like '#4f46e5' or a CSS colour name.")]
    public string PrimaryColor { get; set; } = string.Empty;

    /// <summary>
    /// The Redis that keeps sessions (and with them the cached user) for every instance of the application,
    /// as a URL: <c>redis://[:password@]host[:port][/database]</c>, or <c>rediss://</c> for TLS
    /// (<c>Acme:RedisUrl</c>, environment variable <c>ACME_REDIS_URL</c>). Not set: sessions stay in this
    /// process's <c>IDistributedCache</c>, which is right for a single instance.
    /// </summary>
    /// <remarks>
    /// With it set, a signed-out cookie is refused by every instance at once, a refresh of the service's tokens
    /// runs once per session across instances, and the Data Protection keys that encrypt the cookie are kept in
    /// the same Redis, unless the application keeps them somewhere of its own (<c>PersistKeysTo...</c>).
    /// </remarks>
    public string? RedisUrl { get; set; }

    /// <summary>The name of the session cookie (default <c>.Acme.Session</c>).</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Acme:CookieName must be 1 to 64 letters, digits, '.', '_' or '-'.")]
    public string CookieName { get; set; } = string.Empty;

    /// <summary>
    /// Renders the login, register and forgot-password pages instead of the built-in
    /// <see cref="AcmePageRenderer"/>; subclass that to change one page only.
    /// </summary>
    public IAcmePageRenderer? Pages { get; set; }

    /// <summary>Problems found while reading the environment variables, reported at start-up.</summary>
    internal List<string> EnvironmentProblems { get; } = [];
}
