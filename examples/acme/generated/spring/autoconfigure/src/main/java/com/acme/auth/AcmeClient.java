package com.acme.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.client.RestClient;

import com.acme.auth.AcmeServiceException.AccountDisabled;
import com.acme.auth.AcmeServiceException.Conflict;
import com.acme.auth.AcmeServiceException.Expired;
import com.acme.auth.AcmeServiceException.ExpiredToken;
import com.acme.auth.AcmeServiceException.InvalidCredentials;
import com.acme.auth.AcmeServiceException.InvalidInput;
import com.acme.auth.AcmeServiceException.InvalidToken;
import com.acme.auth.AcmeServiceException.PasswordPolicy;
import com.acme.auth.AcmeServiceException.ServiceUnavailable;
import com.acme.auth.AcmeServiceException.Unverified;
import com.acme.auth.AcmeServiceException.UserNotFound;
import com.acme.auth.ServiceRequest.Match;

/**
 * Talks to Acme Identity: one instance per application, a bean of the auto-configuration.
 * <p>
 * Each method is the straight-line sequence of requests the service's API needs. A request that takes longer than
 * the timeout fails; only GET requests are sent again, when their connection failed: a POST is never sent twice.
 * Anything unexpected fails closed, as {@link ServiceUnavailable}.
 */
public class AcmeClient {

    private final JsonMapper mapper = JsonMapper.shared();

    private final String baseUrl;

    private final String apiKey;

    private final String applicationId;

    private final ServiceTransport transport;

    /**
     * A client that sends its requests with the given {@link RestClient}.
     * <p>
     * The auto-configuration builds it from Spring Boot's {@code RestClient.Builder}, so that the application's
     * customizers (observation, interceptors, SSL) apply, with {@code acme.timeout} as connect and
     * read timeout and redirects not followed.
     * @param properties the {@code acme.*} properties
     * @param http the REST client
     */
    public AcmeClient(AcmeProperties properties, RestClient http) {
        this.baseUrl = properties.getBaseUrl().replaceAll("/+$", "");
        this.apiKey = properties.getApiKey();
        this.applicationId = properties.getApplicationId();
        this.transport = new ServiceTransport(http, this.mapper, properties.getTimeout(), properties.getRetries());
    }

    /**
     * Sign a user in.
     * @param username what the user signs in with
     * @param password the user's password; it goes to the service only
     * @return the service session: secrets, to keep server-side
     * @throws AcmeServiceException when the service refuses, or fails
     */
    public AcmeServiceSession login(String username, String password) {
        JsonNode response = send("POST /v1/sessions", ServiceRequest.post(this.baseUrl + "/v1/sessions")
                .json(object().put("login", username).put("password", password).put("application", this.applicationId))
                .expect(201)
                .on(401, InvalidCredentials::new)
                .on(403, Match.at("/error/code", "unverified"), Unverified::new)
                .on(403, AccountDisabled::new)
                .on(429, ServiceUnavailable::new));
        String token = text(response, "/token");
        String refreshToken = text(response, "/refresh_token");
        String expiresAt = deadline(response, "/expires_in");
        String userId = text(response, "/user/id");
        return new AcmeServiceSession(Map.ofEntries(
                Map.entry("token", token),
                Map.entry("refresh_token", refreshToken),
                Map.entry("expires_at", expiresAt),
                Map.entry("user_id", userId)));
    }

    /**
     * Fetch the user record of a service session made by {@link #login(String, String)}.
     * @param session the service session
     * @return the user record, as the service sent it
     * @throws AcmeServiceException when the session has ended, the user is gone, or the service fails
     */
    public JsonNode getUser(AcmeServiceSession session) {
        String userId = session.value("user_id");
        String token = session.value("token");
        JsonNode response = send("GET /v1/users/{session.user_id}",
                ServiceRequest.get(this.baseUrl + "/v1/users/" + percentEncode(userId))
                        .bearer(token)
                        .on(401, InvalidCredentials::new)
                        .on(404, UserNotFound::new));
        return record(response, "");
    }

