using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Acme.AspNetCore;

/// <summary>The values of the spec field <c>status</c>.</summary>
public enum AcmeUserStatus
{
    /// <summary><c>ACTIVE</c>.</summary>
    Active,

    /// <summary><c>LOCKED</c>.</summary>
    Locked,
}

/// <summary>
/// A user of Acme Identity: the canonical attributes every integration has (id,
/// username, email, names, roles, active) and every field of the service's user record, typed.
/// </summary>
/// <remarks>
/// The signed-in user is a <see cref="ClaimsPrincipal"/> with the standard claim types and one
/// <see cref="AcmeClaimTypes"/> claim per spec field; read it back with
/// <c>HttpContext.GetAcmeUser()</c> or <see cref="FromPrincipal"/>.
/// </remarks>
public sealed class AcmeUser
{
    /// <summary>The service's id for the user. From field <c>id</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the user signs in with. From field <c>email</c>.</summary>
    public required string Username { get; init; }

    /// <summary>The user's email address. From field <c>email</c>.</summary>
    public required string Email { get; init; }

    /// <summary>Given name. From field <c>given_name</c>.</summary>
    public string? FirstName { get; init; }

    /// <summary>Family name. From field <c>family_name</c>.</summary>
    public string? LastName { get; init; }

    /// <summary>Role names, as role claims: <c>IsInRole</c> and role policies read them.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>False when the service has disabled the account.</summary>
    public required bool Active { get; init; }

    /// <summary>Field <c>given_name</c>, from <c>/profile/firstName</c>.</summary>
    public string? GivenName { get; init; }

    /// <summary>Field <c>family_name</c>, from <c>/profile/lastName</c>.</summary>
    public string? FamilyName { get; init; }

    /// <summary>Field <c>groups</c>, from <c>/groups/* /name</c>.</summary>
    public required IReadOnlyList<string> Groups { get; init; }

    /// <summary>Field <c>status</c>, from <c>/status</c>.</summary>
    public required AcmeUserStatus Status { get; init; }

    /// <summary>Field <c>created</c>, from <c>/created</c>.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Whether the user has one of the administrator roles.</summary>
    public bool IsAdmin => Roles.Any(role => AcmeDefaults.AdminRoles.Contains(role));

    /// <summary>Whether the user has one of the staff roles; administrators are staff too.</summary>
    public bool IsStaff => Roles.Any(role => AcmeDefaults.StaffRoles.Contains(role));

    /// <summary>Build the user from the service's user record.</summary>
    /// <param name="record">The user record, as <see cref="AcmeClient.GetUserAsync"/> returns it.</param>
    /// <returns>The user.</returns>
    /// <exception cref="AcmeException">The record lacks a field or has one of the wrong type (<see cref="AcmeErrorKind.Failed"/>, 502).</exception>
    public static AcmeUser FromRecord(JsonElement record)
    {
        try
        {
            return new AcmeUser
            {
                Id = UserRecord.Text(record, "id", "/id"),
                Username = UserRecord.Text(record, "email", "/email"),
                Email = UserRecord.Text(record, "email", "/email"),
                FirstName = UserRecord.OptionalText(record, "/profile/firstName"),
                LastName = UserRecord.OptionalText(record, "/profile/lastName"),
                Roles = UserRecord.TextList(record, "groups", "/groups/*/name"),
                Active = UserRecord.ScalarText(record, "/status") == "ACTIVE",
                GivenName = UserRecord.OptionalText(record, "/profile/firstName"),
                FamilyName = UserRecord.OptionalText(record, "/profile/lastName"),
                Groups = UserRecord.TextList(record, "groups", "/groups/*/name"),
                Status = StatusFromText(UserRecord.Text(record, "status", "/status")),
                Created = UserRecord.OptionalInstant(record, "/created"),
            };
        }
        catch (FormatException error)
        {
            // The service answered, but not what the spec says it does: 502 failed, not 503 unavailable.
            throw new AcmeException($"get_user: {error.Message}", error);
        }
    }

