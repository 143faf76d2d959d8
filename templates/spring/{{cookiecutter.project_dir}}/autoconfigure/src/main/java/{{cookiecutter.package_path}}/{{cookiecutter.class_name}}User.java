{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};
{% for name in cookiecutter.user_jdk_imports %}
import {{ name }};
{%- endfor %}

import tools.jackson.databind.JsonNode;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
{%- if cookiecutter.is_oidc %}
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
{%- endif %}
{%- if cookiecutter.enums %}

import {{ cookiecutter.package }}.{{ N }}ServiceException.ServiceUnavailable;
{%- endif %}

/**
{% filter javawrap %}A user of {{ cookiecutter.service_name | javadoc }}: the principal of a signed-in request, which
{@code @AuthenticationPrincipal {{ N }}User user} hands to a controller.{% endfilter %}
 * <p>
 * It has the canonical properties every integration has (id, username, email, names, roles, active, staff and admin)
 * and every field of the service's user record, typed. Each role is a {@code ROLE_} authority, so
 * {@code hasRole("...")} and {@code @RolesAllowed} work with the service's role names; administrators also get
 * {@code ROLE_ADMIN} and staff {@code ROLE_STAFF}.
{%- if cookiecutter.is_oidc %}
 * <p>
 * It is also the {@link OidcUser} of Spring Security's OpenID Connect sign-in: its claims are the ID token's overlaid
 * by userinfo's, and it keeps the ID token for the provider's end-session endpoint.
{%- endif %}
 */
public class {{ N }}User implements UserDetails{% if cookiecutter.is_oidc %}, OidcUser{% endif %} {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Roles that make a user an administrator. */
    private static final Set<String> ADMIN_ROLES = Set.copyOf({{ cookiecutter.admin_roles | java }});

    /** Roles that make a user staff. */
    private static final Set<String> STAFF_ROLES = Set.copyOf({{ cookiecutter.staff_roles | java }});
{% for attr in cookiecutter.attrs %}
    /** {{ attr.doc }} */
{%- if attr.type.startswith("List<") %}
    @SuppressWarnings("serial") // always a List.copyOf, which is serializable
{%- endif %}
    private final {{ attr.type }} {{ attr.field }};
{% endfor %}
{%- if cookiecutter.is_oidc %}
    /** The ID token the provider signed the user in with. */
    private final OidcIdToken idToken;

    /** Userinfo's claims; null when the provider has no userinfo endpoint. */
    private final OidcUserInfo userInfo;

    private {{ N }}User(JsonNode record, OidcIdToken idToken, OidcUserInfo userInfo) {
{%- for attr in cookiecutter.attrs %}
        this.{{ attr.field }} = {{ attr.read }};
{%- endfor %}
        this.idToken = idToken;
        this.userInfo = userInfo;
    }

    /**
     * Build the user from the provider's claims.
     * @param claims the ID token's claims overlaid by userinfo's
     * @param idToken the ID token
     * @param userInfo userinfo's claims, or null
     * @return the user
{% filter javawrap("     * ") %}@throws {{ N }}ServiceException.ServiceUnavailable when the claims lack a field or have one of the wrong type{% endfilter %}
     */
    public static {{ N }}User fromClaims(JsonNode claims, OidcIdToken idToken, OidcUserInfo userInfo) {
        return new {{ N }}User(claims, idToken, userInfo);
    }

    @Override
    public OidcIdToken getIdToken() {
        return this.idToken;
    }

    @Override
    public OidcUserInfo getUserInfo() {
        return this.userInfo;
    }

    /**
     * The ID token's claims overlaid by userinfo's.
     * @return the claims
     */
    @Override
    public Map<String, Object> getClaims() {
        Map<String, Object> claims = new LinkedHashMap<>(this.idToken.getClaims());
        if (this.userInfo != null) {
            claims.putAll(this.userInfo.getClaims());
        }
        return claims;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return getClaims();
    }

