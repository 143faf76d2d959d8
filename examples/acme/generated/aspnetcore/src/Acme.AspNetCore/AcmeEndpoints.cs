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

namespace Acme.AspNetCore;

/// <summary>The routes <c>MapAcmeAuth</c> adds, per the integration's HTTP contract.</summary>
internal static class AcmeEndpoints
{
    /// <summary>The longest <c>next</c> followed after signing in; a longer one is dropped.</summary>
    internal const int MaxNextLength = 2048;

    private static readonly AcmeFormField[] LoginFields =
    [
        new AcmeFormField("username", "Email", "email", "username"),
        new AcmeFormField("password", "Password", "password", "current-password"),
    ];

    private static readonly AcmeFormField[] RegisterFields =
    [
        new AcmeFormField("email", "Email", "email", "email"),
        new AcmeFormField("password", "Password", "password", "new-password"),
        new AcmeFormField("first_name", "First name", "text", "given-name"),
        new AcmeFormField("last_name", "Last name", "text", "family-name"),
    ];

    private static readonly AcmeFormField[] ForgotFields =
    [
        new AcmeFormField("email", "Email", "email", "email"),
    ];

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        RouteGroupBuilder group = endpoints.MapGroup(prefix);
        group.AllowAnonymous();
        Get(group, "/login", LoginPageAsync);
        Post(group, "/login", LoginAsync);
        Post(group, "/logout", LogoutAsync);
        Get(group, "/me", MeAsync);
        Get(group, "/csrf", CsrfAsync);
        Get(group, "/register", RegisterPageAsync);
        Post(group, "/register", RegisterAsync);
        Get(group, "/forgot", ForgotPageAsync);
        Post(group, "/forgot", ForgotAsync);
        return group;
    }

    private static void Get(RouteGroupBuilder group, string pattern, RequestDelegate handler) => group.MapGet(pattern, handler);

    private static void Post(RouteGroupBuilder group, string pattern, RequestDelegate handler) => group.MapPost(pattern, handler);

    // -- login and logout -------------------------------------------------------

    private static Task LoginPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate(AcmeContent.Html) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
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

        AcmePage page = AcmeResponses.NewPage(
            context,
            AcmePageKind.Login,
            "Sign in",
            status,
            AcmeResponses.LoginPath(context),
            LoginFields,
            values,
            error,
            submitLabel: "Sign in",
            next: next);
        return AcmeResponses.PageAsync(context, page);
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
                await AcmeResponses.ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_input", Message);
            }
            else
            {
                await LoginPageAsync(context, StatusCodes.Status400BadRequest, Message, username, next);
            }

            return;
        }

        AcmeLoginThrottle throttle = context.RequestServices.GetRequiredService<AcmeLoginThrottle>();
        if (throttle.RefusedFor(context, username) is { } retryAfter)
        {
            await TooManyAttemptsAsync(context, form.AnswerJson, retryAfter, username, next);
            return;
        }

        AcmeUser user;
        try
        {
            user = await context.RequestServices.GetRequiredService<AcmeSessions>().SignInAsync(context, username, password);
        }
        catch (AcmeException error)
        {
            if (error.Kind is AcmeErrorKind.InvalidCredentials or AcmeErrorKind.AccountDisabled)
            {
                throttle.Failed(context, username);
            }

            if (form.AnswerJson)
            {
                await AcmeResponses.ErrorAsync(context, error);
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
            await AcmeResponses.JsonAsync(context, StatusCodes.Status200OK, body);
            return;
        }

        AcmeResponses.SeeOther(context, next ?? context.Request.PathBase + "/");
    }

    /// <summary>
    /// 429 with <c>Retry-After</c> in whole seconds: a JSON error, or the login page again with the message.
    /// </summary>
    private static Task TooManyAttemptsAsync(HttpContext context, bool answerJson, TimeSpan retryAfter, string username, string? next)
    {
        long seconds = (long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        string message = AcmeResponses.MessageFor("too_many_attempts");
        return answerJson
            ? AcmeResponses.ErrorAsync(context, StatusCodes.Status429TooManyRequests, "too_many_attempts", message)
            : LoginPageAsync(context, StatusCodes.Status429TooManyRequests, message, username, next);
    }

    private static async Task LogoutAsync(HttpContext context)
    {
        Submission? form = await Submission.ReadAsync(
            context,
            (status, message, values) => AcmeResponses.ErrorPageAsync(context, status, message));
        if (form is null)
        {
            return;
        }

        await context.SignOutAsync(AcmeDefaults.AuthenticationScheme);
        if (form.AnswerJson)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        AcmeResponses.SeeOther(context, AcmeResponses.LoginPath(context));
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
        if (context.Request.Negotiate(AcmeContent.Json) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
        }

        AcmeServiceFailure? failure = context.Features.Get<AcmeServiceFailure>();
        if (failure is not null)
        {
            return AcmeResponses.ErrorAsync(context, failure.Error);
        }

        AcmeUser? user = context.GetAcmeUser();
        if (user is null)
        {
            return AcmeResponses.ErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", AcmeResponses.MessageFor("unauthorized"));
        }

        return AcmeResponses.JsonAsync(context, StatusCodes.Status200OK, user.ToJson());
    }

    private static Task CsrfAsync(HttpContext context)
    {
        if (context.Request.Negotiate(AcmeContent.Json) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
        }

        AntiforgeryTokenSet tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        JsonObject body = new()
        {
            ["csrf_token"] = tokens.RequestToken,
            ["header"] = tokens.HeaderName ?? AcmeDefaults.CsrfHeaderName,
            ["field"] = tokens.FormFieldName,
        };
        return AcmeResponses.JsonAsync(context, StatusCodes.Status200OK, body);
    }

    // -- register ----------------------------------------------------------------

    private static Task RegisterPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate(AcmeContent.Html) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
        }

        return RegisterPageAsync(context, StatusCodes.Status200OK, null, null);
    }

    private static Task RegisterPageAsync(HttpContext context, int status, string? error, IReadOnlyDictionary<string, string>? values)
    {
        AcmePage page = AcmeResponses.NewPage(
            context,
            AcmePageKind.Register,
            "Create an account",
            status,
            AcmeResponses.RoutePath(context, "register"),
            RegisterFields,
            values,
            error,
            submitLabel: "Create account");
        return AcmeResponses.PageAsync(context, page);
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

        string? email = form["email"];
        string? password = form["password"];
        string? firstName = form["first_name"];
        string? lastName = form["last_name"];
        if (string.IsNullOrEmpty(email)
            || string.IsNullOrEmpty(password)
            || string.IsNullOrEmpty(firstName)
            || string.IsNullOrEmpty(lastName))
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Fill in every field.");
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<AcmeClient>().RegisterAsync(
                email,
                password,
                firstName,
                lastName,
                context.RequestAborted);
        }
        catch (AcmeException error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await AcmeResponses.JsonAsync(context, StatusCodes.Status201Created, new JsonObject { ["status"] = "registered" });
            return;
        }

        AcmeResponses.SeeOther(context, AcmeResponses.LoginPath(context));
    }

    // -- forgot password ---------------------------------------------------------

    private static Task ForgotPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate(AcmeContent.Html) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
        }

        return ForgotPageAsync(context, StatusCodes.Status200OK, null, null);
    }

    private static Task ForgotPageAsync(HttpContext context, int status, string? error, IReadOnlyDictionary<string, string>? values)
    {
        AcmePage page = AcmeResponses.NewPage(
            context,
            AcmePageKind.ForgotPassword,
            "Reset your password",
            status,
            AcmeResponses.RoutePath(context, "forgot"),
            ForgotFields,
            values,
            error,
            submitLabel: "Send reset link");
        return AcmeResponses.PageAsync(context, page);
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

        string? email = form["email"];
        if (string.IsNullOrEmpty(email))
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Fill in every field.");
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<AcmeClient>().ForgotPasswordAsync(
                email,
                context.RequestAborted);
        }
        catch (AcmeException error) when (error.Kind != AcmeErrorKind.ServiceUnavailable)
        {
            ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AcmeEndpoints));
            logger.LogInformation("The service did not send a password reset ({Code}); answering as if it had", error.Code);
        }
        catch (AcmeException error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await AcmeResponses.JsonAsync(context, StatusCodes.Status202Accepted, new JsonObject { ["status"] = "sent" });
            return;
        }

        AcmePage page = AcmeResponses.NewPage(
            context,
            AcmePageKind.ForgotPasswordSent,
            "Check your inbox",
            StatusCodes.Status200OK,
            notice: "If an account exists for these details, a message with a link to reset the password is on its way.");
        await AcmeResponses.PageAsync(context, page);
    }
}
