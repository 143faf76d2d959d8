namespace Acme.AspNetCore;

/// <summary>Fixed names the Acme Identity integration uses.</summary>
public static class AcmeDefaults
{
    /// <summary>The authentication scheme: a cookie scheme, the application's default.</summary>
    public const string AuthenticationScheme = "Acme";

    /// <summary>The session cookie's name unless <see cref="AcmeOptions.CookieName"/> says otherwise.</summary>
    public const string CookieName = ".Acme.Session";

    /// <summary>The policy that requires one of the administrator roles (<c>admins</c>).</summary>
    public const string AdminPolicy = "Acme.Admin";

    /// <summary>The policy that requires one of the staff or administrator roles.</summary>
    public const string StaffPolicy = "Acme.Staff";

    /// <summary>The request header that carries the CSRF token of JSON posts, unless antiforgery is configured otherwise.</summary>
    public const string CsrfHeaderName = "RequestVerificationToken";

    /// <summary>Roles that make a user an administrator (<see cref="AcmeUser.IsAdmin"/>).</summary>
    internal static readonly string[] AdminRoles = ["admins"];

    /// <summary>Roles that make a user staff (<see cref="AcmeUser.IsStaff"/>).</summary>
    internal static readonly string[] StaffRoles = ["staff"];

    /// <summary>Roles of <see cref="AdminPolicy"/>: the administrator roles, or <c>admins</c> when the spec names none.</summary>
    internal static readonly string[] AdminPolicyRoles = ["admins"];

    /// <summary>Roles of <see cref="StaffPolicy"/>: the staff and administrator roles.</summary>
    internal static readonly string[] StaffPolicyRoles = ["staff", "admins"];
}
