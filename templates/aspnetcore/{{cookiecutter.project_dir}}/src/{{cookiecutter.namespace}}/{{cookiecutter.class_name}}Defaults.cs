{% set N = cookiecutter.class_name -%}
namespace {{ cookiecutter.namespace }};

/// <summary>Fixed names the {{ cookiecutter.service_name | cscomment }} integration uses.</summary>
public static class {{ N }}Defaults
{
    /// <summary>The authentication scheme: a cookie scheme, the application's default.</summary>
    public const string AuthenticationScheme = "{{ N }}";
{%- if cookiecutter.is_oidc %}

    /// <summary>
    /// The OpenID Connect scheme: it sends browsers to {{ cookiecutter.service_name | cscomment }}'s sign-in page, takes them back
    /// at <c>/auth/callback</c>, and signs the user in to <see cref="AuthenticationScheme"/>.
    /// </summary>
    public const string OpenIdConnectScheme = "{{ N }}.OpenIdConnect";
{%- endif %}

    /// <summary>The session cookie's name unless <see cref="{{ N }}Options.CookieName"/> says otherwise.</summary>
    public const string CookieName = ".{{ N }}.Session";

    /// <summary>The policy that requires one of the administrator roles ({% for r in cookiecutter.admin_policy_roles %}<c>{{ r | cscomment }}</c>{% if not loop.last %}, {% endif %}{% endfor %}).</summary>
    public const string AdminPolicy = "{{ N }}.Admin";

    /// <summary>The policy that requires one of the staff or administrator roles.</summary>
    public const string StaffPolicy = "{{ N }}.Staff";

    /// <summary>The request header that carries the CSRF token of JSON posts, unless antiforgery is configured otherwise.</summary>
    public const string CsrfHeaderName = "RequestVerificationToken";

    /// <summary>Roles that make a user an administrator (<see cref="{{ N }}User.IsAdmin"/>).</summary>
    internal static readonly string[] AdminRoles = [{% for r in cookiecutter.admin_roles %}{{ r | cs }}{% if not loop.last %}, {% endif %}{% endfor %}];

    /// <summary>Roles that make a user staff (<see cref="{{ N }}User.IsStaff"/>).</summary>
    internal static readonly string[] StaffRoles = [{% for r in cookiecutter.staff_roles %}{{ r | cs }}{% if not loop.last %}, {% endif %}{% endfor %}];

    /// <summary>Roles of <see cref="AdminPolicy"/>: the administrator roles, or <c>admins</c> when the spec names none.</summary>
    internal static readonly string[] AdminPolicyRoles = [{% for r in cookiecutter.admin_policy_roles %}{{ r | cs }}{% if not loop.last %}, {% endif %}{% endfor %}];

    /// <summary>Roles of <see cref="StaffPolicy"/>: the staff and administrator roles.</summary>
    internal static readonly string[] StaffPolicyRoles = [{% for r in cookiecutter.staff_policy_roles %}{{ r | cs }}{% if not loop.last %}, {% endif %}{% endfor %}];
}