    /**
     * Create an account; the user signs in afterwards.
     * @param email the email the user entered
     * @param password the password the user entered
     * @param firstName the first_name the user entered
     * @param lastName the last_name the user entered
     * @throws AcmeServiceException when the service refuses (e.g. {@link AcmeServiceException.Conflict}), or fails
     */
    public void register(String email, String password, String firstName, String lastName) {
        send("POST /v1/users", ServiceRequest.post(this.baseUrl + "/v1/users")
                .bearer(this.apiKey)
                .json(object()
                        .put("email", email)
                        .put("password", password)
                        .set("profile", object().put("firstName", firstName).put("lastName", lastName))
                        .put("application", this.applicationId))
                .expect(201)
                .on(409, Conflict::new)
                .on(422, InvalidInput::new));
    }

    /**
     * Ask the service to send a password reset message.
     * @param email the email the user entered
     * @throws AcmeServiceException when the service refuses, or fails
     */
    public void forgotPassword(String email) {
        send("POST /v1/password-resets", ServiceRequest.post(this.baseUrl + "/v1/password-resets")
                .bearer(this.apiKey)
                .json(object().put("email", email))
                .expect(202)
                .on(404, UserNotFound::new));
    }

    /**
     * Renew an expired service session; return the new one (values the service does not renew are kept).
     * @param session the service session login (or refresh) returned
     * @return the new service session: secrets, to keep server-side
     * @throws AcmeServiceException when the service refuses, or fails
     */
    public AcmeServiceSession refresh(AcmeServiceSession session) {
        String refreshToken = session.value("refresh_token");
        JsonNode response = send("POST /v1/sessions/refresh",
                ServiceRequest.post(this.baseUrl + "/v1/sessions/refresh")
                        .json(object().put("refresh_token", refreshToken))
                        .on(401, InvalidCredentials::new));
        return new AcmeServiceSession(Map.ofEntries(
                Map.entry("token", text(response, "/token")),
                Map.entry("refresh_token", text(response, "/refresh_token")),
                Map.entry("expires_at", deadline(response, "/expires_in")),
                Map.entry("user_id", session.value("user_id"))));
    }

    /**
     * End the service session at the service.
     * @param session the service session login (or refresh) returned
     * @throws AcmeServiceException when the service refuses, or fails
     */
    public void logout(AcmeServiceSession session) {
        String token = session.value("token");
        send("DELETE /v1/sessions/current", ServiceRequest.delete(this.baseUrl + "/v1/sessions/current")
                .bearer(token)
                .expect(204)
                .on(401, InvalidCredentials::new));
    }

    /**
     * Set a new password with the token from the password reset email; signs nobody in.
     * @param input what the user entered: {@code token}, {@code password}
     * @throws AcmeServiceException when the service refuses, or fails
     */
    public void resetPassword(Map<String, String> input) {
        String token = required(input, "token");
        String password = required(input, "password");
        send("POST /v1/password-resets/{input.token}",
                ServiceRequest.post(this.baseUrl + "/v1/password-resets/" + percentEncode(token))
                        .bearer(this.apiKey)
                        .json(object().put("password", password))
                        .expect(204)
                        .on(404, InvalidToken::new)
                        .on(410, ExpiredToken::new)
                        .on(422, PasswordPolicy::new)
                        .message("/error/message"));
    }

    /**
     * Change the signed-in user's password; the user must give the current one.
     * @param session the service session login (or refresh) returned
     * @param input what the user entered: {@code current_password}, {@code new_password}
     * @throws AcmeServiceException when the service refuses, or fails
     */
    public void changePassword(AcmeServiceSession session, Map<String, String> input) {
        String userId = session.value("user_id");
        String token = session.value("token");
        String currentPassword = required(input, "current_password");
        String newPassword = required(input, "new_password");
        send("POST /v1/users/{session.user_id}/password",
                ServiceRequest.post(this.baseUrl + "/v1/users/" + percentEncode(userId) + "/password")
                        .bearer(token)
                        .json(object().put("current_password", currentPassword).put("new_password", newPassword))
                        .expect(204)
                        .on(401, Match.at("/error/code", "token_expired"), Expired::new)
                        .on(401, InvalidCredentials::new)
                        .on(422, PasswordPolicy::new)
                        .message("/error/message"));
    }

