{% set N = cookiecutter.class_name -%}
using System;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace {{ cookiecutter.namespace }};

/// <summary>Reads the signed-in <see cref="{{ N }}User"/> from a request or a principal.</summary>
public static class {{ N }}HttpContextExtensions
{
    /// <summary>The signed-in user of the request, or null for an anonymous request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The typed user built from <c>HttpContext.User</c>.</returns>
    public static {{ N }}User? Get{{ N }}User(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return {{ N }}User.FromPrincipal(context.User);
    }

    /// <summary>The signed-in user of the request, on an endpoint that requires one.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The typed user built from <c>HttpContext.User</c>.</returns>
    /// <exception cref="InvalidOperationException">Nobody is signed in: guard the endpoint with <c>RequireAuthorization()</c>.</exception>
    public static {{ N }}User GetRequired{{ N }}User(this HttpContext context) =>
        Get{{ N }}User(context)
        ?? throw new InvalidOperationException(
            "No {{ N }} user is signed in: guard the endpoint with RequireAuthorization() or Require{{ N }}Roles(...).");

    /// <summary>The user a principal stands for, or null when it is not a signed-in {{ N }} user.</summary>
    /// <param name="principal">Usually <c>HttpContext.User</c>.</param>
    /// <returns>The typed user.</returns>
    public static {{ N }}User? Get{{ N }}User(this ClaimsPrincipal principal) => {{ N }}User.FromPrincipal(principal);
}
