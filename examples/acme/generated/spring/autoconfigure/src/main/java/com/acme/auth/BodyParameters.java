package com.acme.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose parameters are those of its form body only, never of its query string.
 * <p>
 * {@code getParameter} merges both, so a value could travel in a URL (a link anyone can send, which also lands in
 * logs, history and {@code Referer} headers) and fill a field the form left out. Reading the body directly would use it
 * up before the controller; instead the values the query string carries are left out: the servlet API lists them
 * before the body's.
 */
final class BodyParameters extends HttpServletRequestWrapper {

    /**
     * The request's body parameters.
     * @param request the request
     */
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