    /**
     * Confirm the user's email address with the token from the verification email.
     * @param input what the user entered: {@code token}
     * @throws AcmeServiceException when the service refuses, or fails
     */
    public void verifyEmail(Map<String, String> input) {
        String token = required(input, "token");
        send("POST /v1/email-verifications/{input.token}",
                ServiceRequest.post(this.baseUrl + "/v1/email-verifications/" + percentEncode(token))
                        .bearer(this.apiKey)
                        .expect(204)
                        .on(404, InvalidToken::new)
                        .on(410, ExpiredToken::new));
    }

    /**
     * Send one request; return its JSON body (an empty object when it has none) or throw the error it means.
     * @param step the step as the spec writes it, such as {@code GET /v1/users/{session.user_id}}: what messages name,
     * since the URL itself may hold values of the user's
     */
    private JsonNode send(String step, ServiceRequest request) {
        request.describedAs(step);
        ServiceRequest.Response response = this.transport.send(request);
        byte[] body = response.body();
        JsonNode json = null;
        if (body.length > 0) {
            try {
                json = this.mapper.readTree(body);
            }
            catch (JacksonException ex) {
                json = null;
            }
        }
        if (!request.succeeded(response.status())) {
            throw request.error(response.status(), json);
        }
        if (body.length == 0) {
            return this.mapper.createObjectNode();
        }
        if (json == null) {
            throw new ServiceUnavailable(request.describe() + ": the response is not JSON");
        }
        return json;
    }

    private ObjectNode object() {
        return this.mapper.createObjectNode();
    }

    /** The text (or number, as text) the service must have sent at a JSON pointer. */
    private static String text(JsonNode body, String pointer) {
        JsonNode value = body.at(pointer);
        if (value.isString() || value.isIntegralNumber()) {
            return value.asString();
        }
        throw new ServiceUnavailable("the response has no value at " + (pointer.isEmpty() ? "/" : pointer));
    }

    /** The user record the service must have sent at a JSON pointer. */
    private static JsonNode record(JsonNode body, String pointer) {
        JsonNode value = body.at(pointer);
        if (!value.isObject()) {
            throw new ServiceUnavailable("the response has no user record at " + (pointer.isEmpty() ? "/" : pointer));
        }
        return value;
    }

    /**
     * The deadline of an access token that lives {@code expires_in} seconds (at a JSON pointer), in epoch seconds, as
     * text. It comes a little early (up to 5 seconds, a tenth of short lifetimes), so that no request sets out with a
     * token about to expire.
     */
    private static String deadline(JsonNode body, String pointer) {
        JsonNode value = body.at(pointer);
        double seconds = Double.NaN;
        if (value.isNumber()) {
            seconds = value.asDouble();
        }
        else if (value.isString()) {
            try {
                seconds = Double.parseDouble(value.asString().trim());
            }
            catch (NumberFormatException ex) {
                seconds = Double.NaN;
            }
        }
        if (!Double.isFinite(seconds) || seconds < 0) {
            throw new ServiceUnavailable(
                    "the response has no lifetime in seconds at " + (pointer.isEmpty() ? "/" : pointer));
        }
        double now = System.currentTimeMillis() / 1000.0;
        return Long.toString((long) Math.floor(now + seconds - Math.min(5, seconds / 10)));
    }

    /** What the user entered under an input name of the spec; the caller must give each. */
    private static String required(Map<String, String> input, String name) {
        String value = input.get(name);
        if (value == null) {
            throw new IllegalArgumentException("No " + name + " given");
        }
        return value;
    }

    /** Percent-encode a value for one URL path segment or form field. */
    private static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

}
