{% set N = cookiecutter.class_name -%}
{% macro fields(inputs) -%}
[
{%- for input in inputs %}
        new {{ N }}FormField({{ input.name | cs }}, {{ input.label | cs }}, {{ input.html_type | cs }}, {{ input.autocomplete | cs }}),
{%- endfor %}
    ]
{%- endmacro -%}
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
{%- if cookiecutter.has_forgot_password %}
using Microsoft.Extensions.Logging;
{%- endif %}

namespace {{ cookiecutter.namespace }};

/// <summary>The routes <c>Map{{ N }}Auth</c> adds, per the integration's HTTP contract.</summary>
internal static class {{ N }}Endpoints
{
    /// <summary>The longest <c>next</c> followed after signing in; a longer one is dropped.</summary>
    internal const int MaxNextLength = 2048;

    private static readonly {{ N }}FormField[] LoginFields =
    {{ fields(cookiecutter.login_inputs) }};
{%- if cookiecutter.has_register %}

    private static readonly {{ N }}FormField[] RegisterFields =
    {{ fields(cookiecutter.register_inputs) }};
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

    private static readonly {{ N }}FormField[] ForgotFields =
    {{ fields(cookiecutter.forgot_inputs) }};
{%- endif %}

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        RouteGroupBuilder group = endpoints.MapGroup(prefix);
        group.AllowAnonymous();
        Get(group, "/login", LoginPageAsync);
        Post(group, "/login", LoginAsync);
        Post(group, "/logout", LogoutAsync);
        Get(group, "/me", MeAsync);
        Get(group, "/csrf", CsrfAsync);
{%- if cookiecutter.has_register %}
        Get(group, "/register", RegisterPageAsync);
        Post(group, "/register", RegisterAsync);
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
        Get(group, "/forgot", ForgotPageAsync);
        Post(group, "/forgot", ForgotAsync);
{%- endif %}
        return group;
    }

    private static void Get(RouteGroupBuilder group, string pattern, RequestDelegate handler) => group.MapGet(pattern, handler);

    private static void Post(RouteGroupBuilder group, string pattern, RequestDelegate handler) => group.MapPost(pattern, handler);

    // -- login and logout -------------------------------------------------------

    private static Task LoginPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate({{ N }}Content.Html) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        string? next = context.Request.Query["next"];
        return LoginPageAsync(context, StatusCodes.Status200OK, null, null, SafeNext(next));
    }

    private static Task LoginPageAsync(HttpContext context, int status, string? error, string? username, string? next)
    {
        Dictionary<string, string> values = new();
        if (username is not null)
        {
            values["username"] = username;
        }

        {{ N }}Page page = {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.Login,
            "Sign in",
            status,
            {{ N }}Responses.LoginPath(context),
            LoginFields,
            values,
            error,
            submitLabel: "Sign in",
            next: next);
        return {{ N }}Responses.PageAsync(context, page);
    }

    private static async Task LoginAsync(HttpContext context)
    {
        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => LoginPageAsync(context, status, message, null, null));
        if (form is null)
        {
            return;
        }

        string? username = form["username"];
        string? password = form["password"];
        string? next = SafeNext(form.Values.GetValueOrDefault("next"));
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            const string Message = "Enter your username and password.";
            if (form.AnswerJson)
            {
                await {{ N }}Responses.ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_input", Message);
            }
            else
            {
                await LoginPageAsync(context, StatusCodes.Status400BadRequest, Message, username, next);
            }

            return;
        }

        {{ N }}LoginThrottle throttle = context.RequestServices.GetRequiredService<{{ N }}LoginThrottle>();
        if (throttle.RefusedFor(context, username) is { } retryAfter)
        {
            await TooManyAttemptsAsync(context, form.AnswerJson, retryAfter, username, next);
            return;
        }

        {{ N }}User user;
        try
        {
            user = await context.RequestServices.GetRequiredService<{{ N }}Sessions>().SignInAsync(context, username, password);
        }
        catch ({{ N }}Exception error)
        {
            if (error.Kind is {{ N }}ErrorKind.InvalidCredentials or {{ N }}ErrorKind.AccountDisabled)
            {
                throttle.Failed(context, username);
            }

            if (form.AnswerJson)
            {
                await {{ N }}Responses.ErrorAsync(context, error);
            }
            else
            {
                await LoginPageAsync(context, error.StatusCode, error.PublicMessage, username, next);
            }

            return;
        }

        throttle.Succeeded(username);
        if (form.AnswerJson)
        {
            // The CSRF token is bound to the user, so the new session needs a new one.
            AntiforgeryTokenSet tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
            JsonObject body = new()
            {
                ["user"] = user.ToJson(),
                ["csrf_token"] = tokens.RequestToken,
            };
            await {{ N }}Responses.JsonAsync(context, StatusCodes.Status200OK, body);
            return;
        }

        {{ N }}Responses.SeeOther(context, next ?? context.Request.PathBase + "/");
    }

    /// <summary>
    /// 429 with <c>Retry-After</c> in whole seconds: a JSON error, or the login page again with the message.
    /// </summary>
    private static Task TooManyAttemptsAsync(HttpContext context, bool answerJson, TimeSpan retryAfter, string username, string? next)
    {
        long seconds = (long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        string message = {{ N }}Responses.MessageFor("too_many_attempts");
        return answerJson
            ? {{ N }}Responses.ErrorAsync(context, StatusCodes.Status429TooManyRequests, "too_many_attempts", message)
            : LoginPageAsync(context, StatusCodes.Status429TooManyRequests, message, username, next);
    }

    private static async Task LogoutAsync(HttpContext context)
    {
        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => {{ N }}Responses.ErrorPageAsync(context, status, message));
        if (form is null)
        {
            return;
        }

        await context.SignOutAsync({{ N }}Defaults.AuthenticationScheme);
        if (form.AnswerJson)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        {{ N }}Responses.SeeOther(context, {{ N }}Responses.LoginPath(context));
    }

    /// <summary>
    /// <paramref name="next"/> when it is a path on this site (one leading <c>/</c>, no scheme, no
    /// backslash, no control characters, at most <see cref="MaxNextLength"/> characters), else null: a
    /// login never sends anyone elsewhere, and never answers with a <c>Location</c> too long to send.
    /// </summary>
    internal static string? SafeNext(string? next)
    {
        if (string.IsNullOrEmpty(next)
            || next.Length > MaxNextLength
            || next[0] != '/'
            || (next.Length > 1 && (next[1] == '/' || next[1] == '\\')))
        {
            return null;
        }

        foreach (char c in next)
        {
            if (c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return null;
            }
        }

        return next;
    }

    // -- the signed-in user and the CSRF token ------------------------------------

    private static Task MeAsync(HttpContext context)
    {
        if (context.Request.Negotiate({{ N }}Content.Json) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        {{ N }}ServiceFailure? failure = context.Features.Get<{{ N }}ServiceFailure>();
        if (failure is not null)
        {
            return {{ N }}Responses.ErrorAsync(context, failure.Error);
        }

        {{ N }}User? user = context.Get{{ N }}User();
        if (user is null)
        {
            return {{ N }}Responses.ErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", {{ N }}Responses.MessageFor("unauthorized"));
        }

        return {{ N }}Responses.JsonAsync(context, StatusCodes.Status200OK, user.ToJson());
    }

    private static Task CsrfAsync(HttpContext context)
    {
        if (context.Request.Negotiate({{ N }}Content.Json) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        AntiforgeryTokenSet tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        JsonObject body = new()
        {
            ["csrf_token"] = tokens.RequestToken,
            ["header"] = tokens.HeaderName ?? {{ N }}Defaults.CsrfHeaderName,
            ["field"] = tokens.FormFieldName,
        };
        return {{ N }}Responses.JsonAsync(context, StatusCodes.Status200OK, body);
    }
{%- if cookiecutter.has_register %}

    // -- register ----------------------------------------------------------------

    private static Task RegisterPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate({{ N }}Content.Html) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        return RegisterPageAsync(context, StatusCodes.Status200OK, null, null);
    }

    private static Task RegisterPageAsync(HttpContext context, int status, string? error, IReadOnlyDictionary<string, string>? values)
    {
        {{ N }}Page page = {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.Register,
            "Create an account",
            status,
            {{ N }}Responses.RoutePath(context, "register"),
            RegisterFields,
            values,
            error,
            submitLabel: "Create account");
        return {{ N }}Responses.PageAsync(context, page);
    }

    private static async Task RegisterAsync(HttpContext context)
    {
        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => RegisterPageAsync(context, status, message, values));
        if (form is null)
        {
            return;
        }
{% for param, name in cookiecutter.ops.register.params %}
        string? {{ param }} = form[{{ name | cs }}];
{%- endfor %}
        if ({% for param, name in cookiecutter.ops.register.params %}string.IsNullOrEmpty({{ param }}){% if not loop.last %}
            || {% endif %}{% endfor %})
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Fill in every field.");
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<{{ N }}Client>().RegisterAsync(
{%- for param, name in cookiecutter.ops.register.params %}
                {{ param }},
{%- endfor %}
                context.RequestAborted);
        }
        catch ({{ N }}Exception error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await {{ N }}Responses.JsonAsync(context, StatusCodes.Status201Created, new JsonObject { ["status"] = "registered" });
            return;
        }

        {{ N }}Responses.SeeOther(context, {{ N }}Responses.LoginPath(context));
    }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

    // -- forgot password ---------------------------------------------------------

    private static Task ForgotPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate({{ N }}Content.Html) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        return ForgotPageAsync(context, StatusCodes.Status200OK, null, null);
    }

    private static Task ForgotPageAsync(HttpContext context, int status, string? error, IReadOnlyDictionary<string, string>? values)
    {
        {{ N }}Page page = {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.ForgotPassword,
            "Reset your password",
            status,
            {{ N }}Responses.RoutePath(context, "forgot"),
            ForgotFields,
            values,
            error,
            submitLabel: "Send reset link");
        return {{ N }}Responses.PageAsync(context, page);
    }

    /// <summary>
    /// Ask for a reset message. The answer is the same whether or not the account exists, so the
    /// route cannot be used to find out who has one; only a service that is down is reported.
    /// </summary>
    private static async Task ForgotAsync(HttpContext context)
    {
        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => ForgotPageAsync(context, status, message, values));
        if (form is null)
        {
            return;
        }
{% for param, name in cookiecutter.ops.forgot_password.params %}
        string? {{ param }} = form[{{ name | cs }}];
{%- endfor %}
        if ({% for param, name in cookiecutter.ops.forgot_password.params %}string.IsNullOrEmpty({{ param }}){% if not loop.last %}
            || {% endif %}{% endfor %})
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Fill in every field.");
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<{{ N }}Client>().ForgotPasswordAsync(
{%- for param, name in cookiecutter.ops.forgot_password.params %}
                {{ param }},
{%- endfor %}
                context.RequestAborted);
        }
        catch ({{ N }}Exception error) when (error.Kind != {{ N }}ErrorKind.ServiceUnavailable)
        {
            ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof({{ N }}Endpoints));
            logger.LogInformation("The service did not send a password reset ({Code}); answering as if it had", error.Code);
        }
        catch ({{ N }}Exception error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await {{ N }}Responses.JsonAsync(context, StatusCodes.Status202Accepted, new JsonObject { ["status"] = "sent" });
            return;
        }

        {{ N }}Page page = {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.ForgotPasswordSent,
            "Check your inbox",
            StatusCodes.Status200OK,
            notice: "If an account exists for these details, a message with a link to reset the password is on its way.");
        await {{ N }}Responses.PageAsync(context, page);
    }
{%- endif %}
}
