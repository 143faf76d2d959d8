{% set N = cookiecutter.class_name -%}
{% macro fields(inputs) -%}
[
{%- for input in inputs %}
        new {{ N }}FormField({{ input.name | cs }}, {{ input.label | cs }}, {{ input.html_type | cs }}, {{ input.autocomplete | cs }}{% if not input.required %}, required: false{% endif %}),
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
using Microsoft.Extensions.Logging;

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
{%- if cookiecutter.email_links %}

    private const string IncompleteLink = {{ cookiecutter.messages.incomplete_link | cs }};
{%- endif %}
{%- if cookiecutter.new_passwords %}

    private const string PasswordsDiffer = {{ cookiecutter.messages.passwords_differ | cs }};
{%- endif %}
{%- if cookiecutter.has_reset_password %}

    /// <summary>The query parameter of the link in the service's password reset email.</summary>
    private const string ResetTokenQuery = {{ cookiecutter.reset_token_query | cs }};

    private static readonly {{ N }}FormField[] ResetFields =
    {{ fields(cookiecutter.reset_inputs) }};
{%- endif %}
{%- if cookiecutter.has_verify_email %}

    /// <summary>The query parameter of the link in the service's verification email.</summary>
    private const string VerifyTokenQuery = {{ cookiecutter.verify_token_query | cs }};
{%- endif %}
{%- if cookiecutter.has_change_password %}

    private static readonly {{ N }}FormField[] PasswordFields =
    {{ fields(cookiecutter.change_password_inputs) }};
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
{%- if cookiecutter.has_reset_password %}
        Get(group, "/reset", ResetPageAsync);
        Post(group, "/reset", ResetAsync);
{%- endif %}
{%- if cookiecutter.has_verify_email %}
        Get(group, "/verify", VerifyPageAsync);
        Post(group, "/verify", VerifyAsync);
{%- endif %}
{%- if cookiecutter.has_change_password %}
        Get(group, "/password", PasswordPageAsync);
        Post(group, "/password", ChangePasswordAsync);
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
{%- if cookiecutter.has_register %}
        // a registration redirects here with registered=1
        string? notice = context.Request.Query["registered"] == "1" ? {{ cookiecutter.messages.registered | cs }} : null;
        return LoginPageAsync(context, StatusCodes.Status200OK, null, null, SafeNext(next), notice);
{%- else %}
        return LoginPageAsync(context, StatusCodes.Status200OK, null, null, SafeNext(next));
{%- endif %}
    }

    private static Task LoginPageAsync(
        HttpContext context, int status, string? error, string? username, string? next, string? notice = null)
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
            notice,
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
            const string Message = {{ cookiecutter.messages.error.invalid_input | cs }};
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
            if (error.Kind is {{ N }}ErrorKind.InvalidCredentials or {{ N }}ErrorKind.AccountDisabled or {{ N }}ErrorKind.Unverified)
            {
                throttle.Failed(context, username);
            }
            else if (error.Kind is {{ N }}ErrorKind.Failed or {{ N }}ErrorKind.ServiceUnavailable)
            {
                // What went wrong at the service, for the operator: the operation and the field, never a secret.
                ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof({{ N }}Endpoints));
                logger.LogWarning("Sign-in failed at the service ({Code}): {Reason}", error.Code, error.Message);
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

