{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/**
 * Answers a request that may not go on: 403, with the JSON error body for API clients and a page for browsers.
 * <p>
 * A post without a valid CSRF token is {@code csrf_failed} and gets a page that says the form expired and links back
 * to it (the session is usually fine: the form is older than its token); a signed-in user who lacks a role is
 * {@code forbidden} and gets the forbidden page.
 */
public class {{ N }}AccessDeniedHandler implements AccessDeniedHandler {

    /** What a post without a valid CSRF token is told. */
    public static final String CSRF_MESSAGE = {{ cookiecutter.messages.error.csrf_failed | java }};

    private final {{ N }}Properties properties;

    private final {{ N }}Pages pages;

    /**
     * A handler that renders the integration's pages.
     * @param properties the integration's properties
     * @param pages renders the pages
     */
    public {{ N }}AccessDeniedHandler({{ N }}Properties properties, {{ N }}Pages pages) {
        this.properties = properties;
        this.pages = pages;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
            AccessDeniedException accessDeniedException) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        boolean csrf = accessDeniedException instanceof CsrfException;
        int status = HttpServletResponse.SC_FORBIDDEN;
        if (Negotiation.answerForPost(request) == Negotiation.Answer.HTML) {
            if (csrf) {
                Map<String, Object> model = Map.of("title", {{ cookiecutter.messages.csrf_title | java }}, "message", CSRF_MESSAGE,
                        "again", again(request), "againLabel", {{ cookiecutter.messages.csrf_retry | java }});
                this.pages.render(this.properties.getPages().getError(), request, response, status, model);
            }
            else {
                this.pages.render(this.properties.getPages().getForbidden(), request, response, status, Map.of());
            }
            return;
        }
        JsonAnswers.write(response, status, csrf ? JsonAnswers.error("csrf_failed", CSRF_MESSAGE)
                : JsonAnswers.error("forbidden", {{ cookiecutter.messages.error.forbidden | java }}));
    }

    /** Where a fresh form is: the page the form was posted to, with its query; home for the sign-out form. */
    private String again(HttpServletRequest request) {
        String base = request.getContextPath() + this.properties.getRoutePrefix();
        if (request.getRequestURI().equals(base + "/logout")) {
            return request.getContextPath() + "/";
        }
        String query = request.getQueryString();
        return (query == null) ? request.getRequestURI() : request.getRequestURI() + "?" + query;
    }

}
