{% set N = cookiecutter.class_name -%}
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace {{ cookiecutter.namespace }};

/// <summary>How the integration answers: JSON bodies, JSON errors, pages, redirects.</summary>
internal static class {{ N }}Responses
{
    private static readonly Dictionary<string, string> Messages = new()
    {
        ["unauthorized"] = {{ cookiecutter.messages.error.unauthorized | cs }},
        ["forbidden"] = {{ cookiecutter.messages.error.forbidden | cs }},
        ["csrf_failed"] = {{ cookiecutter.messages.error.csrf_failed | cs }},
        ["not_acceptable"] = {{ cookiecutter.messages.error.not_acceptable | cs }},
        ["method_not_allowed"] = {{ cookiecutter.messages.error.method_not_allowed | cs }},
        ["unsupported_media_type"] = {{ cookiecutter.messages.error.unsupported_media_type | cs }},
        ["invalid_input"] = {{ cookiecutter.messages.error.invalid_input | cs }},
        ["too_many_attempts"] = {{ cookiecutter.messages.error.too_many_attempts | cs }},
        ["failed"] = {{ cookiecutter.messages.internal_error | cs }},
    };

    /// <summary>The standard message of an error code the integration itself answers with.</summary>
    public static string MessageFor(string code) =>
        Messages.TryGetValue(code, out string? message) ? message : "The request could not be completed.";

    public static async Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        JsonAsync(context, status, {{ N }}Content.ErrorBody(code, message));

    public static Task ErrorAsync(HttpContext context, {{ N }}Exception error) =>
        ErrorAsync(context, error.StatusCode, error.Code, error.PublicMessage);

