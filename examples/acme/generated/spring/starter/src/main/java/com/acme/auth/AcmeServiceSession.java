package com.acme.auth;

import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeSet;

/**
 * What signing in at Acme Identity gave: the values later requests for the user need, such as a token.
 * <p>
 * It lives in the server-side session only, never in a cookie, and {@link #toString()} names the values without
 * showing them.
 */
public final class AcmeServiceSession implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // a Map.copyOf, which is serializable
    private final Map<String, String> values;

    /**
     * A service session.
     * @param values the values the sign-in extracted, by the names the spec gives them
     */
    public AcmeServiceSession(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * One of the values.
     * @param name its name in the spec, such as {@code token}
     * @return the value
     * @throws IllegalStateException when the sign-in did not extract it
     */
    public String value(String name) {
        String value = this.values.get(name);
        if (value == null) {
            throw new IllegalStateException("The service session has no value named " + name);
        }
        return value;
    }

    @Override
    public String toString() {
        return "AcmeServiceSession" + new TreeSet<>(this.values.keySet());
    }

}
