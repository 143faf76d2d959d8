{%- set PREFIX = cookiecutter.config_prefix -%}
package {{ cookiecutter.example_package }};

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
{%- if cookiecutter.email_links %}
import java.net.URLEncoder;
{%- endif %}
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
{% filter javawrap %}The identity service the smoke tests talk to, and the fake's control endpoints when it is the fake.{% endfilter %}
 * <p>
{% filter javawrap %}By default it is the fake {{ cookiecutter.service_name | javadoc }} that ships with the package ({@code src/test/fake}),
run as a child process: {@code python3 -m fake fake/spec.json --port 0}. It is started once for all tests and stopped
when the JVM exits; {@code PYTHON} names another interpreter than {@code python3}. Its control endpoints under
{@code /__fake__/} count calls, inject faults and disable or delete users.{% endfilter %}
 * <p>
{% filter javawrap %}With {@code {{ PREFIX }}_TEST_BASE_URL} set, the tests talk to the service at that URL instead and no fake is
started. Each other setting of the application is then {@code {{ PREFIX }}_TEST_<NAME>} (the setting's name in the spec,
in capitals) when that variable is set, else the value the fake expects (see {@link #setting}). A real service cannot
be steered, so the tests that need the control endpoints are skipped, never passed. The tests then sign
in as the users {@code {{ PREFIX }}_TEST_USERS} gives (see {@link #testUser}), and check only what it says about them.{% endfilter %}
 */
final class IdentityService {

    /** The environment variable that points the tests at a real service. */
    static final String REAL_SERVICE_ENV = "{{ PREFIX }}_TEST_BASE_URL";

    /** The environment variable with the users of a real deployment: JSON, or the path of a JSON file. */
    static final String TEST_USERS_ENV = "{{ PREFIX }}_TEST_USERS";

    /** What {@link #expectedMe} takes from a test user, to check exactly. */
    private static final List<String> KNOWN = List.of("id", "email", "first_name", "last_name");

    private static final JsonMapper JSON = JsonMapper.shared();

    private static IdentityService current;

    private final String url;

    private final boolean steerable;

    private final HttpClient http = HttpClient.newHttpClient();

    private IdentityService(String url, boolean steerable) {
        this.url = url;
        this.steerable = steerable;
    }

    /**
     * The service of this test run: the one {@value #REAL_SERVICE_ENV} names, else the fake, started on first use.
     * @return the service
     */
    static synchronized IdentityService get() {
        if (current == null) {
            String real = System.getenv(REAL_SERVICE_ENV);
            current = (real == null || real.isEmpty()) ? startFake() : new IdentityService(real, false);
        }
        return current;
    }

    /**
     * A setting of the application under test, besides the base URL.
     * @param env the environment variable that sets it for the tests: {@code {{ PREFIX }}_TEST_<NAME>}
     * @param fakeValue the value the fake expects
     * @return the variable's value when it is set, else {@code fakeValue}
     */
    static String setting(String env, String fakeValue) {
        return System.getenv().getOrDefault(env, fakeValue);
    }

    /**
{% filter javawrap("     * ") %}A user of the real deployment, from {@value #TEST_USERS_ENV}: JSON, or the path of a JSON file. Keys say what each user is for: {@code admin} has the role that guards {@code /admin} ({{ cookiecutter.guard_role | javadoc }}), {@code user} lacks it, {@code disabled} is a disabled account. Each gives {@code username} and {@code password}; {@code roles}, the roles the user must have at least (the service may add its own); and optionally {@code id}, {@code email}, {@code first_name} or {@code last_name} to check exactly.{% endfilter %}
     * <pre>{@code
     * {"admin": {"username": "ada", "password": "...", "roles": ["{{ cookiecutter.guard_role | javadoc }}"]},
     *  "user": {"username": "alan", "password": "...", "roles": []},
     *  "disabled": {"username": "dana", "password": "..."}}
     * }</pre>
     * @param key what the user is for
     * @return the user, or empty against the fake (the fixtures hold its users)
     */
    static Optional<JsonNode> testUser(String key) {
        String real = System.getenv(REAL_SERVICE_ENV);
        if (real == null || real.isEmpty()) {
            return Optional.empty();
        }
        String config = System.getenv().getOrDefault(TEST_USERS_ENV, "");
        if (config.isBlank()) {
            throw new IllegalStateException(REAL_SERVICE_ENV + " names a real service: set " + TEST_USERS_ENV);
        }
        try {
            String text = config.strip().startsWith("{") ? config : Files.readString(Path.of(config));
            JsonNode user = JSON.readTree(text).get(key);
            if (user == null && List.of("admin", "user", "disabled").contains(key)) {
                throw new IllegalStateException(TEST_USERS_ENV + " has no " + key + " user");
            }
            return Optional.ofNullable(user);
        }
        catch (IOException ex) {
            throw new IllegalStateException(TEST_USERS_ENV + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * What {@code me} must show for a test user: its username, the roles it has at least, and what else it gives.
     * @param user a user {@link #testUser} returned
     * @return those properties, as JSON
     */
    static String expectedMe(JsonNode user) {
        Map<String, Object> me = new LinkedHashMap<>();
        for (String name : KNOWN) {
            if (user.has(name)) {
                me.put(name, user.get(name));
            }
        }
        me.put("username", user.get("username"));
        me.put("roles", user.has("roles") ? user.get("roles") : List.of());
        return JSON.writeValueAsString(me);
    }

    /**
     * How long the application waits for the service: short against the fake, whose delay faults are longer; the
     * spec's own against a real service, which may well take a second under load.
     * @return the {@code {{ cookiecutter.slug }}.timeout} property
     */
    static String timeout() {
        String real = System.getenv(REAL_SERVICE_ENV);
        return (real == null || real.isEmpty()) ? "1s" : specTimeout();
    }

    /**
     * The spec's own service timeout, for tests whose calls must not time out even against the fake (many sign-ins
     * at once).
     * @return the {@code {{ cookiecutter.slug }}.timeout} property
     */
    static String specTimeout() {
        return "{{ (cookiecutter.timeout_s * 1000) | int }}ms";
    }

    private static IdentityService startFake() {
        String python = System.getenv().getOrDefault("PYTHON", "python3");
        ProcessBuilder builder = new ProcessBuilder(python, "-m", "fake", "fake/spec.json", "--port", "0")
            .directory(Path.of("src", "test").toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process process = builder.start();
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
            if (first == null || !first.startsWith("fake listening on ")) {
                process.destroy();
                throw new IllegalStateException("The fake identity service did not start; it said: " + first);
            }
            Thread drain = new Thread(() -> drain(out), "fake-identity-service-output");
            drain.setDaemon(true);
            drain.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-fake-identity-service"));
            return new IdentityService(first.substring("fake listening on ".length()).strip(), true);
        }
        catch (IOException | ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Cannot start the fake identity service with " + python, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the fake identity service", ex);
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        }
        catch (IOException ex) {
            return null;
        }
    }

    private static void drain(BufferedReader reader) {
        while (readLine(reader) != null) {
            // the fixture users it lists; nothing more unless it runs with --verbose
        }
    }

    /**
     * Where the service listens: the base URL the integration is configured with.
     * @return the URL, such as {@code http://127.0.0.1:54321}
     */
    String url() {
        return this.url;
    }

    /**
     * Whether this is the bundled fake, whose control endpoints the tests can use.
     * @return {@code false} for a real service
     */
    boolean steerable() {
        return this.steerable;
    }

    /** Forget counts, faults and changes to the users. */
    void reset() {
        call("POST", "reset", null);
    }

    /**
     * Make an operation fail.
     * @param operation the spec's operation, such as {@code login}
     * @param fault what to do: {@code Map.of("status", 503)}, {@code Map.of("delay", 2)}, {@code Map.of("drop", true)}
     */
    void fault(String operation, Map<String, Object> fault) {
        Map<String, Object> body = new LinkedHashMap<>(fault);
        body.put("operation", operation);
        call("POST", "faults", body);
    }

    void disable(String key) {
        call("POST", "users/" + key + "/disable", null);
    }

    void delete(String key) {
        call("DELETE", "users/" + key, null);
    }

    /**
     * How often an operation was called since the last reset.
     * @param operation the spec's operation
     * @return the count
     */
    int count(String operation) {
        JsonNode count = call("GET", "calls", null).get(operation);
        return (count == null) ? 0 : count.intValue();
    }

    /**
     * Every value (token, id, link) the fake handed out since the last reset.
     * @return the values
     */
    List<String> issued() {
        List<String> values = new ArrayList<>();
        for (JsonNode item : call("GET", "calls", null).path("issued").values()) {
            values.add(item.path("value").asString());
        }
        return values;
    }

{%- if cookiecutter.has_refresh %}

    /**
     * Make the access tokens the fake issues from now on expire after this long (a reset restores its default).
     * @param seconds their lifetime
     */
    void tokenLifetime(int seconds) {
        call("POST", "tokens", Map.of("ttl", seconds));
    }

    /**
     * Make a user's current access tokens expire now.
     * @param key the fixture user's key, such as {@code user}
     */
    void expireTokens(String key) {
        call("POST", "users/" + key + "/expire", null);
    }
{%- endif %}
{%- if cookiecutter.has_logout %}

    /**
     * How many service sessions a user has open at the fake.
     * @param key the fixture user's key
     * @return the count
     */
    int sessions(String key) {
        JsonNode count = call("GET", "sessions", null).get(key);
        return (count == null) ? 0 : count.intValue();
    }
{%- endif %}
{%- if cookiecutter.email_links %}

    /**
     * The token of the newest mail the fake sent a user.
     * @param key the fixture user's key
     * @param kind {@code reset} or {@code verify}
     * @return the token its link carries
     */
    String mailedToken(String key, String kind) {
        String token = null;
        for (JsonNode mail : call("GET", "outbox", null).values()) {
            if (key.equals(mail.path("user").asString()) && kind.equals(mail.path("kind").asString())) {
                token = mail.path("token").asString();
            }
        }
        if (token == null) {
            throw new AssertionError("the fake sent " + key + " no " + kind + " mail");
        }
        return token;
    }

    /**
     * Make the token of a mailed link expire: its next use is {@code expired_token}.
     * @param token the token
     */
    void expireLink(String token) {
        call("POST", "tokens/" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "/expire", null);
    }
{%- endif %}

{% if cookiecutter.is_oidc %}    /**
     * A control endpoint of the fake OpenID provider, such as {@code oidc/expire} or {@code oidc/tamper}.
     * @param path the path under {@code /__fake__/}
     * @param body the JSON body of a POST, or {@code null} for a GET (or a POST without one, for {@code oidc/expire})
     * @return the fake's answer
     */
    JsonNode control(String path, Object body) {
        return call((body != null || path.equals("oidc/expire")) ? "POST" : "GET", path, body);
    }

{% endif %}    /** A control endpoint of the fake; a test that needs one is skipped when the service is a real one. */
    private JsonNode call(String method, String path, Object body) {
        Assumptions.assumeTrue(this.steerable, "needs the bundled fake service");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.url + "/__fake__/" + path))
            .timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        else {
            request.method(method, BodyPublishers.noBody());
        }
        try {
            HttpResponse<byte[]> response = this.http.send(request.build(), BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + " /__fake__/" + path + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        }
        catch (IOException ex) {
            throw new IllegalStateException("The fake identity service does not answer", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", ex);
        }
    }

}
