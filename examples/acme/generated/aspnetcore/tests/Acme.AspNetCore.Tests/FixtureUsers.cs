using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>A user the service knows (the fake's, or a real service's test user), and what the app must make of them.</summary>
/// <param name="Key">The fake's key for the user.</param>
/// <param name="Username">What the user signs in with.</param>
/// <param name="Password">The user's password.</param>
/// <param name="MeJson">What <c>/auth/me</c> answers for the user.</param>
/// <param name="AssertTyped">Checks the typed user the app builds.</param>
public sealed record FixtureUser(string Key, string Username, string Password, string MeJson, Action<AcmeUser> AssertTyped)
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
    /// <summary>The fixture user <c>admin</c>.</summary>
    public static readonly FixtureUser Admin = RealService.User("admin") ?? new FixtureUser(
        "admin",
        "admin@example.com",
        "admin-pass-1",
        "{\"id\": \"usr-0001\", \"username\": \"admin@example.com\", \"email\": \"admin@example.com\", \"first_name\": \"Ada\", \"last_name\": \"Lovelace\", \"roles\": [\"admins\", \"staff\"], \"active\": true, \"is_staff\": true, \"is_admin\": true, \"given_name\": \"Ada\", \"family_name\": \"Lovelace\", \"groups\": [\"admins\", \"staff\"], \"status\": \"ACTIVE\", \"created\": \"2024-03-01T09:30:00Z\"}",
        user =>
        {
            Assert.Equal("usr-0001", user.Id);
            Assert.Equal("admin@example.com", user.Username);
            Assert.Equal("admin@example.com", user.Email);
            Assert.Equal("Ada", user.FirstName);
            Assert.Equal("Lovelace", user.LastName);
            Assert.Equal(new[] { "admins", "staff" }, user.Roles);
            Assert.True(user.Active);
            Assert.Equal("Ada", user.GivenName);
            Assert.Equal("Lovelace", user.FamilyName);
            Assert.Equal(new[] { "admins", "staff" }, user.Groups);
            Assert.Equal(AcmeUserStatus.Active, user.Status);
            Assert.Equal(DateTimeOffset.Parse("2024-03-01T09:30:00+00:00", CultureInfo.InvariantCulture), user.Created);
            Assert.True(user.IsStaff);
            Assert.True(user.IsAdmin);
        });

    /// <summary>The fixture user <c>user</c>.</summary>
    public static readonly FixtureUser User = RealService.User("user") ?? new FixtureUser(
        "user",
        "user@example.com",
        "user pass+2&:%",
        "{\"id\": \"usr-0002\", \"username\": \"user@example.com\", \"email\": \"user@example.com\", \"first_name\": \"Alan\", \"last_name\": \"Jørgensen\", \"roles\": [\"users\"], \"active\": true, \"is_staff\": false, \"is_admin\": false, \"given_name\": \"Alan\", \"family_name\": \"Jørgensen\", \"groups\": [\"users\"], \"status\": \"ACTIVE\", \"created\": \"2024-03-02T09:30:00Z\"}",
        user =>
        {
            Assert.Equal("usr-0002", user.Id);
            Assert.Equal("user@example.com", user.Username);
            Assert.Equal("user@example.com", user.Email);
            Assert.Equal("Alan", user.FirstName);
            Assert.Equal("Jørgensen", user.LastName);
            Assert.Equal(new[] { "users" }, user.Roles);
            Assert.True(user.Active);
            Assert.Equal("Alan", user.GivenName);
            Assert.Equal("Jørgensen", user.FamilyName);
            Assert.Equal(new[] { "users" }, user.Groups);
            Assert.Equal(AcmeUserStatus.Active, user.Status);
            Assert.Equal(DateTimeOffset.Parse("2024-03-02T09:30:00+00:00", CultureInfo.InvariantCulture), user.Created);
            Assert.False(user.IsStaff);
            Assert.False(user.IsAdmin);
        });

    /// <summary>The fixture user <c>disabled</c>.</summary>
    public static readonly FixtureUser Disabled = RealService.User("disabled") ?? new FixtureUser(
        "disabled",
        "disabled@example.com",
        "disabled-pass-3",
        "{\"id\": \"usr-0003\", \"username\": \"disabled@example.com\", \"email\": \"disabled@example.com\", \"first_name\": \"Dana\", \"last_name\": \"Scully\", \"roles\": [\"users\"], \"active\": false, \"is_staff\": false, \"is_admin\": false, \"given_name\": \"Dana\", \"family_name\": \"Scully\", \"groups\": [\"users\"], \"status\": \"LOCKED\", \"created\": \"2024-03-03T09:30:00Z\"}",
        user =>
        {
            Assert.Equal("usr-0003", user.Id);
            Assert.Equal("disabled@example.com", user.Username);
            Assert.Equal("disabled@example.com", user.Email);
            Assert.Equal("Dana", user.FirstName);
            Assert.Equal("Scully", user.LastName);
            Assert.Equal(new[] { "users" }, user.Roles);
            Assert.False(user.Active);
            Assert.Equal("Dana", user.GivenName);
            Assert.Equal("Scully", user.FamilyName);
            Assert.Equal(new[] { "users" }, user.Groups);
            Assert.Equal(AcmeUserStatus.Locked, user.Status);
            Assert.Equal(DateTimeOffset.Parse("2024-03-03T09:30:00+00:00", CultureInfo.InvariantCulture), user.Created);
            Assert.False(user.IsStaff);
            Assert.False(user.IsAdmin);
        });

    /// <summary>The fixture user <c>staff</c>.</summary>
    public static readonly FixtureUser Staff = RealService.User("staff") ?? new FixtureUser(
        "staff",
        "staff@example.com",
        "staff-pass-4",
        "{\"id\": \"usr-0004\", \"username\": \"staff@example.com\", \"email\": \"staff@example.com\", \"first_name\": \"Grace\", \"last_name\": \"Hopper\", \"roles\": [\"staff\", \"users\"], \"active\": true, \"is_staff\": true, \"is_admin\": false, \"given_name\": \"Grace\", \"family_name\": \"Hopper\", \"groups\": [\"staff\", \"users\"], \"status\": \"ACTIVE\", \"created\": \"2024-03-04T09:30:00Z\"}",
        user =>
        {
            Assert.Equal("usr-0004", user.Id);
            Assert.Equal("staff@example.com", user.Username);
            Assert.Equal("staff@example.com", user.Email);
            Assert.Equal("Grace", user.FirstName);
            Assert.Equal("Hopper", user.LastName);
            Assert.Equal(new[] { "staff", "users" }, user.Roles);
            Assert.True(user.Active);
            Assert.Equal("Grace", user.GivenName);
            Assert.Equal("Hopper", user.FamilyName);
            Assert.Equal(new[] { "staff", "users" }, user.Groups);
            Assert.Equal(AcmeUserStatus.Active, user.Status);
            Assert.Equal(DateTimeOffset.Parse("2024-03-04T09:30:00+00:00", CultureInfo.InvariantCulture), user.Created);
            Assert.True(user.IsStaff);
            Assert.False(user.IsAdmin);
        });

    /// <summary>The fixture user <c>unverified</c>.</summary>
    public static readonly FixtureUser Unverified = RealService.User("unverified") ?? new FixtureUser(
        "unverified",
        "unverified@example.com",
        "unverified-pass-5",
        "{\"id\": \"usr-0005\", \"username\": \"unverified@example.com\", \"email\": \"unverified@example.com\", \"first_name\": \"Rosalind\", \"last_name\": \"Franklin\", \"roles\": [\"users\"], \"active\": true, \"is_staff\": false, \"is_admin\": false, \"given_name\": \"Rosalind\", \"family_name\": \"Franklin\", \"groups\": [\"users\"], \"status\": \"ACTIVE\", \"created\": \"2024-03-05T09:30:00Z\"}",
        user =>
        {
            Assert.Equal("usr-0005", user.Id);
            Assert.Equal("unverified@example.com", user.Username);
            Assert.Equal("unverified@example.com", user.Email);
            Assert.Equal("Rosalind", user.FirstName);
            Assert.Equal("Franklin", user.LastName);
            Assert.Equal(new[] { "users" }, user.Roles);
            Assert.True(user.Active);
            Assert.Equal("Rosalind", user.GivenName);
            Assert.Equal("Franklin", user.FamilyName);
            Assert.Equal(new[] { "users" }, user.Groups);
            Assert.Equal(AcmeUserStatus.Active, user.Status);
            Assert.Equal(DateTimeOffset.Parse("2024-03-05T09:30:00+00:00", CultureInfo.InvariantCulture), user.Created);
            Assert.False(user.IsStaff);
            Assert.False(user.IsAdmin);
        });

    /// <summary>An active user without the admin role.</summary>
    public static FixtureUser Plain => User;

    /// <summary>A user with the admin role.</summary>
    public static FixtureUser Administrator => Admin;
}
