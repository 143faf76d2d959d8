using System;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Acme.AspNetCore;

/// <summary>Reads the signed-in <see cref="AcmeUser"/> from a request or a principal.</summary>
public static class AcmeHttpContextExtensions
{
    /// <summary>The signed-in user of the request, or null for an anonymous request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The typed user built from <c>HttpContext.User</c>.</returns>
    public static AcmeUser? GetAcmeUser(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return AcmeUser.FromPrincipal(context.User);
    }

    /// <summary>The signed-in user of the request, on an endpoint that requires one.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The typed user built from <c>HttpContext.User</c>.</returns>
    /// <exception cref="InvalidOperationException">Nobody is signed in: guard the endpoint with <c>RequireAuthorization()</c>.</exception>
    public static AcmeUser GetRequiredAcmeUser(this HttpContext context) =>
        GetAcmeUser(context)
        ?? throw new InvalidOperationException(
            "No Acme user is signed in: guard the endpoint with RequireAuthorization() or RequireAcmeRoles(...).");

    /// <summary>The user a principal stands for, or null when it is not a signed-in Acme user.</summary>
    /// <param name="principal">Usually <c>HttpContext.User</c>.</param>
    /// <returns>The typed user.</returns>
    public static AcmeUser? GetAcmeUser(this ClaimsPrincipal principal) => AcmeUser.FromPrincipal(principal);
}
