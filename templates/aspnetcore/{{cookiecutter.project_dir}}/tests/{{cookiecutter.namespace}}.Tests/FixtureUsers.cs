{% set N = cookiecutter.class_name -%}
using System;
using System.Globalization;
using Xunit;

namespace {{ cookiecutter.namespace }}.Tests;

/// <summary>A user the fake knows, and what the app must make of them.</summary>
/// <param name="Key">The fake's key for the user.</param>
/// <param name="Username">What the user signs in with.</param>
/// <param name="Password">The user's password.</param>
/// <param name="MeJson">What <c>/auth/me</c> answers for the user.</param>
/// <param name="AssertTyped">Checks the typed user the app builds.</param>
public sealed record FixtureUser(string Key, string Username, string Password, string MeJson, Action<{{ N }}User> AssertTyped);

/// <summary>The fake's fixture users, generated from the spec.</summary>
public static class FixtureUsers
{
{%- for user in cookiecutter.test_users %}
    /// <summary>The fixture user <c>{{ user.key | cscomment }}</c>.</summary>
    public static readonly FixtureUser {{ user.name }} = new(
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
