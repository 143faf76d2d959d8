package com.acme.auth;
import java.io.Serial;
import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.security.authentication.AccountStatusException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

import com.acme.auth.AcmeServiceException.AccountDisabled;
import com.acme.auth.AcmeServiceException.InvalidCredentials;
import com.acme.auth.AcmeServiceException.Unverified;
import com.acme.auth.AcmeServiceException.UserNotFound;

/**
 * Signs a username and password in at Acme Identity, then fetches the user.
 * <p>
 * A wrong username and a wrong password fail alike ({@link BadCredentialsException}); a disabled account fails with
 * {@link DisabledException}; an account whose email address is not verified yet with
 * {@link UnverifiedException}; a service that is down, slow or confused fails closed with an
 * {@link AuthenticationServiceException} whose cause is the {@link AcmeServiceException}. Nothing here logs the
 * password.
 */
public class AcmeAuthenticationProvider implements AuthenticationProvider {

    /** What a refused sign-in says, whatever the reason: it tells no one which usernames exist. */
    public static final String INVALID_CREDENTIALS = "Invalid username or password.";

    private static final Log logger = LogFactory.getLog(AcmeAuthenticationProvider.class);

    private final AcmeClient client;

    private final Clock clock;

    /**
     * A provider that signs users in with the given client.
     * @param client the service's client
     * @param clock the clock that stamps when a user was fetched
     */
    public AcmeAuthenticationProvider(AcmeClient client, Clock clock) {
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
            AcmeServiceSession session = this.client.login(username, password);
            AcmeUser user = AcmeUser.fromRecord(this.client.getUser(session));
            if (!user.isActive()) {
                throw new DisabledException("This account is disabled.");
            }
            return new AcmeAuthenticationToken(user, session, this.clock.instant());
        }
        catch (InvalidCredentials | UserNotFound ex) {
            logger.debug("Sign-in refused: " + ex.getCode());
            throw new BadCredentialsException(INVALID_CREDENTIALS, ex);
        }
        catch (AccountDisabled ex) {
            logger.debug("Sign-in refused: " + ex.getCode());
            throw new DisabledException("This account is disabled.", ex);
        }
        catch (Unverified ex) {
            logger.debug("Sign-in refused: " + ex.getCode());
            throw new UnverifiedException(ex.getPublicMessage(), ex);
        }
        catch (AcmeServiceException ex) {
            logger.warn("Sign-in failed: " + ex.getMessage());
            throw new AuthenticationServiceException(ex.getPublicMessage(), ex);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

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

}
