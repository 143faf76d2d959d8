package com.acme.example;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A simulated user agent of the example application over real HTTP, with a cookie jar of its own. An API client asks
 * for JSON and posts JSON with the CSRF header; a browser asks for HTML and posts forms with the CSRF field. Redirects
 * are never followed: the tests look at them.
 */
final class AppClient {

    static final String JSON_TYPE = "application/json";

    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

    private static final JsonMapper JSON = JsonMapper.shared();

    private static final HttpClient HTTP = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();

    private final String base;

    private final String prefix;

    private final boolean browser;

    private final Map<String, String> cookies = new LinkedHashMap<>();

    private AppClient(String base, String prefix, boolean browser) {
        this.base = base;
        this.prefix = prefix;
        this.browser = browser;
    }

    static AppClient api(int port) {
        return new AppClient("http://127.0.0.1:" + port, "/auth", false);
    }

    static AppClient browser(int port) {
        return new AppClient("http://127.0.0.1:" + port, "/auth", true);
    }

    boolean isBrowser() {
        return this.browser;
    }

    /** The path of a route of the HTTP contract: {@code route("login")} is {@code /auth/login}. */
    String route(String name) {
        return this.prefix + "/" + name;
    }

    Answer get(String path) {
        return send("GET", path, null, null, Map.of());
    }

    Answer get(String path, String accept) {
        return send("GET", path, null, null, (accept == null) ? Map.of("Accept", "") : Map.of("Accept", accept));
    }

