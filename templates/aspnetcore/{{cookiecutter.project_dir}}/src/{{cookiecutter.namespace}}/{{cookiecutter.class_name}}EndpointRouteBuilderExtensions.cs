{% set N = cookiecutter.class_name -%}
using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace {{ cookiecutter.namespace }};

/// <summary>Maps the {{ cookiecutter.service_name | cscomment }} routes and guards endpoints by role.</summary>
public static class {{ N }}EndpointRouteBuilderExtensions
{
    /// <summary>
    /// Map the sign-in routes under <see cref="{{ N }}Options.RoutePrefix"/> (<c>/auth</c>): <c>login</c>
    /// (page, form and JSON), <c>logout</c> (POST, CSRF-protected), <c>me</c>, <c>csrf</c>
{%- if cookiecutter.has_register %}, <c>register</c>{% endif %}{% if cookiecutter.has_forgot_password %}, <c>forgot</c>{% endif %}
{%- if cookiecutter.has_reset_password %}, <c>reset</c>{% endif %}{% if cookiecutter.has_verify_email %}, <c>verify</c>{% endif %}{% if cookiecutter.has_change_password %}, <c>password</c>{% endif %}.
    /// </summary>
    /// <param name="endpoints">The application, or a route group.</param>
    /// <returns>The group of the routes, to add conventions to all of them.</returns>
    public static RouteGroupBuilder Map{{ N }}Auth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        {{ N }}Options options = endpoints.ServiceProvider.GetRequiredService<IOptions<{{ N }}Options>>().Value;
        return {{ N }}Endpoints.Map(endpoints, options.RoutePrefix);
    }

    /// <summary>
    /// Require a signed-in user who has every one of <paramref name="roles"/>. Anonymous browsers are
    /// sent to the login page, API clients get 401; users without a role get 403.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder.</typeparam>
    /// <param name="builder">The endpoint, or group of endpoints.</param>
    /// <param name="roles">The roles the user must have.</param>
    /// <returns>The builder.</returns>
    public static TBuilder Require{{ N }}Roles<TBuilder>(this TBuilder builder, params string[] roles)
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