    /**
     * The user's id at the provider (the {@code sub} claim), which Spring Security names the principal by.
     * @return the subject
     */
    @Override
    public String getName() {
        return this.idToken.getSubject();
    }
{%- else %}
    private {{ N }}User(JsonNode record) {
{%- for attr in cookiecutter.attrs %}
        this.{{ attr.field }} = {{ attr.read }};
{%- endfor %}
    }

    /**
     * Build the user from the service's user record.
     * @param record the user record, as the service sent it
     * @return the user
{% filter javawrap("     * ") %}@throws {{ N }}ServiceException.ServiceUnavailable when the record lacks a field or has one of the wrong type{% endfilter %}
     */
    public static {{ N }}User fromRecord(JsonNode record) {
        return new {{ N }}User(record);
    }
{%- endif %}
{% for attr in cookiecutter.attrs %}
    /**
     * {{ attr.doc }}
     * @return {{ attr.returns }}
     */
{%- if attr.getter in ("getUsername",) %}
    @Override
{%- endif %}
    public {{ attr.type }} {{ attr.getter }}() {
        return this.{{ attr.field }};
    }
{% endfor %}
    /**
     * Whether the user has one of the administrator roles.
     * @return true for an administrator
     */
    public boolean isAdmin() {
        return this.roles.stream().anyMatch(ADMIN_ROLES::contains);
    }

    /**
     * Whether the user has one of the staff roles.
     * @return true for staff
     */
    public boolean isStaff() {
        return this.roles.stream().anyMatch(STAFF_ROLES::contains);
    }

    /**
     * Whether the user has a role at the service.
     * @param role the role's name, without {@code ROLE_}
     * @return true when the user has it
     */
    public boolean hasRole(String role) {
        return this.roles.contains(role);
    }

    /** {@code ROLE_} and each role, plus {@code ROLE_ADMIN} and {@code ROLE_STAFF} where they apply. */
    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        Set<String> names = new LinkedHashSet<>();
        this.roles.forEach((role) -> names.add("ROLE_" + role));
        if (isAdmin()) {
            names.add("ROLE_ADMIN");
        }
        if (isStaff()) {
            names.add("ROLE_STAFF");
        }
        return names.stream().map(SimpleGrantedAuthority::new).toList();
    }

    /** Always null: the password stays with the service. */
    @Override
    public String getPassword() {
        return null;
    }

    /** A user the service has disabled cannot sign in. */
    @Override
    public boolean isEnabled() {
        return this.active;
    }

    /**
     * The user as JSON-ready data, as {@code {{ '{' }}prefix}/me} answers it: the canonical properties, then every field of
     * the service's record by its name (date-times as ISO 8601 text).
     * @return the properties by name, in that order
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
{%- for attr in cookiecutter.attrs %}
        map.put({{ attr.name | java }}, {{ attr.dump }});
{%- if attr.name == "active" %}
        map.put("is_staff", isStaff());
        map.put("is_admin", isAdmin());
{%- endif %}
{%- endfor %}
        return map;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof {{ N }}User user && this.id.equals(user.id));
    }

    @Override
    public int hashCode() {
        return this.id.hashCode();
    }

    @Override
    public String toString() {
        return "{{ N }}User[id=" + this.id + ", username=" + this.username + ", roles=" + this.roles + "]";
    }
{%- for enum in cookiecutter.enums %}

    /** The values of the field {{ enum.field | javadoc }}. */
    public enum {{ enum.name }} {
{% for const, value in enum.constants %}
        {{ const }}({{ value | java }}){% if loop.last %};{% else %},{% endif %}
{% endfor %}
        private final String value;

        {{ enum.name }}(String value) {
            this.value = value;
        }

        /**
         * The value as the service writes it.
         * @return the value
         */
        public String value() {
            return this.value;
        }

        static {{ enum.name }} of(String value) {
            for ({{ enum.name }} candidate : values()) {
                if (candidate.value.equals(value)) {
                    return candidate;
                }
            }
            throw new ServiceUnavailable({{ ("the user record has an unknown " ~ enum.field ~ " value") | java }});
        }

        static {{ enum.name }} ofNullable(String value) {
            return (value == null) ? null : of(value);
        }

    }
{%- endfor %}

}
