package com.acme.auth;

import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What signing in at Acme Identity gave: the values later requests for the user need, such as a token.
 * <p>
 * It lives in the server-side session only, never in a cookie, and {@link #toString()} names the values without
 * showing them. Two service sessions with the same values are equal, so that requests holding the
 * same expired session share one refresh (see {@link AcmeSessionRefresher}).
 */
public final class AcmeServiceSession implements Serializable {

    /** The value that holds when the access token expires, in epoch seconds, as the client computed it. */
    public static final String EXPIRES_AT = "expires_at";

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

    /**
     * Whether the access token has expired, as the deadline the service gave ({@code expires_in}) says.
     * @param now the current instant
     * @return false when the service gave no deadline: then only a refused request tells
     */
    public boolean hasExpired(Instant now) {
        String deadline = this.values.get(EXPIRES_AT);
        return deadline != null && now.getEpochSecond() >= Long.parseLong(deadline);
    }

    @Override
    public boolean equals(Object other) {
        return this == other
                || (other instanceof AcmeServiceSession session && this.values.equals(session.values));
    }

    @Override
    public int hashCode() {
        return this.values.hashCode();
    }

    /**
     * A SHA-256 digest of the values, which names this session where no token may appear, such as in a key in Redis.
     * @return the digest, in hexadecimal
     */
    String digest() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(this.values).forEach((name, value) -> {
                sha256.update((name + '\0' + value + '\0').getBytes(StandardCharsets.UTF_8));
            });
            return HexFormat.of().formatHex(sha256.digest());
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java platform has SHA-256", ex);
        }
    }

    @Override
    public String toString() {
        return "AcmeServiceSession" + new TreeSet<>(this.values.keySet());
    }

}
