{% set N = cookiecutter.class_name -%}
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace {{ cookiecutter.namespace }};
{% for enum in cookiecutter.enums %}
/// <summary>The values of the spec field <c>{{ enum.field | cscomment }}</c>.</summary>
public enum {{ enum.name }}
{
{%- for member, text in enum.members %}
    /// <summary><c>{{ text | cscomment }}</c>.</summary>
    {{ member }},
{%- if not loop.last %}
{% endif %}
{%- endfor %}
}
{% endfor %}
/// <summary>
/// A user of {{ cookiecutter.service_name | cscomment }}: the canonical attributes every integration has (id,
/// username, email, names, roles, active) and every field of the service's user record, typed.
/// </summary>
/// <remarks>
/// The signed-in user is a <see cref="ClaimsPrincipal"/> with the standard claim types and one
/// <see cref="{{ N }}ClaimTypes"/> claim per spec field; read it back with
/// <c>HttpContext.Get{{ N }}User()</c> or <see cref="FromPrincipal"/>.
/// </remarks>
public sealed class {{ N }}User
{
{%- for p in cookiecutter.props %}
    /// <summary>{{ p.doc }}</summary>
    public {% if p.required %}required {% endif %}{{ p.type }} {{ p.name }} { get; init; }
{% endfor %}
    /// <summary>Whether the user has one of the administrator roles.</summary>
    public bool IsAdmin => Roles.Any(role => {{ N }}Defaults.AdminRoles.Contains(role));

    /// <summary>Whether the user has one of the staff roles; administrators are staff too.</summary>
    public bool IsStaff => Roles.Any(role => {{ N }}Defaults.StaffRoles.Contains(role));

{%- if cookiecutter.is_oidc %}

    /// <summary>Build the user from the provider's claims: the ID token's, overlaid by userinfo's.</summary>
    /// <param name="record">The claims, a JSON object.</param>
{%- else %}

    /// <summary>Build the user from the service's user record.</summary>
    /// <param name="record">The user record, as <see cref="{{ N }}Client.GetUserAsync"/> returns it.</param>
{%- endif %}
    /// <returns>The user.</returns>
    /// <exception cref="{{ N }}Exception">The record lacks a field or has one of the wrong type (<see cref="{{ N }}ErrorKind.Failed"/>, 502).</exception>
    public static {{ N }}User FromRecord(JsonElement record)
    {
        try
        {
            return new {{ N }}User
            {
{%- for p in cookiecutter.props if p.from_record %}
                {{ p.name }} = {{ p.from_record }},
{%- endfor %}
            };
        }
        catch (FormatException error)
        {
            // The service answered, but not what the spec says it does: 502 failed, not 503 unavailable.
            throw new {{ N }}Exception($"get_user: {error.Message}", error);
        }
    }

    /// <summary>Read the user back out of a principal made by <see cref="ToPrincipal"/>.</summary>
    /// <param name="principal">Usually <c>HttpContext.User</c>.</param>
    /// <returns>The user, or null when the principal is not a signed-in {{ cookiecutter.service_name | cscomment }} user.</returns>
    public static {{ N }}User? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal is null
            || principal.FindFirst(ClaimTypes.NameIdentifier) is null
            || principal.FindFirst({{ N }}ClaimTypes.Active) is null)
        {
            return null;
        }

        try
        {
            return new {{ N }}User
            {
{%- for p in cookiecutter.props if p.from_claims %}
                {{ p.name }} = {{ p.from_claims }},
{%- endfor %}
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

    /// <summary>The user's claims: the standard claim types, and one <see cref="{{ N }}ClaimTypes"/> claim per spec field.</summary>
    /// <returns>The claims, canonical ones first.</returns>
    public IReadOnlyList<Claim> ToClaims()
    {
        List<Claim> claims = [];
{{ cookiecutter.claims_code | indent(8, true) }}

        return claims;
    }

    /// <summary>The signed-in principal for this user; roles are role claims, so <c>IsInRole</c> works.</summary>
    /// <param name="authenticationType">The authentication type of the identity.</param>
    /// <returns>A principal with one identity.</returns>
    public ClaimsPrincipal ToPrincipal(string authenticationType = {{ N }}Defaults.AuthenticationScheme) =>
        new(new ClaimsIdentity(ToClaims(), authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// The user as the <c>me</c> route answers it: the canonical attributes, then every spec field by
    /// its name (date-times as ISO 8601 text).
    /// </summary>
    /// <returns>A JSON object.</returns>
    public JsonObject ToJson() => new()
    {
{%- for p in cookiecutter.props if p.to_json %}
        [{{ p.key | cs }}] = {{ p.to_json }},
{%- if p.key == "active" %}
        ["is_staff"] = IsStaff,
        ["is_admin"] = IsAdmin,
{%- endif %}
{%- endfor %}
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
{%- for enum in cookiecutter.enums %}

    private static {{ enum.name }} {{ enum.parse }}(string text) => text switch
    {
{%- for member, value in enum.members %}
        {{ value | cs }} => {{ enum.name }}.{{ member }},
{%- endfor %}
        _ => throw new FormatException("'" + text + "' is not one of " + {{ enum.members | map("last") | join(", ") | cs }}),
    };

    private static {{ enum.name }}? Optional{{ enum.parse }}(string? text) =>
        text is null ? ({{ enum.name }}?)null : {{ enum.parse }}(text);

    private static string {{ enum.text }}({{ enum.name }} value) => value switch
    {
{%- for member, text in enum.members %}
        {{ enum.name }}.{{ member }} => {{ text | cs }},
{%- endfor %}
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
{%- endfor %}
}

/// <summary>Claim types of the spec fields in the principal of a signed-in {{ cookiecutter.service_name | cscomment }} user.</summary>
public static class {{ N }}ClaimTypes
{
{%- for name, value, doc in cookiecutter.claim_types %}
    /// <summary>{{ doc }}</summary>
    public const string {{ name }} = {{ value | cs }};
{%- if not loop.last %}
{% endif %}
{%- endfor %}
}
