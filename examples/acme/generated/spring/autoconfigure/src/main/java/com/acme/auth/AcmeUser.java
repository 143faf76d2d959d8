package com.acme.auth;

import java.io.Serial;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

import com.acme.auth.AcmeServiceException.ServiceUnavailable;

/**
 * A user of Acme Identity: the principal of a signed-in request, which {@code @AuthenticationPrincipal AcmeUser user}
 * hands to a controller.
 * <p>
 * It has the canonical properties every integration has (id, username, email, names, roles, active, staff and admin)
 * and every field of the service's user record, typed. Each role is a {@code ROLE_} authority, so
 * {@code hasRole("...")} and {@code @RolesAllowed} work with the service's role names; administrators also get
 * {@code ROLE_ADMIN} and staff {@code ROLE_STAFF}.
 */
public class AcmeUser implements UserDetails {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Roles that make a user an administrator. */
    private static final Set<String> ADMIN_ROLES = Set.copyOf(List.of("admins"));

    /** Roles that make a user staff. */
    private static final Set<String> STAFF_ROLES = Set.copyOf(List.of("staff"));

    /** The service's id for the user. From the field id. */
    private final String id;

    /** What the user signs in with. From the field email. */
    private final String username;

    /** The user's email address. From the field email. */
    private final String email;

    /** Given name. From the field given_name. */
    private final String firstName;

    /** Family name. From the field family_name. */
    private final String lastName;

    /** Role names at the service; each is also a {@code ROLE_} authority. */
    @SuppressWarnings("serial") // always a List.copyOf, which is serializable
    private final List<String> roles;

    /** False when the service has disabled the account. */
    private final boolean active;

    /** The field given_name, from /profile/firstName. Null when the service leaves it out. */
    private final String givenName;

    /** The field family_name, from /profile/lastName. Null when the service leaves it out. */
    private final String familyName;

    /** The field groups, from /groups/*&#47;name. */
    @SuppressWarnings("serial") // always a List.copyOf, which is serializable
    private final List<String> groups;

    /** The field status, from /status. */
    private final Status status;

    /** The field created, from /created. Null when the service leaves it out. */
    private final OffsetDateTime created;

    private AcmeUser(JsonNode record) {
        this.id = UserRecords.string(record, "id", "/id");
        this.username = UserRecords.string(record, "email", "/email");
        this.email = UserRecords.string(record, "email", "/email");
        this.firstName = UserRecords.optionalString(record, "/profile/firstName");
        this.lastName = UserRecords.optionalString(record, "/profile/lastName");
        this.roles = UserRecords.strings(record, "groups", "/groups/*/name");
        this.active = "ACTIVE".equals(UserRecords.string(record, "status", "/status"));
        this.givenName = UserRecords.optionalString(record, "/profile/firstName");
        this.familyName = UserRecords.optionalString(record, "/profile/lastName");
        this.groups = UserRecords.strings(record, "groups", "/groups/*/name");
        this.status = Status.of(UserRecords.string(record, "status", "/status"));
        this.created = UserRecords.optionalDateTime(record, "/created");
    }

    /**
     * Build the user from the service's user record.
     * @param record the user record, as the service sent it
     * @return the user
     * @throws AcmeServiceException.ServiceUnavailable when the record lacks a field or has one of the wrong type
     */
    public static AcmeUser fromRecord(JsonNode record) {
        return new AcmeUser(record);
    }

    /**
     * The service's id for the user. From the field id.
     * @return the id
     */
    public String getId() {
        return this.id;
    }

    /**
     * What the user signs in with. From the field email.
     * @return the username
     */
    @Override
    public String getUsername() {
        return this.username;
    }

    /**
     * The user's email address. From the field email.
     * @return the email
     */
    public String getEmail() {
        return this.email;
    }

    /**
     * Given name. From the field given_name.
     * @return the first name, or null
     */
    public String getFirstName() {
        return this.firstName;
    }

    /**
     * Family name. From the field family_name.
     * @return the last name, or null
     */
    public String getLastName() {
        return this.lastName;
    }

    /**
     * Role names at the service; each is also a {@code ROLE_} authority.
     * @return the roles
     */
    public List<String> getRoles() {
        return this.roles;
    }

    /**
     * False when the service has disabled the account.
     * @return whether the account is active
     */
    public boolean isActive() {
        return this.active;
    }

    /**
     * The field given_name, from /profile/firstName. Null when the service leaves it out.
     * @return the given name, or null
     */
    public String getGivenName() {
        return this.givenName;
    }

    /**
     * The field family_name, from /profile/lastName. Null when the service leaves it out.
     * @return the family name, or null
     */
    public String getFamilyName() {
        return this.familyName;
    }

    /**
     * The field groups, from /groups/*&#47;name.
     * @return the groups
     */
    public List<String> getGroups() {
        return this.groups;
    }

    /**
     * The field status, from /status.
     * @return the status
     */
    public Status getStatus() {
        return this.status;
    }

    /**
     * The field created, from /created. Null when the service leaves it out.
     * @return the created, or null
     */
    public OffsetDateTime getCreated() {
        return this.created;
    }

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
     * The user as JSON-ready data, as {@code {prefix}/me} answers it: the canonical properties, then every field of
     * the service's record by its name (date-times as ISO 8601 text).
     * @return the properties by name, in that order
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", this.id);
        map.put("username", this.username);
        map.put("email", this.email);
        map.put("first_name", this.firstName);
        map.put("last_name", this.lastName);
        map.put("roles", this.roles);
        map.put("active", this.active);
        map.put("is_staff", isStaff());
        map.put("is_admin", isAdmin());
        map.put("given_name", this.givenName);
        map.put("family_name", this.familyName);
        map.put("groups", this.groups);
        map.put("status", this.status.value());
        map.put("created", UserRecords.iso(this.created));
        return map;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof AcmeUser user && this.id.equals(user.id));
    }

    @Override
    public int hashCode() {
        return this.id.hashCode();
    }

    @Override
    public String toString() {
        return "AcmeUser[id=" + this.id + ", username=" + this.username + ", roles=" + this.roles + "]";
    }

    /** The values of the field status. */
    public enum Status {

        ACTIVE("ACTIVE"),

        LOCKED("LOCKED");

        private final String value;

        Status(String value) {
            this.value = value;
        }

        /**
         * The value as the service writes it.
         * @return the value
         */
        public String value() {
            return this.value;
        }

        static Status of(String value) {
            for (Status candidate : values()) {
                if (candidate.value.equals(value)) {
                    return candidate;
                }
            }
            throw new ServiceUnavailable("the user record has an unknown status value");
        }

        static Status ofNullable(String value) {
            return (value == null) ? null : of(value);
        }

    }

}
