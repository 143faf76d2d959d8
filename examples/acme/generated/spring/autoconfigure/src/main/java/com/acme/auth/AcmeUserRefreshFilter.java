package com.acme.auth;

import java.io.IOException;
import java.io.Serial;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import com.acme.auth.AcmeServiceException.Expired;
import com.acme.auth.AcmeServiceException.InvalidCredentials;
import com.acme.auth.AcmeServiceException.ServiceUnavailable;

/**
 * Keeps the signed-in user current: within {@code acme.session-ttl} of fetching it, a request costs no call to
 * the service; the first request after it fetches the user again.
 * <p>
 * A user the service no longer knows or has disabled, or whose service session it refuses, is signed out and the
 * request goes on anonymous. When the service is down, slow or confused, the request fails closed with 503 instead of
 * going on as a user who may no longer exist.
 * <p>
 * Before fetching the user, an access token whose deadline has passed is renewed with the service's refresh
 * operation; a token the service refuses anyway is renewed once and the user fetched again. Concurrent requests of
 * one user share one renewal ({@link AcmeSessionRefresher}). When the renewal fails, for whatever reason,
 * the user is signed out and the request goes on anonymous: a browser is sent to the login page, an API client gets
 * 401.
 */
public class AcmeUserRefreshFilter extends OncePerRequestFilter {

    private final AcmeClient client;

    private final AcmeProperties properties;

    private final Clock clock;

    private final SecurityContextRepository repository;

    private final AcmePages pages;

    private final AcmeSessionRefresher refresher;

    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    /**
     * A filter that refreshes users with the given client.
     * @param client the service's client
     * @param properties the integration's properties
     * @param clock the clock the TTL and the access token's deadline are measured with
     * @param repository where the security context is saved
     * @param pages renders the error page
     * @param refresher renews expired service sessions
     */
    public AcmeUserRefreshFilter(AcmeClient client, AcmeProperties properties, Clock clock,
            SecurityContextRepository repository, AcmePages pages, AcmeSessionRefresher refresher) {
        this.client = client;
        this.properties = properties;
        this.clock = clock;
        this.repository = repository;
        this.pages = pages;
        this.refresher = refresher;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = this.holder.getContext().getAuthentication();
        Instant now = this.clock.instant();
        if (authentication instanceof AcmeAuthenticationToken token
                && token.isStale(now, this.properties.getSessionTtl()) && !isLogout(request)) {
            try {
                // the requests of this session that arrive together share one update
                Update update = this.refresher.update(token.getServiceSession(), () -> update(token, now));
                AcmeUser user = AcmeUser.fromRecord(update.record());
                if (user.isActive()) {
                    save(new AcmeAuthenticationToken(user, update.session(), now), request, response);
                }
                else {
                    signOut(request, response, authentication, "the account is disabled");
                }
            }
            catch (RenewalFailed ex) {
                signOut(request, response, authentication, "refresh: " + ex.getCause().getCode());
            }
            catch (UnavailableAfterRenewal ex) {
                this.logger.warn("Refreshing the signed-in user failed: " + ex.getMessage());
                // keep the renewed session (the old refresh token may no longer work), with the user still stale
                AcmeUser user = token.getPrincipal();
                save(new AcmeAuthenticationToken(user, ex.session, token.getLoadedAt()), request, response);
                failClosed(request, response, ex.getCause());
                return;
            }
            catch (ServiceUnavailable ex) {
                this.logger.warn("Refreshing the signed-in user failed: " + ex.getMessage());
                failClosed(request, response, ex);
                return;
            }
            catch (AcmeServiceException ex) {
                // the service refused the session (ended, user gone or disabled): it signs nobody in any more
                signOut(request, response, authentication, ex.getCode());
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * Fetch the user, renewing the service session first when its deadline has passed, and once more when the
     * service refuses it anyway.
     */
    private Update update(AcmeAuthenticationToken token, Instant now) {
        AcmeServiceSession session = token.getServiceSession();
        if (session.hasExpired(now)) {
            session = renew(session);
        }
        try {
            try {
                return new Update(session, this.client.getUser(session));
            }
            catch (Expired | InvalidCredentials ex) {
                // refused before its deadline (or the service gives none): renew it, and ask once more
                session = renew(session);
                return new Update(session, this.client.getUser(session));
            }
        }
        catch (ServiceUnavailable ex) {
            if (session.equals(token.getServiceSession())) {
                throw ex;
            }
            throw new UnavailableAfterRenewal(session, ex);
        }
    }

    /** Renew the service session; any failure, the service being down included, ends the sign-in. */
    private AcmeServiceSession renew(AcmeServiceSession session) {
        try {
            return this.refresher.refresh(session);
        }
        catch (AcmeServiceException ex) {
            throw new RenewalFailed(ex);
        }
    }

    private boolean isLogout(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return "POST".equals(request.getMethod()) && path.equals(this.properties.getRoutePrefix() + "/logout");
    }

    private void save(AcmeAuthenticationToken token, HttpServletRequest request, HttpServletResponse response) {
        SecurityContext context = this.holder.createEmptyContext();
        context.setAuthentication(token);
        this.holder.setContext(context);
        this.repository.saveContext(context, request, response);
    }

    private void signOut(HttpServletRequest request, HttpServletResponse response, Authentication authentication,
            String reason) {
        this.logger.info("Signed out a user the service no longer accepts (" + reason + ")");
        SecurityContextLogoutHandler logout = new SecurityContextLogoutHandler();
        logout.setSecurityContextRepository(this.repository);
        logout.logout(request, response, authentication);
    }

    private void failClosed(HttpServletRequest request, HttpServletResponse response, AcmeServiceException ex)
            throws IOException {
        if (Negotiation.answerForPost(request) == Negotiation.Answer.HTML) {
            this.pages.render(this.properties.getPages().getError(), request, response, ex.getStatus(),
                    Map.of("title", "Something went wrong", "message", ex.getPublicMessage()));
            return;
        }
        JsonAnswers.write(response, ex.getStatus(), JsonAnswers.error(ex.getCode(), ex.getPublicMessage()));
    }

    /** What an update gave: the service session (renewed or not), and the user record fetched with it. */
    private record Update(AcmeServiceSession session, JsonNode record) {
    }

    /** The service failed after the session was renewed: the renewed session is kept all the same. */
    private static final class UnavailableAfterRenewal extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("serial") // never serialized: it lives for one request
        private final AcmeServiceSession session;

        UnavailableAfterRenewal(AcmeServiceSession session, ServiceUnavailable cause) {
            super(cause.getMessage(), cause);
            this.session = session;
        }

        @Override
        public synchronized ServiceUnavailable getCause() {
            return (ServiceUnavailable) super.getCause();
        }

    }

    /** The service session could not be renewed: the user is signed out, never answered 503 again and again. */
    private static final class RenewalFailed extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        RenewalFailed(AcmeServiceException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized AcmeServiceException getCause() {
            return (AcmeServiceException) super.getCause();
        }

    }

}
