{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};
{% for name in cookiecutter.user_jdk_imports %}
import {{ name }};
{%- endfor %}

import tools.jackson.databind.JsonNode;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
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
 */
public class {{ N }}User implements UserDetails {

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
