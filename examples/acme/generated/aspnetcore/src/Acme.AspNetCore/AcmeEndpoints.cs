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

    private const string IncompleteLink = "This link is incomplete. Use the link in the email, or ask for a new one.";

    private const string PasswordsDiffer = "The two passwords do not match.";

    /// <summary>The query parameter of the link in the service's password reset email.</summary>
    private const string ResetTokenQuery = "token";

    private static readonly AcmeFormField[] ResetFields =
    [
        new AcmeFormField("password", "New password", "password", "new-password"),
        new AcmeFormField("password_confirm", "New password, again", "password", "new-password"),
    ];

    /// <summary>The query parameter of the link in the service's verification email.</summary>
    private const string VerifyTokenQuery = "token";

    private static readonly AcmeFormField[] PasswordFields =
    [
        new AcmeFormField("current_password", "Current password", "password", "current-password"),
        new AcmeFormField("new_password", "New password", "password", "new-password"),
        new AcmeFormField("new_password_confirm", "New password, again", "password", "new-password"),
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
        Get(group, "/reset", ResetPageAsync);
        Post(group, "/reset", ResetAsync);
        Get(group, "/verify", VerifyPageAsync);
        Post(group, "/verify", VerifyAsync);
        Get(group, "/password", PasswordPageAsync);
        Post(group, "/password", ChangePasswordAsync);
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
        // a registration redirects here with registered=1
        string? notice = context.Request.Query["registered"] == "1" ? "Your account is ready. Sign in to continue." : null;
        return LoginPageAsync(context, StatusCodes.Status200OK, null, null, SafeNext(next), notice);
    }

    private static Task LoginPageAsync(
        HttpContext context, int status, string? error, string? username, string? next, string? notice = null)
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
            notice,
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
            const string Message = "Some of the details are missing or not valid.";
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
            if (error.Kind is AcmeErrorKind.InvalidCredentials or AcmeErrorKind.AccountDisabled or AcmeErrorKind.Unverified)
            {
                throttle.Failed(context, username);
            }
            else if (error.Kind is AcmeErrorKind.Failed or AcmeErrorKind.ServiceUnavailable)
            {
                // What went wrong at the service, for the operator: the operation and the field, never a secret.
                ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AcmeEndpoints));
                logger.LogWarning("Sign-in failed at the service ({Code}): {Reason}", error.Code, error.Message);
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
        await context.RequestServices.GetRequiredService<AcmeSessions>().EndServiceSessionAsync(context);
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
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Some of the details are missing or not valid.");
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

        AcmeResponses.SeeOther(context, AcmeResponses.LoginPath(context) + "?registered=1");
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
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Some of the details are missing or not valid.");
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
            "Check your email",
            StatusCodes.Status200OK,
            notice: "If an account exists for these details, a message with a link to reset the password is on its way.");
        await AcmeResponses.PageAsync(context, page);
    }

    // -- password reset, from the link in the email --------------------------------

    private static Task ResetPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate(AcmeContent.Html) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
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
        AcmePage page = AcmeResponses.NewPage(
            context,
            AcmePageKind.ResetPassword,
            "Choose a new password",
            status,
            usable ? AcmeResponses.RoutePath(context, "reset") : null,
            usable ? ResetFields : null,
            error: error,
            submitLabel: "Change password",
            hidden: usable ? new Dictionary<string, string> { ["token"] = token! } : null);
        return AcmeResponses.PageAsync(context, page);
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
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Some of the details are missing or not valid.");
            return;
        }

        if (password != confirm)
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", PasswordsDiffer);
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<AcmeClient>().ResetPasswordAsync(
                new Dictionary<string, string> { ["token"] = token, ["password"] = password },
                context.RequestAborted);
        }
        catch (AcmeException error) when (!form.AnswerJson && error.Kind is AcmeErrorKind.InvalidToken or AcmeErrorKind.ExpiredToken)
        {
            await ResetPageAsync(context, error.StatusCode, error.PublicMessage, null);
            return;
        }
        catch (AcmeException error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await AcmeResponses.JsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["status"] = "reset" });
            return;
        }

        await AcmeResponses.PageAsync(context, AcmeResponses.NewPage(
            context,
            AcmePageKind.PasswordReset,
            "Password changed",
            StatusCodes.Status200OK,
            notice: "Your password has been changed. You can sign in now."));
    }

    // -- email verification, from the link in the email ------------------------------

    /// <summary>
    /// The page of the verification link: one button. Mail scanners fetch the links in emails, so opening
    /// the link verifies nothing; the button's POST does.
    /// </summary>
    private static Task VerifyPageAsync(HttpContext context)
    {
        if (context.Request.Negotiate(AcmeContent.Html) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
        }

        string? token = context.Request.Query[VerifyTokenQuery];
        return string.IsNullOrEmpty(token)
            ? VerifyPageAsync(context, StatusCodes.Status400BadRequest, IncompleteLink, null)
            : VerifyPageAsync(context, StatusCodes.Status200OK, null, token);
    }

    private static Task VerifyPageAsync(HttpContext context, int status, string? error, string? token)
    {
        bool usable = !string.IsNullOrEmpty(token) && token.Length <= Submission.MaxInputLength;
        AcmePage page = AcmeResponses.NewPage(
            context,
            AcmePageKind.VerifyEmail,
            "Verify your email address",
            status,
            usable ? AcmeResponses.RoutePath(context, "verify") : null,
            error: error,
            submitLabel: "Verify my email address",
            hidden: usable ? new Dictionary<string, string> { ["token"] = token! } : null);
        return AcmeResponses.PageAsync(context, page);
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
            await context.RequestServices.GetRequiredService<AcmeClient>().VerifyEmailAsync(
                new Dictionary<string, string> { ["token"] = token },
                context.RequestAborted);
        }
        catch (AcmeException error) when (!form.AnswerJson && error.Kind is AcmeErrorKind.InvalidToken or AcmeErrorKind.ExpiredToken)
        {
            await VerifyPageAsync(context, error.StatusCode, error.PublicMessage, null);
            return;
        }
        catch (AcmeException error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await AcmeResponses.JsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["status"] = "verified" });
            return;
        }

        await AcmeResponses.PageAsync(context, AcmeResponses.NewPage(
            context,
            AcmePageKind.EmailVerified,
            "Email address verified",
            StatusCodes.Status200OK,
            notice: "Your email address is verified. You can sign in now."));
    }

    // -- change password (signed in) --------------------------------------------------

    private static Task PasswordPageAsync(HttpContext context)
    {
        if (context.GetAcmeUser() is null)
        {
            return AcmeResponses.ChallengeAsync(context);
        }

        if (context.Request.Negotiate(AcmeContent.Html) is null)
        {
            return AcmeResponses.NotAcceptableAsync(context);
        }

        return PasswordPageAsync(context, StatusCodes.Status200OK, null);
    }

    private static Task PasswordPageAsync(HttpContext context, int status, string? error)
    {
        AcmePage page = AcmeResponses.NewPage(
            context,
            AcmePageKind.ChangePassword,
            "Change your password",
            status,
            AcmeResponses.RoutePath(context, "password"),
            PasswordFields,
            error: error,
            submitLabel: "Change password");
        return AcmeResponses.PageAsync(context, page);
    }

    /// <summary>
    /// Change the signed-in user's password. The user stays signed in, under a new session id. The service
    /// is not asked when the two new passwords differ.
    /// </summary>
    private static async Task ChangePasswordAsync(HttpContext context)
    {
        if (context.GetAcmeUser() is null)
        {
            await AcmeResponses.ChallengeAsync(context);
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
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", "Some of the details are missing or not valid.");
            return;
        }

        if (password != confirm)
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_input", PasswordsDiffer);
            return;
        }

        try
        {
            if (!await context.RequestServices.GetRequiredService<AcmeSessions>().ChangePasswordAsync(context, current, password))
            {
                await AcmeResponses.ChallengeAsync(context);
                return;
            }
        }
        catch (AcmeException error) when (error.Kind == AcmeErrorKind.InvalidCredentials)
        {
            await form.RefuseAsync(StatusCodes.Status400BadRequest, "invalid_credentials", "Your current password is not correct.");
            return;
        }
        catch (AcmeException error)
        {
            await form.RefuseAsync(error);
            return;
        }

        if (form.AnswerJson)
        {
            await AcmeResponses.JsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["status"] = "changed" });
            return;
        }

        await AcmeResponses.PageAsync(context, AcmeResponses.NewPage(
            context,
            AcmePageKind.PasswordChanged,
            "Password changed",
            StatusCodes.Status200OK,
            notice: "Your password has been changed."));
    }
}
