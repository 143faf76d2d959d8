using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Acme.AspNetCore;

/// <summary>
/// The cookie scheme's events: refresh the user after the TTL, and answer API clients with 401/403
/// JSON instead of redirecting them. The sign-in routes write their own answers, so the handler's
/// redirects after sign-in and sign-out are turned off.
/// </summary>
internal sealed class AcmeCookieEvents(AcmeSessions sessions) : CookieAuthenticationEvents
{
    /// <inheritdoc />
    public override Task ValidatePrincipal(CookieValidatePrincipalContext context) => sessions.ValidateAsync(context);

    /// <inheritdoc />
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        AcmeResponses.ChallengeAsync(context.HttpContext);

    /// <inheritdoc />
    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        AcmeResponses.ForbiddenAsync(context.HttpContext);

    /// <inheritdoc />
    public override Task RedirectToLogout(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    /// <inheritdoc />
    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;
}
