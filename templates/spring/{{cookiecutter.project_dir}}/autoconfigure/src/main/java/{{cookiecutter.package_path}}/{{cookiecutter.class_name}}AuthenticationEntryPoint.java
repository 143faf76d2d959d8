{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a request that needs a signed-in user and has none: browsers are sent to the login page, with
 * {@code next} saying where to come back to; API clients get 401 with the JSON error body, never a redirect. Who is
 * which, {@link Negotiation} decides, as for the integration's routes.
 */
public class {{ N }}AuthenticationEntryPoint implements AuthenticationEntryPoint {

    private final {{ N }}Properties properties;

    /**
     * An entry point for the integration's routes.
     * @param properties the integration's properties
     */
    public {{ N }}AuthenticationEntryPoint({{ N }}Properties properties) {
        this.properties = properties;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException authException) throws IOException {
        if (jsonOnly(request) || Negotiation.answer(request, Negotiation.Answer.HTML) != Negotiation.Answer.HTML) {
            JsonAnswers.write(response, HttpServletResponse.SC_UNAUTHORIZED,
                    JsonAnswers.error("unauthorized", {{ cookiecutter.messages.error.unauthorized | java }}));
            return;
        }
        String query = request.getQueryString();
        String path = request.getRequestURI() + ((query != null) ? "?" + query : "");
        String next = {{ N }}AuthController.safeNext(path);
        String login = request.getContextPath() + this.properties.getRoutePrefix() + "/login";
        if (next == null) {
            // a path the login page would not follow back to, such as one too long for a Location header
            response.sendRedirect(login);
            return;
        }
        response.sendRedirect(login + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
    }

    /** The routes that only ever answer JSON: {@code me} and {@code csrf}. */
    private boolean jsonOnly(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String prefix = this.properties.getRoutePrefix();
        return path.equals(prefix + "/me") || path.equals(prefix + "/csrf");
    }

}