    Answer send(String method, String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
            .timeout(Duration.ofSeconds(60));
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Accept", this.browser ? BROWSER_ACCEPT : JSON_TYPE);
        all.putAll(headers);
        all.forEach((name, value) -> {
            if (!value.isEmpty()) {
                request.header(name, value);
            }
        });
        if (!this.cookies.isEmpty()) {
            StringJoiner jar = new StringJoiner("; ");
            this.cookies.forEach((name, value) -> jar.add(name + "=" + value));
            request.header("Cookie", jar.toString());
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, (body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody());
        try {
            HttpResponse<String> response = HTTP.send(request.build(), BodyHandlers.ofString());
            Answer answer = new Answer(response);
            for (SetCookie cookie : answer.setCookies()) {
                if (cookie.removes()) {
                    this.cookies.remove(cookie.name());
                }
                else {
                    this.cookies.put(cookie.name(), cookie.value());
                }
            }
            return answer;
        }
        catch (IOException ex) {
            throw new IllegalStateException(method + " " + path + " failed", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", ex);
        }
    }

    /** A token for this client's session, and where a request carries it. */
    Csrf csrf() {
        Answer answer = get(route("csrf"), JSON_TYPE);
        if (answer.status() != 200) {
            throw new IllegalStateException("GET " + route("csrf") + " answered " + answer.status());
        }
        JsonNode body = answer.json();
        return new Csrf(body.get("csrf_token").asString(), body.get("header").asString(), body.get("field").asString());
    }

    /** POST to a route the way this client posts: a form with the CSRF field, or JSON with the CSRF header. */
    Answer submit(String route, Map<String, String> fields, boolean withCsrf) {
        return submit(route, fields, withCsrf ? csrf() : null);
    }

    Answer submit(String route, Map<String, String> fields, Csrf csrf) {
        return submitTo(route(route), fields, csrf);
    }

    /** POST to a path exactly as given (a query string included) the way this client posts. */
    Answer submitTo(String path, Map<String, String> fields, Csrf csrf) {
        if (this.browser) {
            Map<String, String> data = new LinkedHashMap<>(fields);
            if (csrf != null) {
                data.put(csrf.field(), csrf.token());
            }
            return send("POST", path, "application/x-www-form-urlencoded", form(data), Map.of());
        }
        Map<String, String> headers = (csrf != null) ? Map.of(csrf.header(), csrf.token()) : Map.of();
        return send("POST", path, JSON_TYPE, JSON.writeValueAsString(fields), headers);
    }

    /** POST a form to a path exactly as given (a query string included), asking as this client asks. */
    Answer postForm(String path, Map<String, String> fields) {
        return send("POST", path, "application/x-www-form-urlencoded", form(fields), Map.of());
    }

    /** POST a body exactly as given, with the CSRF header and {@code Accept: application/json}. */
    Answer postRaw(String route, String body, String contentType) {
        Csrf csrf = csrf();
        return send("POST", route(route), contentType, body, Map.of(csrf.header(), csrf.token(), "Accept", JSON_TYPE));
    }

    Answer login(String username, String password, String next) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", username);
        fields.put("password", password);
        if (next != null) {
            fields.put("next", next);
        }
        return submit("login", fields, true);
    }

    /** Sign in, which must succeed: 200 for JSON, 303 for a form. */
    Answer signIn(String username, String password) {
        Answer answer = login(username, password, null);
        int expected = this.browser ? 303 : 200;
        if (answer.status() != expected) {
            throw new AssertionError("signing in as " + username + " answered " + answer);
        }
        return answer;
    }

    Answer logout(boolean withCsrf) {
        return submit("logout", Map.of(), withCsrf);
    }

    Answer me() {
        return get(route("me"), JSON_TYPE);
    }

    boolean signedIn() {
        return me().status() == 200;
    }

    Map<String, String> cookies() {
        return Map.copyOf(this.cookies);
    }

    /** Another client (say, an attacker's) that holds exactly these cookies. */
    AppClient withCookies(Map<String, String> cookies) {
        AppClient other = new AppClient(this.base, this.prefix, this.browser);
        other.cookies.putAll(cookies);
        return other;
    }

    private static String form(Map<String, String> fields) {
        StringJoiner joined = new StringJoiner("&");
        fields.forEach((name, value) -> joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joined.toString();
    }

    /** What {@code {prefix}/csrf} says. */
    record Csrf(String token, String header, String field) {
    }

    /** One {@code Set-Cookie} header; attribute names in lower case, flags map to "". */
    record SetCookie(String name, String value, Map<String, String> attributes) {

        static SetCookie parse(String header) {
            String[] parts = header.split(";");
            String[] pair = parts[0].split("=", 2);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] attribute = parts[i].split("=", 2);
                String value = (attribute.length > 1) ? attribute[1].strip() : "";
                attributes.put(attribute[0].strip().toLowerCase(Locale.ROOT), value);
            }
            return new SetCookie(pair[0].strip(), (pair.length > 1) ? pair[1].strip() : "", attributes);
        }

        boolean httpOnly() {
            return this.attributes.containsKey("httponly");
        }

        String sameSite() {
            return this.attributes.getOrDefault("samesite", "").toLowerCase(Locale.ROOT);
        }

        boolean removes() {
            return this.value.isEmpty() || "0".equals(this.attributes.get("max-age"));
        }

    }

    /** A response: status, headers and body. */
    record Answer(int status, Map<String, List<String>> headers, String body) {

        Answer(HttpResponse<String> response) {
            this(response.statusCode(), response.headers().map(), response.body());
        }

        String header(String name) {
            return this.headers.entrySet().stream()
                .filter((entry) -> entry.getKey().equalsIgnoreCase(name))
                .flatMap((entry) -> entry.getValue().stream())
                .findFirst()
                .orElse(null);
        }

        String mediaType() {
            String type = header("Content-Type");
            return (type == null) ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
        }

        List<SetCookie> setCookies() {
            return this.headers.entrySet().stream()
                .filter((entry) -> entry.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap((entry) -> entry.getValue().stream())
                .map(SetCookie::parse)
                .toList();
        }

        JsonNode json() {
            return JSON.readTree(this.body);
        }

        @Override
        public String toString() {
            String start = (this.body.length() > 300) ? this.body.substring(0, 300) : this.body;
            return this.status + " " + mediaType() + " " + start;
        }

    }

}
