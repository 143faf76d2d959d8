package com.acme.auth;

import java.io.Serial;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A user signed in with Acme Identity: the {@link AcmeUser} principal, the service session that fetches it again, and
 * when it was fetched.
 * <p>
 * It is stored in the server-side HTTP session. The service session's values never leave the server: they are in
 * no cookie and no answer, and {@link #toString()} does not show them.
 */
public final class AcmeAuthenticationToken extends AbstractAuthenticationToken {

    @Serial
    private static final long serialVersionUID = 1L;

    private final AcmeUser user;

    private final AcmeServiceSession serviceSession;

    private final Instant loadedAt;

    /**
     * A signed-in user.
     * @param user the user, as the service describes it
     * @param serviceSession what signing in at the service gave
     * @param loadedAt when the user was fetched from the service
     */
    public AcmeAuthenticationToken(AcmeUser user, AcmeServiceSession serviceSession,
            Instant loadedAt) {
        super(user.getAuthorities());
        this.user = user;
        this.serviceSession = serviceSession;
        this.loadedAt = loadedAt;
        setAuthenticated(true);
    }

    @Override
    public AcmeUser getPrincipal() {
        return this.user;
    }

    /** Always null: no password is kept. */
    @Override
    public Object getCredentials() {
        return null;
    }

    /**
     * What signing in at the service gave, to call the service for this user.
     * @return the service session
     */
    public AcmeServiceSession getServiceSession() {
        return this.serviceSession;
    }

    /**
     * When the user was last fetched from the service.
     * @return the instant
     */
    public Instant getLoadedAt() {
        return this.loadedAt;
    }

    /**
     * Whether the user is due to be fetched from the service again.
     * @param now the current instant
     * @param ttl how long a fetched user is trusted
     * @return true once {@code ttl} has passed since {@link #getLoadedAt()}
     */
    public boolean isStale(Instant now, Duration ttl) {
        return !now.isBefore(this.loadedAt.plus(ttl));
    }

    /**
     * The same sign-in with the user fetched again.
     * @param user the user as the service describes it now
     * @param now when it was fetched
     * @return a new token
     */
    public AcmeAuthenticationToken refreshed(AcmeUser user, Instant now) {
        return new AcmeAuthenticationToken(user, this.serviceSession, now);
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof AcmeAuthenticationToken token && this.user.equals(token.user)
                && this.loadedAt.equals(token.loadedAt));
    }

    @Override
    public int hashCode() {
        return this.user.hashCode();
    }

    @Override
    public String toString() {
        return "AcmeAuthenticationToken[user=" + this.user + ", loadedAt=" + this.loadedAt + "]";
    }

}
