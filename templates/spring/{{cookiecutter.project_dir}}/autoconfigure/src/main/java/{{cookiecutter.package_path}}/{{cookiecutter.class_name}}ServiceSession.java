{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.Serial;
import java.io.Serializable;
{%- if cookiecutter.has_refresh %}
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
{%- endif %}
{%- if cookiecutter.session_expires %}
import java.time.Instant;
{%- endif %}
{%- if cookiecutter.has_refresh %}
import java.util.HexFormat;
{%- endif %}
import java.util.Map;
{%- if cookiecutter.has_refresh %}
import java.util.TreeMap;
{%- endif %}
import java.util.TreeSet;

/**
{% filter javawrap %}What signing in at {{ cookiecutter.service_name | javadoc }} gave: the values later requests for the user
need, such as a token.{% endfilter %}
 * <p>
 * It lives in the server-side session only, never in a cookie, and {@link #toString()} names the values without
 * showing them.
{%- if cookiecutter.has_refresh %} Two service sessions with the same values are equal, so that requests holding the
 * same expired session share one refresh (see {@link {{ N }}SessionRefresher}).
{%- endif %}
 */
public final class {{ N }}ServiceSession implements Serializable {
{%- if cookiecutter.session_expires %}

    /** The value that holds when the access token expires, in epoch seconds, as the client computed it. */
    public static final String EXPIRES_AT = "expires_at";
{%- endif %}

    @Serial
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // a Map.copyOf, which is serializable
    private final Map<String, String> values;

    /**
     * A service session.
     * @param values the values the sign-in extracted, by the names the spec gives them
     */
    public {{ N }}ServiceSession(Map<String, String> values) {
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
{%- if cookiecutter.session_expires %}

    /**
     * Whether the access token has expired, as the deadline the service gave ({@code expires_in}) says.
     * @param now the current instant
     * @return false when the service gave no deadline: then only a refused request tells
     */
    public boolean hasExpired(Instant now) {
        String deadline = this.values.get(EXPIRES_AT);
        return deadline != null && now.getEpochSecond() >= Long.parseLong(deadline);
    }
{%- endif %}
{%- if cookiecutter.has_refresh %}

    @Override
    public boolean equals(Object other) {
        return this == other
                || (other instanceof {{ N }}ServiceSession session && this.values.equals(session.values));
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
{%- endif %}

    @Override
    public String toString() {
        return "{{ N }}ServiceSession" + new TreeSet<>(this.values.keySet());
    }

}
