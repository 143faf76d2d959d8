{% set N = cookiecutter.class_name -%}
{% set P = cookiecutter.config_prefix -%}
using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;

namespace {{ cookiecutter.namespace }};

/// <summary>
/// The settings of the {{ cookiecutter.service_name | cscomment }} integration, bound from the
/// <c>{{ N }}</c> configuration section.
/// </summary>
/// <remarks>
/// Each setting is read, highest precedence first, from the delegate given to
/// <see cref="{{ N }}ServiceCollectionExtensions.Add{{ N }}Authentication"/>, the <c>{{ N }}</c>
/// configuration section (<c>appsettings.json</c>, <c>{{ N }}__{% if cookiecutter.is_oidc %}Issuer{% else %}BaseUrl{% endif %}</c> ...), its own environment
/// variable (<c>{% if cookiecutter.is_oidc %}{{ cookiecutter.oidc.issuer_env }}{% else %}{{ P }}_BASE_URL{% endif %}</c> ...), and its default. The settings are checked when the
/// application starts: a missing or invalid one stops start-up with a message naming it. The checks of a
/// single value are the DataAnnotations attributes on its property.
/// </remarks>
public sealed class {{ N }}Options
{
    /// <summary>The configuration section the options are bound from: <c>{{ N }}</c>.</summary>
    public const string SectionName = "{{ N }}";
{% for s in cookiecutter.settings %}
    /// <summary>
    /// {{ s.description | cscomment }} (<c>{{ N }}:{{ s.prop }}</c>, environment variable <c>{{ s.env }}</c>{% if s.default is not none %}, default <c>{{ s.default | cscomment }}</c>{% elif s.required %}, required{% endif %}).
    /// </summary>
    public string{% if s.nullable %}?{% endif %} {{ s.prop }} { get; set; }{% if not s.nullable %} = string.Empty;{% endif %}
{% endfor %}
    /// <summary>
    /// How long to wait for the {% if cookiecutter.is_oidc %}provider{% else %}service{% endif %} before failing closed with a 503 (<c>{{ N }}:Timeout</c> as
    /// <c>hh:mm:ss</c>, or <c>{{ P }}_TIMEOUT</c> in seconds; default {{ cookiecutter.timeout_s }} seconds).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds({{ cookiecutter.timeout_s | cs }});

    /// <summary>
    /// How long the signed-in user is trusted before the service is asked again: within it a request
    /// makes no call to the service (<c>{{ N }}:SessionTtl</c> as <c>hh:mm:ss</c>, or
    /// <c>{{ P }}_SESSION_TTL</c> in seconds; default 5 minutes).
    /// </summary>
    public TimeSpan SessionTtl { get; set; } = TimeSpan.FromMinutes(5);
{%- if not cookiecutter.is_oidc %}

    /// <summary>
    /// Failed sign-ins for one username within <see cref="LoginLimitWindow"/> after which sign-in for it
    /// is refused with 429 until the window ends, whether or not the account exists
    /// (<c>{{ P }}_LOGIN_LIMIT_PER_ACCOUNT</c>; default 0, off).
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "{{ N }}:LoginLimitPerAccount must be 0 (off) or more.")]
    public int LoginLimitPerAccount { get; set; }

    /// <summary>
    /// Failed sign-ins from one client address within <see cref="LoginLimitWindow"/> after which sign-in
    /// from it is refused with 429 (<c>{{ P }}_LOGIN_LIMIT_PER_CLIENT</c>; default 0, off). The address is
    /// <c>HttpContext.Connection.RemoteIpAddress</c>: behind a proxy, use <c>UseForwardedHeaders</c>.
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "{{ N }}:LoginLimitPerClient must be 0 (off) or more.")]
    public int LoginLimitPerClient { get; set; }

    /// <summary>
    /// How long failed sign-ins are counted for (<c>{{ N }}:LoginLimitWindow</c> as <c>hh:mm:ss</c>, or
    /// <c>{{ P }}_LOGIN_LIMIT_WINDOW</c> in seconds; default 300 seconds).
    /// </summary>
    public TimeSpan LoginLimitWindow { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// How often a GET that could not connect is tried again. Other requests are never sent twice.
    /// </summary>
    [Range(0, 10, ErrorMessage = "{{ N }}:GetRetries must be between 0 and 10.")]
    public int GetRetries { get; set; } = 2;
{%- endif %}

    /// <summary>
    /// The URL prefix of the routes <c>Map{{ N }}Auth</c> adds: <c>/auth/login</c>, <c>/auth/me</c> ...
    /// (<c>{{ P }}_ROUTE_PREFIX</c>; default <c>/auth</c>).
    /// </summary>
    public string RoutePrefix { get; set; } = string.Empty;

    /// <summary>The name at the top of the pages (<c>{{ P }}_BRAND_NAME</c>; default <c>{{ cookiecutter.service_name | cscomment }}</c>).</summary>
    public string BrandName { get; set; } = string.Empty;

    /// <summary>An image shown on the pages instead of the brand name (<c>{{ P }}_LOGO_URL</c>).</summary>
    public string? LogoUrl { get; set; }

    /// <summary>
    /// The colour of buttons, links and focus rings on the pages: a hex colour or a CSS colour name
    /// (<c>{{ P }}_PRIMARY_COLOR</c>; default <c>#4f46e5</c>).
    /// </summary>
    [RegularExpression(
        "^(#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,30})$",
        ErrorMessage = "{{ N }}:PrimaryColor must be a hex colour like '#4f46e5' or a CSS colour name.")]
    public string PrimaryColor { get; set; } = string.Empty;

    /// <summary>
    /// The Redis that keeps sessions (and with them the cached user) for every instance of the application,
    /// as a URL: <c>redis://[:password@]host[:port][/database]</c>, or <c>rediss://</c> for TLS
    /// (<c>{{ N }}:RedisUrl</c>, environment variable <c>{{ P }}_REDIS_URL</c>). Not set: sessions stay in this
    /// process's <c>IDistributedCache</c>, which is right for a single instance.
    /// </summary>
    /// <remarks>
    /// With it set, a signed-out cookie is refused by every instance at once, a refresh of the service's tokens
    /// runs once per session across instances, and the Data Protection keys that encrypt the cookie are kept in
    /// the same Redis, unless the application keeps them somewhere of its own (<c>PersistKeysTo...</c>).
    /// </remarks>
    public string? RedisUrl { get; set; }

    /// <summary>The name of the session cookie (default <c>.{{ N }}.Session</c>).</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "{{ N }}:CookieName must be 1 to 64 letters, digits, '.', '_' or '-'.")]
    public string CookieName { get; set; } = string.Empty;

    /// <summary>
    /// Renders the {% if cookiecutter.is_oidc %}sign-in and error pages{% else %}login, register and forgot-password pages{% endif %} instead of the built-in
    /// <see cref="{{ N }}PageRenderer"/>; subclass that to change one page only.
    /// </summary>
    public I{{ N }}PageRenderer? Pages { get; set; }

    /// <summary>Problems found while reading the environment variables, reported at start-up.</summary>
    internal List<string> EnvironmentProblems { get; } = [];
}
