{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.IOException;
{%- if cookiecutter.has_refresh %}
import java.io.Serial;
{%- endif %}
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
{%- if cookiecutter.has_refresh %}
import tools.jackson.databind.JsonNode;
{%- endif %}

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

{%- if cookiecutter.has_refresh %}
import {{ cookiecutter.package }}.{{ N }}ServiceException.Expired;
import {{ cookiecutter.package }}.{{ N }}ServiceException.InvalidCredentials;
{%- endif %}
import {{ cookiecutter.package }}.{{ N }}ServiceException.ServiceUnavailable;

/**
 * Keeps the signed-in user current: within {@code {{ cookiecutter.slug }}.session-ttl} of fetching it, a request costs no call to
 * the service; the first request after it fetches the user again.
 * <p>
 * A user the service no longer knows or has disabled, or whose service session it refuses, is signed out and the
 * request goes on anonymous. When the service is down, slow or confused, the request fails closed with 503 instead of
 * going on as a user who may no longer exist.
{%- if cookiecutter.has_refresh %}
 * <p>
 * Before fetching the user, an access token whose deadline has passed is renewed with the service's refresh
 * operation; a token the service refuses anyway is renewed once and the user fetched again. Concurrent requests of
 * one user share one renewal ({@link {{ N }}SessionRefresher}). When the renewal fails, for whatever reason,
 * the user is signed out and the request goes on anonymous: a browser is sent to the login page, an API client gets
 * 401.
{%- endif %}
 */
public class {{ N }}UserRefreshFilter extends OncePerRequestFilter {

    private final {{ N }}Client client;

    private final {{ N }}Properties properties;

    private final Clock clock;

    private final SecurityContextRepository repository;

    private final {{ N }}Pages pages;
{%- if cookiecutter.has_refresh %}

    private final {{ N }}SessionRefresher refresher;
{%- endif %}

    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    /**
     * A filter that refreshes users with the given client.
     * @param client the service's client
     * @param properties the integration's properties
     * @param clock the clock the TTL{% if cookiecutter.has_refresh %} and the access token's deadline are{% else %} is{% endif %} measured with
     * @param repository where the security context is saved
     * @param pages renders the error page
{%- if cookiecutter.has_refresh %}
     * @param refresher renews expired service sessions
{%- endif %}
     */
    public {{ N }}UserRefreshFilter({{ N }}Client client, {{ N }}Properties properties, Clock clock,
            SecurityContextRepository repository, {{ N }}Pages pages{% if cookiecutter.has_refresh %}, {{ N }}SessionRefresher refresher{% endif %}) {
        this.client = client;
        this.properties = properties;
        this.clock = clock;
        this.repository = repository;
        this.pages = pages;
{%- if cookiecutter.has_refresh %}
        this.refresher = refresher;
{%- endif %}
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = this.holder.getContext().getAuthentication();
        Instant now = this.clock.instant();
        if (authentication instanceof {{ N }}AuthenticationToken token
                && token.isStale(now, this.properties.getSessionTtl()) && !isLogout(request)) {
{%- if cookiecutter.has_refresh %}
            try {
                // the requests of this session that arrive together share one update
                Update update = this.refresher.update(token.getServiceSession(), () -> update(token, now));
                {{ N }}User user = {{ N }}User.fromRecord(update.record());
                if (user.isActive()) {
                    save(new {{ N }}AuthenticationToken(user, update.session(), now), request, response);
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
                {{ N }}User user = token.getPrincipal();
                save(new {{ N }}AuthenticationToken(user, ex.session, token.getLoadedAt()), request, response);
                failClosed(request, response, ex.getCause());
                return;
            }
            catch (ServiceUnavailable ex) {
                this.logger.warn("Refreshing the signed-in user failed: " + ex.getMessage());
                failClosed(request, response, ex);
                return;
            }
{%- else %}
            try {
                {{ N }}User user = {{ N }}User.fromRecord(this.client.getUser(token.getServiceSession()));
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
{%- endif %}
            catch ({{ N }}ServiceException ex) {
                // the service refused the session (ended, user gone or disabled): it signs nobody in any more
                signOut(request, response, authentication, ex.getCode());
            }
        }
        chain.doFilter(request, response);
    }

{%- if cookiecutter.has_refresh %}

    /**
     * Fetch the user, renewing the service session first when its deadline has passed, and once more when the
     * service refuses it anyway.
     */
    private Update update({{ N }}AuthenticationToken token, Instant now) {
        {{ N }}ServiceSession session = token.getServiceSession();
{%- if cookiecutter.session_expires %}
        if (session.hasExpired(now)) {
            session = renew(session);
        }
{%- endif %}
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
    private {{ N }}ServiceSession renew({{ N }}ServiceSession session) {
        try {
            return this.refresher.refresh(session);
        }
        catch ({{ N }}ServiceException ex) {
            throw new RenewalFailed(ex);
        }
    }
{%- endif %}

    private boolean isLogout(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return "POST".equals(request.getMethod()) && path.equals(this.properties.getRoutePrefix() + "/logout");
    }

    private void save({{ N }}AuthenticationToken token, HttpServletRequest request, HttpServletResponse response) {
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

    private void failClosed(HttpServletRequest request, HttpServletResponse response, {{ N }}ServiceException ex)
            throws IOException {
        if (Negotiation.answerForPost(request) == Negotiation.Answer.HTML) {
            this.pages.render(this.properties.getPages().getError(), request, response, ex.getStatus(),
                    Map.of("title", {{ cookiecutter.messages.error_title | java }}, "message", ex.getPublicMessage()));
            return;
        }
        JsonAnswers.write(response, ex.getStatus(), JsonAnswers.error(ex.getCode(), ex.getPublicMessage()));
    }
{%- if cookiecutter.has_refresh %}

    /** What an update gave: the service session (renewed or not), and the user record fetched with it. */
    private record Update({{ N }}ServiceSession session, JsonNode record) {
    }

    /** The service failed after the session was renewed: the renewed session is kept all the same. */
    private static final class UnavailableAfterRenewal extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("serial") // never serialized: it lives for one request
        private final {{ N }}ServiceSession session;

        UnavailableAfterRenewal({{ N }}ServiceSession session, ServiceUnavailable cause) {
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

        RenewalFailed({{ N }}ServiceException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized {{ N }}ServiceException getCause() {
            return ({{ N }}ServiceException) super.getCause();
        }

    }
{%- endif %}

}
