{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Answers the requests the integration's routes cannot serve with the contract's JSON error body: a wrong method
 * (405), an {@code Accept} a route cannot produce (406), a body it cannot read (415, 400), a route that does not
 * exist (404).
 * <p>
 * It acts on the integration's routes only; the rest of the application keeps Spring's own error handling.
 */
public class {{ N }}ErrorResolver implements HandlerExceptionResolver, Ordered {

    private static final Log logger = LogFactory.getLog({{ N }}ErrorResolver.class);

    private final {{ N }}Properties properties;

    /**
     * A resolver for the routes under {@code {{ cookiecutter.slug }}.route-prefix}.
     * @param properties the integration's properties
     */
    public {{ N }}ErrorResolver({{ N }}Properties properties) {
        this.properties = properties;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        if (!isOwnRoute(request)) {
            return null;
        }
        try {
{%- if not cookiecutter.is_oidc %}
            if (ex instanceof InvalidRequest invalid) {
                return answer(response, invalid.status(), invalid.code(), invalid.getMessage());
            }
{%- endif %}
            if (ex instanceof HttpRequestMethodNotSupportedException notSupported) {
                Set<HttpMethod> allowed = notSupported.getSupportedHttpMethods();
                if (allowed != null) {
                    response.setHeader("Allow", allowed.stream().map(HttpMethod::name).sorted()
                            .collect(Collectors.joining(", ")));
                }
                return answer(response, 405, "method_not_allowed",
                        {{ cookiecutter.messages.error.method_not_allowed | java }});
            }
            if (ex instanceof HttpMediaTypeNotAcceptableException) {
                return answer(response, 406, "not_acceptable",
                        {{ cookiecutter.messages.error.not_acceptable | java }});
            }
            if (ex instanceof HttpMediaTypeNotSupportedException) {
                return answer(response, 415, "unsupported_media_type",
                        {{ cookiecutter.messages.error.unsupported_media_type | java }});
            }
            if (ex instanceof NoResourceFoundException) {
                return answer(response, 404, "not_found", "There is no such route.");
            }
        }
        catch (IOException io) {
            logger.debug("Could not write the error answer", io);
            return new ModelAndView();
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    private ModelAndView answer(HttpServletResponse response, int status, String code, String message)
            throws IOException {
        JsonAnswers.write(response, status, JsonAnswers.error(code, message));
        return new ModelAndView();
    }

    private boolean isOwnRoute(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String prefix = this.properties.getRoutePrefix();
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

}
