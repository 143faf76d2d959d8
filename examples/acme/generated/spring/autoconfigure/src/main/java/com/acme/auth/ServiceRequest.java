package com.acme.auth;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * One request to the identity service, as a step of the spec describes it: method, URL, query, headers, body, the
 * statuses that mean success and the errors the others mean.
 * <p>
 * {@link AcmeClient} builds one per step and sends it; this class knows HTTP, not the service.
 */
final class ServiceRequest {

    private final String method;

    private final String url;

    private String label;

    private final List<Map.Entry<String, String>> query = new ArrayList<>();

    private final Map<String, String> headers = new LinkedHashMap<>();

    private final List<Map.Entry<String, String>> form = new ArrayList<>();

    private JsonNode json;

    private Set<Integer> expected = Set.of(200);

    private final List<Rule> rules = new ArrayList<>();

    private ServiceRequest(String method, String url) {
        this.method = method;
        this.url = url;
    }

    static ServiceRequest get(String url) {
        return new ServiceRequest("GET", url);
    }

    static ServiceRequest post(String url) {
        return new ServiceRequest("POST", url);
    }

    static ServiceRequest put(String url) {
        return new ServiceRequest("PUT", url);
    }

    static ServiceRequest patch(String url) {
        return new ServiceRequest("PATCH", url);
    }

    static ServiceRequest delete(String url) {
        return new ServiceRequest("DELETE", url);
    }

    /** Name the request in messages, instead of its method and URL. */
    ServiceRequest describedAs(String label) {
        this.label = label;
        return this;
    }

    /** Add a query parameter; a null value is left out. */
    ServiceRequest query(String name, String value) {
        if (value != null) {
            this.query.add(Map.entry(name, value));
        }
        return this;
    }

    /** Set a header; a null value is left out. */
    ServiceRequest header(String name, String value) {
        if (value != null) {
            this.headers.put(name, value);
        }
        return this;
    }