    public static async Task PageAsync(HttpContext context, {{ N }}Page page)
    {
        IOptions<{{ N }}Options> options = context.RequestServices.GetRequiredService<IOptions<{{ N }}Options>>();
        I{{ N }}PageRenderer renderer = options.Value.Pages
            ?? context.RequestServices.GetRequiredService<I{{ N }}PageRenderer>();
        string html = renderer.Render(page);
        context.Response.StatusCode = page.StatusCode;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>A page that says what went wrong, with a way back to the login page.</summary>
    public static Task ErrorPageAsync(HttpContext context, int status, string message, {{ N }}PageKind kind = {{ N }}PageKind.Error)
    {
        string title = kind == {{ N }}PageKind.Forbidden ? {{ cookiecutter.messages.forbidden_title | cs }} : {{ cookiecutter.messages.error_title | cs }};
        return PageAsync(context, NewPage(context, kind, title, status, error: message));
    }

    public static Task NotAcceptableAsync(HttpContext context) =>
        ErrorAsync(context, StatusCodes.Status406NotAcceptable, "not_acceptable", MessageFor("not_acceptable"));

    /// <summary>
    /// A 500 for an exception nothing handled: the error shape, JSON or a page, with nothing of the
    /// exception in it. Whatever the request had written to the (unstarted) response is discarded.
    /// </summary>
    public static Task UnexpectedErrorAsync(HttpContext context)
    {
        context.Response.Clear();
        return context.Request.WantsJson()
            ? ErrorAsync(context, StatusCodes.Status500InternalServerError, "failed", MessageFor("failed"))
            : ErrorPageAsync(context, StatusCodes.Status500InternalServerError, MessageFor("failed"));
    }

    /// <summary>
    /// An anonymous request to a protected endpoint: browsers go to the login page, API clients get 401.
    /// A request whose user could not be refreshed because the service is down gets 503 instead.
    /// </summary>
    public static Task ChallengeAsync(HttpContext context)
    {
        {{ N }}ServiceFailure? failure = context.Features.Get<{{ N }}ServiceFailure>();
        bool json = context.Request.WantsJson();
        if (failure is not null)
        {
            return json
                ? ErrorAsync(context, failure.Error)
                : ErrorPageAsync(context, failure.Error.StatusCode, failure.Error.PublicMessage);
        }

        if (json)
        {
            return ErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", MessageFor("unauthorized"));
        }

        HttpRequest request = context.Request;
        string? next = {{ N }}Endpoints.SafeNext(request.PathBase + request.Path + request.QueryString);
        context.Response.Redirect(next is null ? LoginPath(context) : LoginPath(context) + "?next=" + Uri.EscapeDataString(next));
        return Task.CompletedTask;
    }

    /// <summary>A signed-in user without a role the endpoint requires: 403, as JSON or a page.</summary>
    public static Task ForbiddenAsync(HttpContext context) =>
        context.Request.WantsJson()
            ? ErrorAsync(context, StatusCodes.Status403Forbidden, "forbidden", MessageFor("forbidden"))
            : ErrorPageAsync(context, StatusCodes.Status403Forbidden, MessageFor("forbidden"), {{ N }}PageKind.Forbidden);

    /// <summary>A 303 to <paramref name="location"/>: after a POST, the browser follows it with a GET.</summary>
    public static void SeeOther(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
    }

    public static {{ N }}Options Settings(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<{{ N }}Options>>().Value;

    /// <summary>The path of one of the integration's routes, e.g. <c>/auth/login</c>.</summary>
    public static string RoutePath(HttpContext context, string route) =>
        context.Request.PathBase + Settings(context).RoutePrefix + "/" + route;

    public static string LoginPath(HttpContext context) => RoutePath(context, "login");

    /// <summary>A page with the branding, the CSRF token and the links every page shares.</summary>
    public static {{ N }}Page NewPage(
        HttpContext context,
        {{ N }}PageKind kind,
        string title,
        int status,
        string? formAction = null,
        IReadOnlyList<{{ N }}FormField>? fields = null,
        IReadOnlyDictionary<string, string>? values = null,
        string? error = null,
        string? notice = null,
        string submitLabel = "Continue",
        string? next = null,
        IReadOnlyDictionary<string, string>? hidden = null)
    {
        {{ N }}Options options = Settings(context);
        Dictionary<string, string> hiddenFields = new();
        if (formAction is not null)
        {
            AntiforgeryTokenSet tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
            hiddenFields[tokens.FormFieldName] = tokens.RequestToken ?? string.Empty;
        }

        if (!string.IsNullOrEmpty(next))
        {
            hiddenFields["next"] = next;
        }

        foreach (KeyValuePair<string, string> field in hidden ?? new Dictionary<string, string>())
        {
            hiddenFields[field.Key] = field.Value;
        }

        return new {{ N }}Page
        {
            Kind = kind,
            Title = title,
            StatusCode = status,
            BrandName = options.BrandName,
            LogoUrl = options.LogoUrl,
            PrimaryColor = options.PrimaryColor,
            Error = error,
            Notice = notice,
            FormAction = formAction,
            SubmitLabel = submitLabel,
            Fields = fields ?? [],
            Values = values ?? new Dictionary<string, string>(),
            HiddenFields = hiddenFields,
            Links = Links(context, kind),
        };
    }

    private static List<{{ N }}PageLink> Links(HttpContext context, {{ N }}PageKind kind)
    {
        List<{{ N }}PageLink> links = [];
{%- if cookiecutter.has_change_password %}
        if (kind is {{ N }}PageKind.ChangePassword or {{ N }}PageKind.PasswordChanged)
        {
            // The user is signed in: back to the site, not to the login page.
            links.Add(new {{ N }}PageLink(context.Request.PathBase + "/", "Back to the site"));
            return links;
        }
{%- endif %}

        if (kind != {{ N }}PageKind.Login)
        {
            links.Add(new {{ N }}PageLink(LoginPath(context), "Sign in"));
        }
{%- if cookiecutter.has_register %}

        if (kind == {{ N }}PageKind.Login)
        {
            links.Add(new {{ N }}PageLink(RoutePath(context, "register"), "Create an account"));
        }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

        if (kind == {{ N }}PageKind.Login)
        {
            links.Add(new {{ N }}PageLink(RoutePath(context, "forgot"), "Forgot your password?"));
        }
{%- if cookiecutter.has_reset_password %}

        if (kind == {{ N }}PageKind.ResetPassword)
        {
            links.Add(new {{ N }}PageLink(RoutePath(context, "forgot"), "Ask for a new link"));
        }
{%- endif %}
{%- endif %}
{%- if cookiecutter.is_oidc %}

        if (kind == {{ N }}PageKind.Login)
        {
            // The sign-in page shows only why a sign-in failed: start a new one, or go to the provider's own pages.
            links.Add(new {{ N }}PageLink(LoginPath(context), "Sign in again"));
{%- if cookiecutter.oidc_links %}
            {{ N }}Options settings = Settings(context);
{%- endif %}
{%- for link in cookiecutter.oidc_links %}
            links.Add(new {{ N }}PageLink({{ link.code }}, {{ link.text | cs }}));
{%- endfor %}
        }
{%- endif %}

        return links;
    }
}
