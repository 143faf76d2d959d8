{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.Serial;

/**
{% filter javawrap %}A request to {{ cookiecutter.service_name | javadoc }} did not succeed.{% endfilter %}
 * <p>
 * Each kind of failure is a nested subclass that carries the {@code error.code} of the JSON error body and the HTTP
 * status the integration answers with. Messages say which request failed, never with passwords or tokens; the
 * {@link #getPublicMessage() public message} is what users see.
 */
public class {{ N }}ServiceException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String code;

    private final int status;

    private final String publicMessage;
{%- if cookiecutter.service_messages %}

    private String serviceMessage;
{%- endif %}

    /**
     * A failure of no known kind: the service answered a status the spec does not map.
     * @param message what failed, for logs
     */
    public {{ N }}ServiceException(String message) {
        this(message, "failed", 502, {{ cookiecutter.messages.error.failed | java }});
    }

    protected {{ N }}ServiceException(String message, String code, int status, String publicMessage) {
        super(message);
        this.code = code;
        this.status = status;
        this.publicMessage = publicMessage;
    }

    /**
     * The {@code error.code} of JSON error bodies.
     * @return the code, such as {@code invalid_credentials}
     */
    public String getCode() {
        return this.code;
    }

    /**
     * The HTTP status the integration answers with.
     * @return the status, such as 401
     */
    public int getStatus() {
        return this.status;
    }

{%- if cookiecutter.service_messages %}

    /**
     * The message shown to users: it gives nothing away. For the kinds whose rule in the spec points at the service's
     * own message (a password policy ...), that message when the service sent one; escape it like any text.
     * @return the message
     */
    public String getPublicMessage() {
        return this.serviceMessage != null ? this.serviceMessage : this.publicMessage;
    }

    /**
     * Show users the service's own message instead of the default one.
     * @param message the service's message, or null to keep the default
     * @return this exception
     */
    {{ N }}ServiceException withServiceMessage(String message) {
        this.serviceMessage = message;
        return this;
    }
{%- else %}

    /**
     * The message shown to users: it gives nothing away.
     * @return the message
     */
    public String getPublicMessage() {
        return this.publicMessage;
    }
{%- endif %}

    /** The username or password is wrong, or the service session has ended. */
    public static class InvalidCredentials extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public InvalidCredentials(String message) {
            super(message, "invalid_credentials", 401, {{ cookiecutter.messages.error.invalid_credentials | java }});
        }

    }

    /** The account exists but may not sign in. */
    public static class AccountDisabled extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public AccountDisabled(String message) {
            super(message, "account_disabled", 403, {{ cookiecutter.messages.error.account_disabled | java }});
        }

    }

    /** The service does not know the user (any more). */
    public static class UserNotFound extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public UserNotFound(String message) {
            super(message, "user_not_found", 404, {{ cookiecutter.messages.error.user_not_found | java }});
        }

    }

    /** The account already exists. */
    public static class Conflict extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public Conflict(String message) {
            super(message, "conflict", 409, {{ cookiecutter.messages.error.conflict | java }});
        }

    }

    /** The service rejected the data sent to it. */
    public static class InvalidInput extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public InvalidInput(String message) {
            super(message, "invalid_input", 400, {{ cookiecutter.messages.error.invalid_input | java }});
        }

    }

    /** The access token has expired: the integration refreshes the service session and tries again. */
    public static class Expired extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public Expired(String message) {
            super(message, "expired", 401, {{ cookiecutter.messages.error.expired | java }});
        }

    }

    /** The token of an emailed link is unknown, malformed or already used. */
    public static class InvalidToken extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public InvalidToken(String message) {
            super(message, "invalid_token", 400, {{ cookiecutter.messages.error.invalid_token | java }});
        }

    }

    /** The token of an emailed link has expired. */
    public static class ExpiredToken extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public ExpiredToken(String message) {
            super(message, "expired_token", 400, {{ cookiecutter.messages.error.expired_token | java }});
        }

    }

    /** The new password does not meet the service's password policy. */
    public static class PasswordPolicy extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public PasswordPolicy(String message) {
            super(message, "password_policy", 422, {{ cookiecutter.messages.error.password_policy | java }});
        }

    }

    /** The account's email address is not verified yet, so it may not sign in. */
    public static class Unverified extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public Unverified(String message) {
            super(message, "unverified", 403, {{ cookiecutter.messages.error.unverified | java }});
        }

    }

    /** The service is down, too slow, or answered something unusable: the integration fails closed. */
    public static class ServiceUnavailable extends {{ N }}ServiceException {

        @Serial
        private static final long serialVersionUID = 1L;

        public ServiceUnavailable(String message) {
            super(message, "service_unavailable", 503, {{ cookiecutter.messages.error.service_unavailable | java }});
        }

    }

}
