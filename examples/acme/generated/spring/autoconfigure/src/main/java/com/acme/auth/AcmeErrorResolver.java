package com.acme.auth;

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
public class AcmeErrorResolver implements HandlerExceptionResolver, Ordered {

    private static final Log logger = LogFactory.getLog(AcmeErrorResolver.class);

    private final AcmeProperties properties;

    /**
     * A resolver for the routes under {@code acme.route-prefix}.
     * @param properties the integration's properties
     */
    public AcmeErrorResolver(AcmeProperties properties) {
        this.properties = properties;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        if (!isOwnRoute(request)) {
            return null;
        }
        try {
            if (ex instanceof InvalidRequest invalid) {
                return answer(response, invalid.status(), invalid.code(), invalid.getMessage());
            }
            if (ex instanceof HttpRequestMethodNotSupportedException notSupported) {
                Set<HttpMethod> allowed = notSupported.getSupportedHttpMethods();
                if (allowed != null) {
                    response.setHeader("Allow", allowed.stream().map(HttpMethod::name).sorted()
                            .collect(Collectors.joining(", ")));
                }
                return answer(response, 405, "method_not_allowed",
                        "This route does not answer this HTTP method.");
            }
            if (ex instanceof HttpMediaTypeNotAcceptableException) {
                return answer(response, 406, "not_acceptable",
                        "This route cannot answer in a format the client accepts.");
            }
            if (ex instanceof HttpMediaTypeNotSupportedException) {
                return answer(response, 415, "unsupported_media_type",
                        "Send application/json or an HTML form (application/x-www-form-urlencoded).");
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