    /** Authenticate with a bearer token. */
    ServiceRequest bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    /** Authenticate with HTTP basic authentication. */
    ServiceRequest basic(String username, String password) {
        byte[] pair = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
        return header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair));
    }

    /** Send a JSON body. */
    ServiceRequest json(JsonNode body) {
        this.json = body;
        return this;
    }

    /** Add a field of an {@code application/x-www-form-urlencoded} body; a null value is left out. */
    ServiceRequest form(String name, String value) {
        if (value != null) {
            this.form.add(Map.entry(name, value));
        }
        return this;
    }

    /** The statuses that mean success (200 unless told otherwise). */
    ServiceRequest expect(int... statuses) {
        this.expected = IntStream.of(statuses).boxed().collect(Collectors.toUnmodifiableSet());
        return this;
    }

    /** What a status means. */
    ServiceRequest on(int status, Function<String, AcmeServiceException> error) {
        this.rules.add(new Rule(status, null, error, null));
        return this;
    }

    /** What a status means when the error body holds the given values. */
    ServiceRequest on(int status, Match match, Function<String, AcmeServiceException> error) {
        this.rules.add(new Rule(status, match, error, null));
        return this;
    }

    /** Where the error body of the last rule holds the service's own message for users (a password policy ...). */
    ServiceRequest message(String pointer) {
        Rule last = this.rules.remove(this.rules.size() - 1);
        this.rules.add(new Rule(last.status(), last.match(), last.error(), pointer));
        return this;
    }

    /** Whether the request may be sent again: only GET requests are. */
    boolean idempotent() {
        return "GET".equals(this.method);
    }

    boolean succeeded(int status) {
        return this.expected.contains(status);
    }

    /** How messages name the request: its step, else its method and URL without the query, which may carry secrets. */
    String describe() {
        if (this.label != null) {
            return this.label;
        }
        int query = this.url.indexOf('?');
        return this.method + " " + (query < 0 ? this.url : this.url.substring(0, query));
    }

    /**
     * The error a response that is not a success means: the first rule that matches; else the service is unavailable
     * for a 5xx or an answer the integration cannot use (a success status the spec does not expect, a redirect), and
     * any other status is a failure of no known kind.
     */
    AcmeServiceException error(int status, JsonNode body) {
        String message = describe() + ": " + status;
        for (Rule rule : this.rules) {
            if (rule.status() == status && (rule.match() == null || rule.match().matches(body))) {
                AcmeServiceException error = rule.error().apply(message);
                return rule.message() == null ? error : error.withServiceMessage(serviceMessage(body, rule.message()));
            }
        }
        if (status >= 500 || status < 400) {
            return new AcmeServiceException.ServiceUnavailable(describe() + ": unexpected status " + status);
        }
        return new AcmeServiceException(describe() + ": unexpected status " + status);
    }

    /**
     * Send the request with a {@link RestClient} and read the whole answer, whatever its status.
     * @throws org.springframework.web.client.ResourceAccessException when no answer came
     */
    Response send(RestClient http, JsonMapper mapper) {
        RestClient.RequestBodySpec request = http.method(HttpMethod.valueOf(this.method))
            .uri(uri())
            .accept(MediaType.APPLICATION_JSON);
        this.headers.forEach(request::header);
        if (this.json != null) {
            request.contentType(MediaType.APPLICATION_JSON).body(mapper.writeValueAsBytes(this.json));
        }
        else if (!this.form.isEmpty()) {
            request.contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(encode(this.form).getBytes(StandardCharsets.US_ASCII));
        }
        return request.exchange((sent, answer) -> new Response(answer.getStatusCode().value(),
                answer.getBody().readAllBytes()));
    }

    private URI uri() {
        if (this.query.isEmpty()) {
            return URI.create(this.url);
        }
        return URI.create(this.url + (this.url.contains("?") ? "&" : "?") + encode(this.query));
    }

    private static String encode(List<Map.Entry<String, String>> pairs) {
        StringJoiner joined = new StringJoiner("&");
        for (Map.Entry<String, String> pair : pairs) {
            joined.add(URLEncoder.encode(pair.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(pair.getValue(), StandardCharsets.UTF_8));
        }
        return joined.toString();
    }

    /** The service's own message at a JSON pointer of an error body, at most 300 characters; null when not text. */
    private static String serviceMessage(JsonNode body, String pointer) {
        if (body == null || !body.at(pointer).isString() || body.at(pointer).asString().isBlank()) {
            return null;
        }
        String text = body.at(pointer).asString().strip();
        return text.length() > 300 ? text.substring(0, 300) : text;
    }

    /** A status (and values in the error body) that mean one error; {@code message} points at the service's words. */
    private record Rule(int status, Match match, Function<String, AcmeServiceException> error, String message) {
    }

    /** An answer of the service: its status and its body, empty when it has none. */
    record Response(int status, byte[] body) {
    }

    /** Values an error body must hold, by JSON pointer, for a rule to apply. */
    static final class Match {

        private final Map<String, JsonNode> values = new LinkedHashMap<>();

        private Match() {
        }

        static Match at(String pointer, String value) {
            return new Match().and(pointer, value);
        }

        static Match at(String pointer, long value) {
            return new Match().and(pointer, value);
        }

        static Match at(String pointer, double value) {
            return new Match().and(pointer, value);
        }

        static Match at(String pointer, boolean value) {
            return new Match().and(pointer, value);
        }

        Match and(String pointer, String value) {
            this.values.put(pointer, JsonNodeFactory.instance.stringNode(value));
            return this;
        }

        Match and(String pointer, long value) {
            this.values.put(pointer, JsonNodeFactory.instance.numberNode(value));
            return this;
        }

        Match and(String pointer, double value) {
            this.values.put(pointer, JsonNodeFactory.instance.numberNode(value));
            return this;
        }

        Match and(String pointer, boolean value) {
            this.values.put(pointer, JsonNodeFactory.instance.booleanNode(value));
            return this;
        }

        boolean matches(JsonNode body) {
            if (body == null) {
                return false;
            }
            return this.values.entrySet().stream().allMatch((entry) -> same(body.at(entry.getKey()), entry.getValue()));
        }

        private static boolean same(JsonNode actual, JsonNode expected) {
            if (actual.isNumber() && expected.isNumber()) {
                return actual.doubleValue() == expected.doubleValue();
            }
            return actual.equals(expected);
        }

    }

}
