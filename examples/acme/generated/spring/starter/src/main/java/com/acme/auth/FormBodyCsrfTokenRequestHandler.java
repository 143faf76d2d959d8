package com.acme.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * Spring Security's default CSRF token handling (tokens masked against BREACH), except where the token is read: from
 * the header, or from the form field of a form's body, never from the query string.
 * <p>
 * The default reads the field with {@code getParameter}, which also sees the query string, so a token could travel in
 * a URL (and from there into logs, history and {@code Referer} headers). Reading the body directly would use it up
 * before the controller; instead the field's values from the query string are left out: the servlet API lists them
 * before the body's.
 */
final class FormBodyCsrfTokenRequestHandler implements CsrfTokenRequestHandler {

    private final XorCsrfTokenRequestAttributeHandler delegate = new XorCsrfTokenRequestAttributeHandler();

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> csrfToken) {
        this.delegate.handle(request, response, csrfToken);
    }

    @Override
    public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken csrfToken) {
        return this.delegate.resolveCsrfTokenValue(new BodyParameters(request), csrfToken);
    }

    /** The request with only the parameters of its body. */
    private static final class BodyParameters extends HttpServletRequestWrapper {

        BodyParameters(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getParameter(String name) {
            String[] values = getParameterValues(name);
            return (values != null && values.length > 0) ? values[0] : null;
        }

        @Override
        public String[] getParameterValues(String name) {
            String[] all = super.getParameterValues(name);
            if (all == null) {
                return null;
            }
            String[] body = Arrays.copyOfRange(all, Math.min(inQuery(name), all.length), all.length);
            return (body.length > 0) ? body : null;
        }

        /** How many times the query string carries the parameter. */
        private int inQuery(String name) {
            String query = getQueryString();
            if (query == null) {
                return 0;
            }
            int count = 0;
            for (String pair : query.split("&")) {
                String key = pair.split("=", 2)[0];
                try {
                    if (name.equals(URLDecoder.decode(key, StandardCharsets.UTF_8))) {
                        count++;
                    }
                }
                catch (IllegalArgumentException ex) {
                    // a malformed name, which the servlet container skips too
                }
            }
            return count;
        }

    }

}
