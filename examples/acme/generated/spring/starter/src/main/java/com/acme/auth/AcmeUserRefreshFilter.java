package com.acme.auth;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

import com.acme.auth.AcmeServiceException.ServiceUnavailable;

/**
 * Keeps the signed-in user current: within {@code acme.session-ttl} of fetching it, a request costs no call to
 * the service; the first request after it fetches the user again.
 * <p>
 * A user the service no longer knows or has disabled, or whose service session it refuses, is signed out and the
 * request goes on anonymous. When the service is down, slow or confused, the request fails closed with 503 instead of
 * going on as a user who may no longer exist.
 */
public class AcmeUserRefreshFilter extends OncePerRequestFilter {

    private final AcmeClient client;

    private final AcmeProperties properties;

    private final Clock clock;

    private final SecurityContextRepository repository;

    private final AcmePages pages;

    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    /**
     * A filter that refreshes users with the given client.
     * @param client the service's client
     * @param properties the integration's properties
     * @param clock the clock the TTL is measured with
     * @param repository where the security context is saved
     * @param pages renders the error page
     */
    public AcmeUserRefreshFilter(AcmeClient client, AcmeProperties properties, Clock clock,
            SecurityContextRepository repository, AcmePages pages) {
        this.client = client;
        this.properties = properties;
        this.clock = clock;
        this.repository = repository;
        this.pages = pages;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = this.holder.getContext().getAuthentication();
        Instant now = this.clock.instant();
        if (authentication instanceof AcmeAuthenticationToken token
                && token.isStale(now, this.properties.getSessionTtl()) && !isLogout(request)) {
            try {
                AcmeUser user = AcmeUser.fromRecord(this.client.getUser(token.getServiceSession()));
                if (user.isActive()) {
                    save(token.refreshed(user, now), request, response);
                }
                else {
                    signOut(request, response, authentication, "the account is disabled");
                }
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

}