{%- if cookiecutter.has_logout %}
        await context.RequestServices.GetRequiredService<{{ N }}Sessions>().EndServiceSessionAsync(context);
{%- endif %}
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
        if ({% for param, name in cookiecutter.ops.register.required_params %}string.IsNullOrEmpty({{ param }}){% if not loop.last %}
            || {% endif %}{% endfor %})
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", {{ cookiecutter.messages.error.invalid_input | cs }});
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

        {{ N }}Responses.SeeOther(context, {{ N }}Responses.LoginPath(context) + "?registered=1");
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
        if ({% for param, name in cookiecutter.ops.forgot_password.required_params %}string.IsNullOrEmpty({{ param }}){% if not loop.last %}
            || {% endif %}{% endfor %})
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", {{ cookiecutter.messages.error.invalid_input | cs }});
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
            {{ cookiecutter.messages.forgot_sent_title | cs }},
            StatusCodes.Status200OK,
            notice: {{ cookiecutter.messages.forgot_sent | cs }});
        await {{ N }}Responses.PageAsync(context, page);
    }
{%- endif %}
{%- if cookiecutter.has_reset_password %}

    // -- password reset, from the link in the email --------------------------------

    private static Task ResetPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate({{ N }}Content.Html) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        string? token = context.Request.Query[ResetTokenQuery];
        return string.IsNullOrEmpty(token)
            ? ResetPageAsync(context, StatusCodes.Status400BadRequest, IncompleteLink, null)
            : ResetPageAsync(context, StatusCodes.Status200OK, null, token);
    }

    /// <summary>The form for a new password; without a usable token, the error and where to ask for a new link.</summary>
    private static Task ResetPageAsync(HttpContext context, int status, string? error, string? token)
    {
        bool usable = !string.IsNullOrEmpty(token) && token.Length <= Submission.MaxInputLength;
        {{ N }}Page page = {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.ResetPassword,
            "Choose a new password",
            status,
            usable ? {{ N }}Responses.RoutePath(context, "reset") : null,
            usable ? ResetFields : null,
            error: error,
            submitLabel: "Change password",
            hidden: usable ? new Dictionary<string, string> { ["token"] = token! } : null);
        return {{ N }}Responses.PageAsync(context, page);
    }

    /// <summary>
    /// Set a new password with the token of the reset email. Nobody is signed in: the user signs in with the
    /// new password afterwards. The service is not asked when the two passwords differ.
    /// </summary>
    private static async Task ResetAsync(HttpContext context)
    {
        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => ResetPageAsync(context, status, message, values?.GetValueOrDefault("token")));
        if (form is null)
        {
            return;
        }

        string? token = form["token"];
        string? password = form["password"];
        string? confirm = form["password_confirm"];
        if (string.IsNullOrEmpty(token))
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_token", IncompleteLink);
            return;
        }

        if (string.IsNullOrEmpty(password) || string.IsNullOrEmpty(confirm))
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", {{ cookiecutter.messages.error.invalid_input | cs }});
            return;
        }

        if (password != confirm)
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", PasswordsDiffer);
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<{{ N }}Client>().ResetPasswordAsync(
                new Dictionary<string, string> { ["token"] = token, ["password"] = password },
                context.RequestAborted);
        }
        catch ({{ N }}Exception error) when (!form.AnswerJson && error.Kind is {{ N }}ErrorKind.InvalidToken or {{ N }}ErrorKind.ExpiredToken)
        {
            await ResetPageAsync(context, error.StatusCode, error.PublicMessage, null);
            return;
        }
        catch ({{ N }}Exception error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await {{ N }}Responses.JsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["status"] = "reset" });
            return;
        }

        await {{ N }}Responses.PageAsync(context, {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.PasswordReset,
            "Password changed",
            StatusCodes.Status200OK,
            notice: {{ cookiecutter.messages.reset_done | cs }}));
    }
{%- endif %}
{%- if cookiecutter.has_verify_email %}

    // -- email verification, from the link in the email ------------------------------

    /// <summary>
    /// The page of the verification link: one button. Mail scanners fetch the links in emails, so opening
    /// the link verifies nothing; the button's POST does.
    /// </summary>
    private static Task VerifyPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate({{ N }}Content.Html) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        string? token = context.Request.Query[VerifyTokenQuery];
        return string.IsNullOrEmpty(token)
            ? VerifyPageAsync(context, StatusCodes.Status400BadRequest, IncompleteLink, null)
            : VerifyPageAsync(context, StatusCodes.Status200OK, null, token);
    }

    private static Task VerifyPageAsync(HttpContext context, int status, string? error, string? token)
    {
        bool usable = !string.IsNullOrEmpty(token) && token.Length <= Submission.MaxInputLength;
        {{ N }}Page page = {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.VerifyEmail,
            "Verify your email address",
            status,
            usable ? {{ N }}Responses.RoutePath(context, "verify") : null,
            error: error,
            submitLabel: "Verify my email address",
            hidden: usable ? new Dictionary<string, string> { ["token"] = token! } : null);
        return {{ N }}Responses.PageAsync(context, page);
    }

    private static async Task VerifyAsync(HttpContext context)
    {
        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => VerifyPageAsync(context, status, message, values?.GetValueOrDefault("token")));
        if (form is null)
        {
            return;
        }

        string? token = form["token"];
        if (string.IsNullOrEmpty(token))
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_token", IncompleteLink);
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<{{ N }}Client>().VerifyEmailAsync(
                new Dictionary<string, string> { ["token"] = token },
                context.RequestAborted);
        }
        catch ({{ N }}Exception error) when (!form.AnswerJson && error.Kind is {{ N }}ErrorKind.InvalidToken or {{ N }}ErrorKind.ExpiredToken)
        {
            await VerifyPageAsync(context, error.StatusCode, error.PublicMessage, null);
            return;
        }
        catch ({{ N }}Exception error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await {{ N }}Responses.JsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["status"] = "verified" });
            return;
        }

        await {{ N }}Responses.PageAsync(context, {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.EmailVerified,
            "Email address verified",
            StatusCodes.Status200OK,
            notice: {{ cookiecutter.messages.verified | cs }}));
    }
{%- endif %}
{%- if cookiecutter.has_change_password %}

    // -- change password (signed in) --------------------------------------------------

    private static Task PasswordPageAsync(HttpContext context)
    {
        if (context.Get{{ N }}User() is null)
        {
            return {{ N }}Responses.ChallengeAsync(context);
        }

        if (context.Request.Negotiate({{ N }}Content.Html) is null)
        {
            return {{ N }}Responses.NotAcceptableAsync(context);
        }

        return PasswordPageAsync(context, StatusCodes.Status200OK, null);
    }

    private static Task PasswordPageAsync(HttpContext context, int status, string? error)
    {
        {{ N }}Page page = {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.ChangePassword,
            "Change your password",
            status,
            {{ N }}Responses.RoutePath(context, "password"),
            PasswordFields,
            error: error,
            submitLabel: "Change password");
        return {{ N }}Responses.PageAsync(context, page);
    }

    /// <summary>
    /// Change the signed-in user's password. The user stays signed in, under a new session id. The service
    /// is not asked when the two new passwords differ.
    /// </summary>
    private static async Task ChangePasswordAsync(HttpContext context)
    {
        if (context.Get{{ N }}User() is null)
        {
            await {{ N }}Responses.ChallengeAsync(context);
            return;
        }

        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => PasswordPageAsync(context, status, message));
        if (form is null)
        {
            return;
        }

        string? current = form["current_password"];
        string? password = form["new_password"];
        string? confirm = form["new_password_confirm"];
        if (string.IsNullOrEmpty(current) || string.IsNullOrEmpty(password) || string.IsNullOrEmpty(confirm))
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", {{ cookiecutter.messages.error.invalid_input | cs }});
            return;
        }

        if (password != confirm)
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", PasswordsDiffer);
            return;
        }

        try
        {
            if (!await context.RequestServices.GetRequiredService<{{ N }}Sessions>().ChangePasswordAsync(context, current, password))
            {
                await {{ N }}Responses.ChallengeAsync(context);
                return;
            }
        }
        catch ({{ N }}Exception error) when (error.Kind == {{ N }}ErrorKind.InvalidCredentials)
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_credentials", {{ cookiecutter.messages.wrong_current_password | cs }});
            return;
        }
        catch ({{ N }}Exception error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await {{ N }}Responses.JsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["status"] = "changed" });
            return;
        }

        await {{ N }}Responses.PageAsync(context, {{ N }}Responses.NewPage(
            context,
            {{ N }}PageKind.PasswordChanged,
            "Password changed",
            StatusCodes.Status200OK,
            notice: {{ cookiecutter.messages.password_changed | cs }}));
    }
{%- endif %}
}
