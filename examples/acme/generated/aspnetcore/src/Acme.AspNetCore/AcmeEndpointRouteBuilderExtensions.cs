using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Acme.AspNetCore;

/// <summary>Maps the Acme Identity routes and guards endpoints by role.</summary>
public static class AcmeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Map the sign-in routes under <see cref="AcmeOptions.RoutePrefix"/> (<c>/auth</c>): <c>login</c>
    /// (page, form and JSON), <c>logout</c> (POST, CSRF-protected), <c>me</c>, <c>csrf</c>, <c>register</c>, <c>forgot</c>, <c>reset</c>, <c>verify</c>, <c>password</c>.
    /// </summary>
    /// <param name="endpoints">The application, or a route group.</param>
    /// <returns>The group of the routes, to add conventions to all of them.</returns>
    public static RouteGroupBuilder MapAcmeAuth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        AcmeOptions options = endpoints.ServiceProvider.GetRequiredService<IOptions<AcmeOptions>>().Value;
        return AcmeEndpoints.Map(endpoints, options.RoutePrefix);
    }

    /// <summary>
    /// Require a signed-in user who has every one of <paramref name="roles"/>. Anonymous browsers are
    /// sent to the login page, API clients get 401; users without a role get 403.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder.</typeparam>
    /// <param name="builder">The endpoint, or group of endpoints.</param>
    /// <param name="roles">The roles the user must have.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireAcmeRoles<TBuilder>(this TBuilder builder, params string[] roles)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(roles);
        return builder.RequireAuthorization(policy =>
        {
            policy.RequireAuthenticatedUser();
            foreach (string role in roles)
            {
                policy.RequireRole(role);
            }
        });
    }
}