    /// <summary>Read the user back out of a principal made by <see cref="ToPrincipal"/>.</summary>
    /// <param name="principal">Usually <c>HttpContext.User</c>.</param>
    /// <returns>The user, or null when the principal is not a signed-in Acme Identity user.</returns>
    public static AcmeUser? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal is null
            || principal.FindFirst(ClaimTypes.NameIdentifier) is null
            || principal.FindFirst(AcmeClaimTypes.Active) is null)
        {
            return null;
        }

        try
        {
            return new AcmeUser
            {
                Id = RequiredClaim(principal, ClaimTypes.NameIdentifier),
                Username = RequiredClaim(principal, ClaimTypes.Name),
                Email = RequiredClaim(principal, ClaimTypes.Email),
                FirstName = OptionalClaim(principal, ClaimTypes.GivenName),
                LastName = OptionalClaim(principal, ClaimTypes.Surname),
                Roles = ClaimList(principal, ClaimTypes.Role),
                Active = ToBoolean(RequiredClaim(principal, AcmeClaimTypes.Active)),
                GivenName = OptionalClaim(principal, AcmeClaimTypes.GivenName),
                FamilyName = OptionalClaim(principal, AcmeClaimTypes.FamilyName),
                Groups = ClaimList(principal, AcmeClaimTypes.Groups),
                Status = StatusFromText(RequiredClaim(principal, AcmeClaimTypes.Status)),
                Created = ToOptionalDateTime(OptionalClaim(principal, AcmeClaimTypes.Created)),
            };
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Whether the user has every one of <paramref name="roles"/>.</summary>
    /// <param name="roles">Role names.</param>
    /// <returns>True when the user has them all.</returns>
    public bool HasRoles(params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return roles.All(role => Roles.Contains(role));
    }

    /// <summary>The user's claims: the standard claim types, and one <see cref="AcmeClaimTypes"/> claim per spec field.</summary>
    /// <returns>The claims, canonical ones first.</returns>
    public IReadOnlyList<Claim> ToClaims()
    {
        List<Claim> claims = [];
        claims.Add(new Claim(ClaimTypes.NameIdentifier, Id));
        claims.Add(new Claim(ClaimTypes.Name, Username));
        claims.Add(new Claim(ClaimTypes.Email, Email));

        if (FirstName is not null)
        {
            claims.Add(new Claim(ClaimTypes.GivenName, FirstName));
        }

        if (LastName is not null)
        {
            claims.Add(new Claim(ClaimTypes.Surname, LastName));
        }

        foreach (string role in Roles)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        claims.Add(new Claim(AcmeClaimTypes.Active, ClaimValue(Active), ClaimValueTypes.Boolean));

        if (GivenName is not null)
        {
            claims.Add(new Claim(AcmeClaimTypes.GivenName, GivenName));
        }

        if (FamilyName is not null)
        {
            claims.Add(new Claim(AcmeClaimTypes.FamilyName, FamilyName));
        }

        foreach (string item in Groups)
        {
            claims.Add(new Claim(AcmeClaimTypes.Groups, item));
        }

        claims.Add(new Claim(AcmeClaimTypes.Status, StatusText(Status)));

        if (Created.HasValue)
        {
            claims.Add(new Claim(AcmeClaimTypes.Created, ClaimValue(Created.Value), ClaimValueTypes.DateTime));
        }

        return claims;
    }

    /// <summary>The signed-in principal for this user; roles are role claims, so <c>IsInRole</c> works.</summary>
    /// <param name="authenticationType">The authentication type of the identity.</param>
    /// <returns>A principal with one identity.</returns>
    public ClaimsPrincipal ToPrincipal(string authenticationType = AcmeDefaults.AuthenticationScheme) =>
        new(new ClaimsIdentity(ToClaims(), authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// The user as the <c>me</c> route answers it: the canonical attributes, then every spec field by
    /// its name (date-times as ISO 8601 text).
    /// </summary>
    /// <returns>A JSON object.</returns>
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["username"] = Username,
        ["email"] = Email,
        ["first_name"] = FirstName,
        ["last_name"] = LastName,
        ["roles"] = JsonArrayOf(Roles),
        ["active"] = Active,
        ["is_staff"] = IsStaff,
        ["is_admin"] = IsAdmin,
        ["given_name"] = GivenName,
        ["family_name"] = FamilyName,
        ["groups"] = JsonArrayOf(Groups),
        ["status"] = StatusText(Status),
        ["created"] = Created.HasValue ? Iso(Created.Value) : null,
    };

    private static string RequiredClaim(ClaimsPrincipal principal, string type) =>
        principal.FindFirst(type)?.Value ?? throw new FormatException($"the principal has no {type} claim");

    private static string? OptionalClaim(ClaimsPrincipal principal, string type) => principal.FindFirst(type)?.Value;

    private static IReadOnlyList<string> ClaimList(ClaimsPrincipal principal, string type) =>
        principal.FindAll(type).Select(claim => claim.Value).ToArray();

    private static string ClaimValue(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ClaimValue(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string ClaimValue(bool value) => value ? "true" : "false";

    private static string ClaimValue(DateTimeOffset value) => Iso(value);

    /// <summary>
    /// ISO 8601 in UTC to the second (<c>2024-03-05T09:30:00+00:00</c>), as every authgen integration
    /// writes a date-time.
    /// </summary>
    private static string Iso(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    private static JsonArray JsonArrayOf(IReadOnlyList<string> values) =>
        new(values.Select(value => (JsonNode?)JsonValue.Create(value)).ToArray());

    private static long ToInt64(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new FormatException($"'{text}' is not an integer");

    private static long? ToOptionalInt64(string? text) => text is null ? (long?)null : ToInt64(text);

    private static double ToDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new FormatException($"'{text}' is not a number");

    private static double? ToOptionalDouble(string? text) => text is null ? (double?)null : ToDouble(text);

    private static bool ToBoolean(string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException($"'{text}' is not true or false"),
    };

    private static bool? ToOptionalBoolean(string? text) => text is null ? (bool?)null : ToBoolean(text);

    private static DateTimeOffset ToDateTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value)
            ? value
            : throw new FormatException($"'{text}' is not an ISO 8601 date-time");

    private static DateTimeOffset? ToOptionalDateTime(string? text) =>
        text is null ? (DateTimeOffset?)null : ToDateTime(text);

    private static AcmeUserStatus StatusFromText(string text) => text switch
    {
        "ACTIVE" => AcmeUserStatus.Active,
        "LOCKED" => AcmeUserStatus.Locked,
        _ => throw new FormatException("'" + text + "' is not one of " + "ACTIVE, LOCKED"),
    };

    private static AcmeUserStatus? OptionalStatusFromText(string? text) =>
        text is null ? (AcmeUserStatus?)null : StatusFromText(text);

    private static string StatusText(AcmeUserStatus value) => value switch
    {
        AcmeUserStatus.Active => "ACTIVE",
        AcmeUserStatus.Locked => "LOCKED",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}

/// <summary>Claim types of the spec fields in the principal of a signed-in Acme Identity user.</summary>
public static class AcmeClaimTypes
{
    /// <summary>Whether the account is active: <c>true</c> or <c>false</c>.</summary>
    public const string Active = "acme:active";

    /// <summary>The spec field <c>given_name</c>.</summary>
    public const string GivenName = "acme:given_name";

    /// <summary>The spec field <c>family_name</c>.</summary>
    public const string FamilyName = "acme:family_name";

    /// <summary>The spec field <c>groups</c>.</summary>
    public const string Groups = "acme:groups";

    /// <summary>The spec field <c>status</c>.</summary>
    public const string Status = "acme:status";

    /// <summary>The spec field <c>created</c>.</summary>
    public const string Created = "acme:created";
}
