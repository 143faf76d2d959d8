{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

{%- if "unverified" in cookiecutter.spring_login_kinds %}
import java.io.Serial;
{%- endif %}
import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

{%- if "unverified" in cookiecutter.spring_login_kinds %}
import org.springframework.security.authentication.AccountStatusException;
{%- endif %}
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

import {{ cookiecutter.package }}.{{ N }}ServiceException.AccountDisabled;
import {{ cookiecutter.package }}.{{ N }}ServiceException.InvalidCredentials;
{%- if "unverified" in cookiecutter.spring_login_kinds %}
import {{ cookiecutter.package }}.{{ N }}ServiceException.Unverified;
{%- endif %}
import {{ cookiecutter.package }}.{{ N }}ServiceException.UserNotFound;

/**
{% filter javawrap %}Signs a username and password in at {{ cookiecutter.service_name | javadoc }}, then fetches the user.{% endfilter %}
 * <p>
 * A wrong username and a wrong password fail alike ({@link BadCredentialsException}); a disabled account fails with
 * {@link DisabledException};{% if "unverified" in cookiecutter.spring_login_kinds %} an account whose email address is not verified yet with
 * {@link UnverifiedException};{% endif %} a service that is down, slow or confused fails closed with an
 * {@link AuthenticationServiceException} whose cause is the {@link {{ N }}ServiceException}. Nothing here logs the
 * password.
 */
public class {{ N }}AuthenticationProvider implements AuthenticationProvider {

    /** What a refused sign-in says, whatever the reason: it tells no one which usernames exist. */
    public static final String INVALID_CREDENTIALS = {{ cookiecutter.messages.error.invalid_credentials | java }};

    private static final Log logger = LogFactory.getLog({{ N }}AuthenticationProvider.class);

    private final {{ N }}Client client;

    private final Clock clock;

    /**
     * A provider that signs users in with the given client.
     * @param client the service's client
     * @param clock the clock that stamps when a user was fetched
     */
    public {{ N }}AuthenticationProvider({{ N }}Client client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = authentication.getName();
        if (!(authentication.getCredentials() instanceof String password) || username.isBlank() || password.isEmpty()) {
            throw new BadCredentialsException(INVALID_CREDENTIALS);
        }
        try {
            {{ N }}ServiceSession session = this.client.login(username, password);
            {{ N }}User user = {{ N }}User.fromRecord(this.client.getUser(session));
            if (!user.isActive()) {
                throw new DisabledException({{ cookiecutter.messages.error.account_disabled | java }});
            }
            return new {{ N }}AuthenticationToken(user, session, this.clock.instant());
        }
        catch (InvalidCredentials | UserNotFound ex) {
            logger.debug("Sign-in refused: " + ex.getCode());
            throw new BadCredentialsException(INVALID_CREDENTIALS, ex);
        }
        catch (AccountDisabled ex) {
            logger.debug("Sign-in refused: " + ex.getCode());
            throw new DisabledException({{ cookiecutter.messages.error.account_disabled | java }}, ex);
        }
{%- if "unverified" in cookiecutter.spring_login_kinds %}
        catch (Unverified ex) {
            logger.debug("Sign-in refused: " + ex.getCode());
            throw new UnverifiedException(ex.getPublicMessage(), ex);
        }
{%- endif %}
        catch ({{ N }}ServiceException ex) {
            logger.warn("Sign-in failed: " + ex.getMessage());
            throw new AuthenticationServiceException(ex.getPublicMessage(), ex);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
{%- if "unverified" in cookiecutter.spring_login_kinds %}

    /** The account's email address is not verified yet: the user must follow the link the service sent first. */
    public static class UnverifiedException extends AccountStatusException {

        @Serial
        private static final long serialVersionUID = 1L;

        /**
         * A sign-in refused until the email address is verified.
         * @param message what the user is told
         * @param cause the service's refusal
         */
        public UnverifiedException(String message, Throwable cause) {
            super(message, cause);
        }

    }
{%- endif %}

}
