{% set N = cookiecutter.class_name -%}
using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace {{ cookiecutter.namespace }}.Tests;

/// <summary>A user the service knows (the fake's, or a real service's test user), and what the app must make of them.</summary>
/// <param name="Key">The fake's key for the user.</param>
/// <param name="Username">What the user signs in with.</param>
/// <param name="Password">The user's password.</param>
/// <param name="MeJson">What <c>/auth/me</c> answers for the user.</param>
/// <param name="AssertTyped">Checks the typed user the app builds.</param>
public sealed record FixtureUser(string Key, string Username, string Password, string MeJson, Action<{{ N }}User> AssertTyped)
{
    /// <summary>
    /// Assert that <c>/auth/me</c> answered this user: every value against the fake; against a real service what its
    /// test users say, with <c>roles</c> the ones the user has at least (a real service adds its own).
    /// </summary>
    public void AssertMe(JsonNode me)
    {
        JsonNode expected = JsonNode.Parse(MeJson)!;
        if (RealService.Url is null)
        {
            JsonAssert.Equivalent(expected, me);
            return;
        }

        foreach ((string name, JsonNode? want) in expected.AsObject())
        {
            if (name == "roles")
            {
                string?[] roles = me["roles"]!.AsArray().Select(role => (string?)role).ToArray();
                Assert.All(want!.AsArray(), role => Assert.Contains((string?)role, roles));
            }
            else
            {
                JsonAssert.Equivalent(want, me[name], "$." + name);
            }
        }
    }
}

/// <summary>The fake's fixture users, generated from the spec, or in their place a real service's test users.</summary>
public static class FixtureUsers
{
{%- for user in cookiecutter.test_users %}
    /// <summary>The fixture user <c>{{ user.key | cscomment }}</c>.</summary>
    public static readonly FixtureUser {{ user.name }} = RealService.User({{ user.key | cs }}) ?? new FixtureUser(
        {{ user.key | cs }},
        {{ user.username | cs }},
        {{ user.password | cs }},
        {{ user.me_json | cs }},
        user =>
        {
{%- for line in user.asserts %}
            {{ line }}
{%- endfor %}
        });
{% endfor %}
    /// <summary>An active user without the admin role.</summary>
    public static FixtureUser Plain => User;

    /// <summary>A user with the admin role.</summary>
    public static FixtureUser Administrator => Admin;
}
