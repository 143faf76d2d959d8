package com.acme.example;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import com.acme.auth.AcmeAuthController;
import com.acme.auth.AcmeAuthenticationToken;
import com.acme.auth.AcmeServiceSession;
import com.acme.auth.AcmeUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The smoke cases S1-S22 against the example application over real HTTP, with Acme Identity played by the fake in
 * {@code src/test/fake}, or the real service {@code ACME_TEST_BASE_URL} names (see {@link IdentityService}). Each test
 * is named for its case.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "acme.session-ttl=1m")
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class AcmeSmokeTests {

    private static final JsonMapper JSON = JsonMapper.shared();

    /** The session TTL the tests run with, and the time the clock jumps to see it pass. */
    private static final Duration TTL = Duration.ofMinutes(1);

    private static final Fixture ADMIN = fixture(new Fixture("admin",
            "admin@example.com", "admin-pass-1", "admin@example.com", """
            {
                "id": "usr-0001",
                "username": "admin@example.com",
                "email": "admin@example.com",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "roles": [
                    "admins",
                    "staff"
                ],
                "active": true,
                "is_staff": true,
                "is_admin": true,
                "given_name": "Ada",
                "family_name": "Lovelace",
                "groups": [
                    "admins",
                    "staff"
                ],
                "status": "ACTIVE",
                "created": "2024-03-01T09:30:00Z"
            }"""));

    private static final Fixture USER = fixture(new Fixture("user",
            "user@example.com", "user pass+2&:%", "user@example.com", """
            {
                "id": "usr-0002",
                "username": "user@example.com",
                "email": "user@example.com",
                "first_name": "Alan",
                "last_name": "Jørgensen",
                "roles": [
                    "users"
                ],
                "active": true,
                "is_staff": false,
                "is_admin": false,
                "given_name": "Alan",
                "family_name": "Jørgensen",
                "groups": [
                    "users"
                ],
                "status": "ACTIVE",
                "created": "2024-03-02T09:30:00Z"
            }"""));

    private static final Fixture DISABLED = fixture(new Fixture("disabled",
            "disabled@example.com", "disabled-pass-3", "disabled@example.com", """
            {
                "id": "usr-0003",
                "username": "disabled@example.com",
                "email": "disabled@example.com",
                "first_name": "Dana",
                "last_name": "Scully",
                "roles": [
                    "users"
                ],
                "active": false,
                "is_staff": false,
                "is_admin": false,
                "given_name": "Dana",
                "family_name": "Scully",
                "groups": [
                    "users"
                ],
                "status": "LOCKED",
                "created": "2024-03-03T09:30:00Z"
            }"""));

    private static final Fixture STAFF = fixture(new Fixture("staff",
            "staff@example.com", "staff-pass-4", "staff@example.com", """
            {
                "id": "usr-0004",
                "username": "staff@example.com",
                "email": "staff@example.com",
                "first_name": "Grace",
                "last_name": "Hopper",
                "roles": [
                    "staff",
                    "users"
                ],
                "active": true,
                "is_staff": true,
                "is_admin": false,
                "given_name": "Grace",
                "family_name": "Hopper",
                "groups": [
                    "staff",
                    "users"
                ],
                "status": "ACTIVE",
                "created": "2024-03-04T09:30:00Z"
            }"""));

    private static final Fixture UNVERIFIED = fixture(new Fixture("unverified",
            "unverified@example.com", "unverified-pass-5", "unverified@example.com", """
            {
                "id": "usr-0005",
                "username": "unverified@example.com",
                "email": "unverified@example.com",
                "first_name": "Rosalind",
                "last_name": "Franklin",
                "roles": [
                    "users"
                ],
                "active": true,
                "is_staff": false,
                "is_admin": false,
                "given_name": "Rosalind",
                "family_name": "Franklin",
                "groups": [
                    "users"
                ],
                "status": "ACTIVE",
                "created": "2024-03-05T09:30:00Z"
            }"""));

    /** The role {@code /admin} requires. */
    private static final String ADMIN_ROLE = "admins";

    /** Date-time fields, which {@code me} may write in any ISO 8601 form of the same instant. */
    private static final Set<String> DATE_TIMES = Set.of("created");

    /** {@code next} values that lead off the site; the login form must send the browser to {@code /} instead. */
    private static final List<String> UNSAFE_NEXT = List.of("https://evil.example/", "//evil.example/",
            "/\\evil.example/", "\\\\evil.example/", "http:evil.example", "javascript:alert(1)", "evil.example");

    /**
     * The values of the service session that calls to Acme Identity read back ({@code ${session.<name>}} in the spec),
     * by name: the secrets S17 looks for in the cookies. The names come from the spec, so that the test reads the
     * values from the server-side session without the starter listing them for it. A value login extracts only to send
     * in its own later steps is not among them; against the fake, S17 also looks for every value the fake handed out.
     */
    private static final List<String> SERVICE_SESSION_VALUES = List.of("refresh_token", "token", "user_id");

    /**
     * How many characters of a secret in a row count as showing it: a cookie must not hold any such piece of a
     * service token (a secret shorter than this must not be there whole).
     */
    private static final int SECRET_PIECE = 12;

    @LocalServerPort
    private int port;

    @Autowired
    private MockMvc mvc;

    @Autowired
    private MutableClock clock;

    @Autowired
    private LiveSessions sessions;

    private final IdentityService service = IdentityService.get();

    @DynamicPropertySource
    static void service(DynamicPropertyRegistry registry) {
        registry.add("acme.base-url", () -> IdentityService.get().url());
        registry.add("acme.timeout", IdentityService::timeout);
        registry.add("acme.api-key",
                () -> IdentityService.setting("ACME_TEST_API_KEY", "test-api-key"));
        registry.add("acme.application-id",
                () -> IdentityService.setting("ACME_TEST_APPLICATION_ID", "test-application-id"));
    }

    /** Each test starts with the fixture users as they were, no faults and no calls counted. */
    @BeforeEach
    @AfterEach
    void resetService() {
        if (this.service.steerable()) {
            this.service.reset();
        }
    }

    private AppClient api() {
        return AppClient.api(this.port);
    }

    private AppClient browser() {
        return AppClient.browser(this.port);
    }

    // -- S1: anonymous requests ------------------------------------------------------------------------

    @Test
    void s01AnonymousBrowserIsSentToLogin() {
        for (String path : List.of("/", "/admin")) {
            AppClient.Answer answer = browser().get(path);
            assertThat(answer.status()).isIn(302, 303);
            assertThat(answer.header("Location")).endsWith("/auth/login?next=%2F" + path.substring(1));
        }
        assertThat(browser().get("/", null).header("Location")).endsWith("/auth/login?next=%2F");
    }

    @Test
    void s01AnonymousApiClientGets401() {
        for (String path : List.of("/", "/admin", "/auth/me")) {
            assertError(api().get(path), 401, "unauthorized");
        }
    }

    // -- S2: the session cookie and next ---------------------------------------------------------------

    @Test
    void s02LoginSetsHttpOnlySameSiteSessionCookie() {
        for (AppClient client : List.of(api(), browser())) {
            List<AppClient.SetCookie> cookies = client.signIn(USER.username(), USER.password()).setCookies();
            assertThat(cookies).isNotEmpty();
            for (AppClient.SetCookie cookie : cookies) {
                assertThat(cookie.httpOnly()).as("%s is HttpOnly", cookie.name()).isTrue();
                assertThat(cookie.sameSite()).as("%s has SameSite", cookie.name()).isIn("lax", "strict");
            }
        }
    }

    @Test
    void s02FormLoginFollowsSafeNext() {
        AppClient browser = browser();
        AppClient.Answer answer = browser.login(USER.username(), USER.password(), "/admin?tab=smoke");
        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.header("Location")).isEqualTo("/admin?tab=smoke");
        assertThat(browser.signedIn()).isTrue();
        assertThat(browser().signIn(USER.username(), USER.password()).header("Location")).isEqualTo("/");
    }

    // -- S3: me ----------------------------------------------------------------------------------------

    @Test
    void s03MeReturnsTheMappedFieldsWithTheirTypes() {
        for (Fixture user : List.of(USER, ADMIN)) {
            AppClient api = api();
            JsonNode login = api.signIn(user.username(), user.password()).json();
            AppClient.Answer me = api.me();
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.mediaType()).isEqualTo("application/json");
            assertThat(login.get("user")).isEqualTo(me.json());
            assertMe(me.json(), JSON.readTree(user.me()));
        }
    }

    // -- S4: the native user object --------------------------------------------------------------------

    @Test
    void s04PrincipalIsTheTypedUser() throws Exception {
        String body = JSON.writeValueAsString(Map.of("username", ADMIN.username(), "password", ADMIN.password()));
        MvcResult result = this.mvc.perform(post("/auth/login").with(csrf())
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .content(body))
            .andExpect(status().isOk())
            .andReturn();
        MockHttpSession session = (MockHttpSession) result.getRequest().getSession(false);
        assertThat(session).isNotNull();
        SecurityContext context = (SecurityContext) session
            .getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        assertThat(context.getAuthentication().getPrincipal()).isInstanceOf(AcmeUser.class);
        AcmeUser user = (AcmeUser) context.getAuthentication().getPrincipal();
        assertThat(user.getUsername()).isEqualTo(ADMIN.username());
        if (this.service.steerable()) { // the fake's admin, whose every value is known
            assertThat(user.getId()).isEqualTo("usr-0001");
            assertThat(user.getUsername()).isEqualTo("admin@example.com");
            assertThat(user.getEmail()).isEqualTo("admin@example.com");
            assertThat(user.getFirstName()).isEqualTo("Ada");
            assertThat(user.getLastName()).isEqualTo("Lovelace");
            assertThat(user.getRoles()).containsExactly("admins", "staff");
            assertThat(user.isActive()).isTrue();
            assertThat(user.getGivenName()).isEqualTo("Ada");
            assertThat(user.getFamilyName()).isEqualTo("Lovelace");
            assertThat(user.getGroups()).containsExactly("admins", "staff");
            assertThat(user.getStatus()).isEqualTo(AcmeUser.Status.ACTIVE);
            assertThat(user.getCreated()).isEqualTo(OffsetDateTime.parse("2024-03-01T09:30:00Z"));
        }
        assertThat(user.isAdmin()).isTrue();
        assertThat(user.getAuthorities()).extracting("authority").contains("ROLE_" + ADMIN_ROLE, "ROLE_ADMIN");
        assertThat(user.getPassword()).isNull();
        this.mvc.perform(get("/").session(session).accept(MediaType.APPLICATION_JSON)).andExpect(status().isOk());
    }

    // -- S5: roles -------------------------------------------------------------------------------------

    @Test
    void s05UserWithoutTheRoleGets403() {
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        assertError(api.get("/admin"), 403, "forbidden");
        AppClient browser = browser();
        browser.signIn(USER.username(), USER.password());
        assertHtml(browser.get("/admin"), 403);
    }

    @Test
    void s05AdminGets200() {
        AppClient api = api();
        api.signIn(ADMIN.username(), ADMIN.password());
        AppClient.Answer answer = api.get("/admin");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("message").asString()).isNotBlank();
        AppClient browser = browser();
        browser.signIn(ADMIN.username(), ADMIN.password());
        assertHtml(browser.get("/admin"), 200);
        assertHtml(browser.get("/"), 200);
    }

    // -- S6: wrong password ----------------------------------------------------------------------------

    @Test
    void s06WrongPasswordIsAGenericErrorAndNoSession() {
        AppClient api = api();
        String wrong = assertError(api.login(USER.username(), USER.password() + "-wrong", null), 401,
                "invalid_credentials");
        String unknown = assertError(api().login("nobody-smoke@example.invalid", USER.password(), null), 401,
                "invalid_credentials");
        assertThat(wrong).as("a wrong password and an unknown user read the same").isEqualTo(unknown);
        assertThat(api.signedIn()).isFalse();
        AppClient browser = browser();
        assertHtml(browser.login(USER.username(), USER.password() + "-wrong", null), 401);
        assertThat(browser.signedIn()).isFalse();
    }

    // -- S7: logout ------------------------------------------------------------------------------------

    @Test
    void s07LogoutIsAPostThatEndsTheSession() {
        AppClient api = api();
        String token = api.signIn(USER.username(), USER.password()).json().get("csrf_token").asString();
        assertError(api.get("/auth/logout"), 405, "method_not_allowed");
        assertThat(api.signedIn()).isTrue();
        Map<String, String> cookies = api.cookies();
        AppClient.Csrf csrf = api.csrf();
        assertThat(api.submit("logout", Map.of(), new AppClient.Csrf(token, csrf.header(), csrf.field())).status())
            .isEqualTo(204);
        assertError(api.me(), 401, "unauthorized");
        assertThat(api.withCookies(cookies).signedIn()).as("the old session cookie").isFalse();
        AppClient browser = browser();
        browser.signIn(USER.username(), USER.password());
        AppClient.Answer answer = browser.logout(true);
        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.header("Location")).isEqualTo("/auth/login");
        assertThat(browser.signedIn()).isFalse();
    }

    // -- S8: CSRF --------------------------------------------------------------------------------------

    @Test
    void s08StateChangingRoutesRejectAMissingCsrfToken() {
        for (AppClient client : List.of(api(), browser())) {
            Map<String, String> credentials = Map.of("username", USER.username(), "password", USER.password());
            assertCsrfRefused(client, client.submit("login", credentials, false));
            AppClient.Csrf names = client.csrf();
            AppClient.Csrf wrong = new AppClient.Csrf("not-the-token", names.header(), names.field());
            assertCsrfRefused(client, client.submit("login", credentials, wrong));
            assertThat(client.signedIn()).isFalse();
            client.signIn(USER.username(), USER.password());
            assertCsrfRefused(client, client.logout(false));
            assertThat(client.signedIn()).as("a refused sign-out leaves the session alone").isTrue();
            assertCsrfRefused(client, client.submit("register", newAccount(), false));
            assertCsrfRefused(client, client.submit("forgot", forgotFields(USER), false));
        }
    }

    @Test
    void s08CsrfTokenOfAnotherSessionIsRefused() {
        AppClient.Csrf other = api().csrf();
        AppClient api = api();
        api.csrf();
        Map<String, String> credentials = Map.of("username", USER.username(), "password", USER.password());
        assertCsrfRefused(api, api.submit("login", credentials, other));
        assertThat(api.signedIn()).isFalse();
    }

    // -- S9: unsafe next -------------------------------------------------------------------------------

    @Test
    void s09UnsafeNextIsNotFollowed() {
        for (String next : UNSAFE_NEXT) {
            AppClient.Answer answer = browser().login(USER.username(), USER.password(), next);
            assertThat(answer.status()).isEqualTo(303);
            assertThat(answer.header("Location")).as("next=%s", next).isEqualTo("/");
        }
    }

    // -- S10: session fixation -------------------------------------------------------------------------

    @Test
    void s10SessionIdChangesAtLogin() {
        AppClient browser = browser();
        browser.get("/auth/login");
        browser.csrf();
        Map<String, String> before = browser.cookies();
        assertThat(before).isNotEmpty();
        for (AppClient.SetCookie cookie : browser.signIn(USER.username(), USER.password()).setCookies()) {
            assertThat(cookie.value()).as("cookie %s", cookie.name()).isNotEqualTo(before.get(cookie.name()));
        }
        assertThat(browser.signedIn()).isTrue();
        assertThat(browser.withCookies(before).signedIn()).as("the cookies from before sign-in").isFalse();
    }

    // -- S11: the service failing ----------------------------------------------------------------------

    @Test
    void s11ServiceErrorsAtLoginAre503() {
        for (int status : List.of(503, 500)) {
            this.service.fault("login", Map.of("status", status));
            AppClient api = api();
            assertError(api.login(USER.username(), USER.password(), null), 503, "service_unavailable");
            assertThat(api.signedIn()).isFalse();
            this.service.reset();
        }
        this.service.fault("login", Map.of("status", 503));
        AppClient browser = browser();
        assertHtml(browser.login(USER.username(), USER.password(), null), 503);
        assertThat(browser.signedIn()).isFalse();
    }

    @Test
    void s11DroppedConnectionAtLoginIs503AndThePostIsNotRetried() {
        this.service.fault("login", Map.of("drop", true));
        AppClient api = api();
        assertError(api.login(USER.username(), USER.password(), null), 503, "service_unavailable");
        assertThat(this.service.count("login")).isEqualTo(1);
        assertThat(api.signedIn()).isFalse();
    }

    @Test
    void s11DroppedConnectionOfAGetIsRetried() {
        this.service.fault("get_user", Map.of("drop", true, "times", 1));
        api().signIn(USER.username(), USER.password());
        assertThat(this.service.count("get_user")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void s11ServerErrorOfAGetIsAnsweredNotRetried() {
        this.service.fault("get_user", Map.of("status", 503, "times", 1));
        AppClient api = api();
        assertError(api.login(USER.username(), USER.password(), null), 503, "service_unavailable");
        assertThat(this.service.count("get_user")).isEqualTo(1);
    }

    @Test
    void s11TimeoutAtLoginIs503() {
        this.service.fault("login", Map.of("delay", 2.5, "times", 1));
        AppClient api = api();
        assertError(api.login(USER.username(), USER.password(), null), 503, "service_unavailable");
        assertThat(api.signedIn()).isFalse();
    }

    @Test
    void s11GarbageFromTheServiceFailsClosed() {
        this.service.fault("login", Map.of("body", "<html>garbage</html>"));
        AppClient api = api();
        assertError(api.login(USER.username(), USER.password(), null), 503, "service_unavailable");
        assertThat(api.signedIn()).isFalse();
        this.service.reset();
        this.service.fault("get_user", Map.of("status", 503));
        assertError(api.login(USER.username(), USER.password(), null), 503, "service_unavailable");
        assertThat(api.signedIn()).isFalse();
    }

    // -- S12: the user cached in the session -----------------------------------------------------------

    @Test
    void s12NoServiceCallsWithinTheTtlOneAfterIt() {
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        int logins = this.service.count("login");
        int fetches = this.service.count("get_user");
        for (int i = 0; i < 5; i++) {
            assertThat(api.me().status()).isEqualTo(200);
            assertThat(api.get("/").status()).isEqualTo(200);
        }
        assertThat(this.service.count("login")).isEqualTo(logins);
        assertThat(this.service.count("get_user")).isEqualTo(fetches);
        this.clock.advance(TTL.plusSeconds(1));
        for (int i = 0; i < 5; i++) {
            assertThat(api.me().status()).isEqualTo(200);
        }
        assertThat(this.service.count("get_user")).isEqualTo(fetches + 1);
    }

    @Test
    void s12UserDisabledOrDeletedAtTheServiceIsSignedOutAtRefresh() {
        AppClient disabled = api();
        disabled.signIn(USER.username(), USER.password());
        AppClient deleted = api();
        deleted.signIn(ADMIN.username(), ADMIN.password());
        this.service.disable(USER.key());
        this.service.delete(ADMIN.key());
        this.clock.advance(TTL.plusSeconds(1));
        assertError(disabled.me(), 401, "unauthorized");
        assertError(deleted.me(), 401, "unauthorized");
    }

    @Test
    void s12ServiceDownAtRefreshFailsClosed() {
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        this.service.fault("get_user", Map.of("status", 503));
        this.clock.advance(TTL.plusSeconds(1));
        assertError(api.me(), 503, "service_unavailable");
        assertError(api.get("/"), 503, "service_unavailable");
    }

    // -- S13: disabled users ---------------------------------------------------------------------------

    @Test
    void s13DisabledUserCannotLogIn() {
        AppClient api = api();
        assertDisabled(api.login(DISABLED.username(), DISABLED.password(), null));
        assertThat(api.signedIn()).isFalse();
        AppClient browser = browser();
        assertHtml(browser.login(DISABLED.username(), DISABLED.password(), null), 401, 403);
        assertThat(browser.signedIn()).isFalse();
    }

    @Test
    void s13UserDisabledAtTheServiceCannotLogIn() {
        this.service.disable(USER.key());
        AppClient api = api();
        assertDisabled(api.login(USER.username(), USER.password(), null));
        assertThat(api.signedIn()).isFalse();
    }

    // -- S14: register ---------------------------------------------------------------------------------

    @Test
    void s14RegisterCreatesAnAccount() {
        Map<String, String> account = newAccount();
        AppClient.Answer created = api().submit("register", account, true);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json()).isEqualTo(JSON.readTree("{\"status\": \"registered\"}"));
        api().signIn(account.get("email"), NEW_PASSWORD);
        AppClient.Answer form = browser().submit("register", newAccount(), true);
        assertThat(form.status()).isEqualTo(303);
        assertThat(form.header("Location")).startsWith("/auth/login");
        assertHtml(browser().get("/auth/register"), 200);
    }

    @Test
    void s14RegisterRefusesExistingAccountsAndBadData() {
        Map<String, String> taken = newAccount();
        taken.put("email", USER.username());
        assertError(api().submit("register", taken, true), 409, "conflict");
        Map<String, String> bad = newAccount();
        bad.put("email", "not-an-email");
        assertError(api().submit("register", bad, true), 400, "invalid_input");
        Map<String, String> missing = newAccount();
        missing.remove("email");
        assertError(api().submit("register", missing, true), 400, "invalid_input");
    }

    private static final String NEW_PASSWORD = "Smoke-pass-1 +&%";

    private static Map<String, String> newAccount() {
        String email = "smoke-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
        Map<String, String> values = new LinkedHashMap<>();
        values.put("email", email);
        values.put("password", NEW_PASSWORD);
        values.put("first_name", "Smoke");
        values.put("last_name", "Smoke");
        return values;
    }

    // -- S15: forgot password --------------------------------------------------------------------------

    @Test
    void s15ForgotPasswordAnswersTheSameForKnownAndUnknownAccounts() {
        AppClient.Answer known = api().submit("forgot", forgotFields(USER), true);
        AppClient.Answer unknown = api().submit("forgot", forgotFields(null), true);
        assertThat(known.status()).isEqualTo(202);
        assertThat(known.json()).isEqualTo(JSON.readTree("{\"status\": \"sent\"}"));
        assertThat(unknown.status()).isEqualTo(known.status());
        assertThat(unknown.json()).isEqualTo(known.json());
        assertThat(this.service.count("forgot_password")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void s15ForgotPasswordPageIsTheSameForKnownAndUnknownAccounts() {
        String knownPage = assertHtml(browser().submit("forgot", forgotFields(USER), true), 200);
        String unknownPage = assertHtml(browser().submit("forgot", forgotFields(null), true), 200);
        String field = browser().csrf().field();
        assertThat(withoutCsrfToken(knownPage, field)).isEqualTo(withoutCsrfToken(unknownPage, field));
    }

    private static Map<String, String> forgotFields(Fixture user) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("email", (user != null) ? user.email() : "nobody-smoke@example.invalid");
        return values;
    }

    /**
     * The page with the value of its CSRF field left out: the one thing two answers may differ in. Every other input,
     * hidden ones included, must be the same, so a page that told known accounts apart in a field would fail.
     */
    private static String withoutCsrfToken(String page, String field) {
        String input = "(<input\\b[^>]*\\bname=\"" + Pattern.quote(field) + "\"[^>]*\\bvalue=\")[^\"]*";
        return page.replaceAll(input, "$1");
    }

    // -- S16: logs -------------------------------------------------------------------------------------

    @Test
    void s16ThePasswordNeverAppearsInLogs(CapturedOutput output) {
        traced(() -> {
            api().signIn(USER.username(), USER.password());
            browser().signIn(ADMIN.username(), ADMIN.password());
            api().login(USER.username(), USER.password() + "-wrong", null);
        });
        assertThat(output.getAll()).isNotEmpty()
            .doesNotContain(USER.password())
            .doesNotContain(ADMIN.password())
            .doesNotContain(USER.password() + "-wrong");
    }

    @Test
    void s16ThePasswordNeverAppearsInLogsWhenTheServiceFails(CapturedOutput output) {
        this.service.fault("login", Map.of("status", 503));
        traced(() -> api().login(ADMIN.username(), ADMIN.password(), null));
        assertThat(output.getAll()).isNotEmpty().doesNotContain(ADMIN.password());
    }

    /** Runs the action with the integration's, Spring Security's and Spring MVC's loggers at TRACE. */
    private void traced(Runnable action) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        List<String> loggers = List.of("org.springframework.security", "org.springframework.web",
                "com.acme.auth");
        loggers.forEach((name) -> logging.setLogLevel(name, LogLevel.TRACE));
        try {
            action.run();
        }
        finally {
            loggers.forEach((name) -> logging.setLogLevel(name, null));
        }
    }

    // -- S17: service tokens ---------------------------------------------------------------------------

    /**
     * S17 against any service: the tokens come from where the starter keeps them, the client's server-side session
     * (read through {@link LiveSessions}), not from the service, so the test needs no control endpoint of the fake.
     * Against the fake it also looks for every value the fake handed out. Values the user's own record shows (such
     * as the user's id) are not secrets.
     */
    @Test
    void s17NoServiceTokenIsReadableInCookies() {
        for (AppClient client : List.of(api(), browser())) {
            AppClient.Answer login = client.signIn(USER.username(), USER.password());
            AppClient.Answer me = client.me();
            assertThat(me.status()).isEqualTo(200);
            List<String> secrets = new ArrayList<>(serviceSessionOf(client).values());
            if (this.service.steerable()) {
                List<String> issued = this.service.issued();
                assertThat(issued).isNotEmpty();
                secrets.addAll(issued);
            }
            String record = USER.me();
            List<String> readable = new ArrayList<>();
            for (String cookie : client.cookies().values()) {
                readable.addAll(decodings(cookie));
            }
            for (AppClient.Answer answer : List.of(login, me)) {
                answer.headers().forEach((name, values) -> {
                    if (name.equalsIgnoreCase("Set-Cookie")) {
                        values.forEach((header) -> readable.addAll(decodings(header)));
                    }
                });
            }
            readable.add(login.body());
            for (String secret : secrets) {
                if (!record.contains(secret)) {
                    for (String text : readable) {
                        assertNoPieceOf(secret, text);
                    }
                }
            }
        }
    }

    /** The values of the client's service session, by name, as the starter keeps them in its HTTP session. */
    private Map<String, String> serviceSessionOf(AppClient client) {
        HttpSession session = this.sessions.find(client.cookies().values());
        assertThat(session).as("the server-side session of the client's cookies").isNotNull();
        SecurityContext context = (SecurityContext) session
            .getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        assertThat(context).as("the security context in the session").isNotNull();
        assertThat(context.getAuthentication()).isInstanceOf(AcmeAuthenticationToken.class);
        AcmeServiceSession serviceSession = ((AcmeAuthenticationToken) context.getAuthentication())
            .getServiceSession();
        Map<String, String> values = new LinkedHashMap<>();
        SERVICE_SESSION_VALUES.forEach((name) -> values.put(name, serviceSession.value(name)));
        // Its public values (an account link) are not listed: a spec may have only those.
        assertThat(values).as("the service session's values").doesNotContainValue(null);
        return values;
    }

    /** The text as sent, URL-decoded and Base64-decoded where it decodes: a token may hide in an encoded cookie. */
    private static List<String> decodings(String text) {
        List<String> all = new ArrayList<>(List.of(text));
        try {
            all.add(URLDecoder.decode(text, StandardCharsets.UTF_8));
        }
        catch (IllegalArgumentException ex) {
            // not URL-encoded
        }
        for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
            try {
                all.add(new String(decoder.decode(text.strip()), StandardCharsets.UTF_8));
            }
            catch (IllegalArgumentException ex) {
                // not Base64
            }
        }
        return all;
    }

    /** No {@link #SECRET_PIECE} characters in a row of the secret (all of it, when shorter) are in the text. */
    private static void assertNoPieceOf(String secret, String text) {
        int length = Math.min(SECRET_PIECE, secret.length());
        for (int start = 0; start + length <= secret.length(); start++) {
            assertThat(text).as("a service token is readable").doesNotContain(secret.substring(start, start + length));
        }
    }

    // -- S18: refresh ----------------------------------------------------------------------------------

    /** Lets the cached user go stale, so that the next request asks the service. */
    private void userCacheExpires() {
        this.clock.advance(TTL.plusSeconds(1));
    }

    @Test
    void s18StillSignedInAcrossSeveralAccessTokenLifetimes() throws InterruptedException {
        this.service.tokenLifetime(1);
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        AppClient browser = browser();
        browser.signIn(USER.username(), USER.password());
        int logins = this.service.count("login");
        for (int lifetime = 0; lifetime < 4; lifetime++) {
            Thread.sleep(1_300); // the access tokens of this lifetime have expired at the fake
            userCacheExpires();
            assertThat(api.me().status()).as("me, after %d lifetimes", lifetime + 1).isEqualTo(200);
            assertHtml(browser.get("/"), 200);
        }
        assertThat(this.service.count("refresh")).isGreaterThanOrEqualTo(2);
        assertThat(this.service.count("login")).as("no one signed in again").isEqualTo(logins);
    }

    @Test
    void s18ConcurrentRequestsAfterExpiryMakeOneRefresh() throws Exception {
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        this.service.expireTokens(USER.key());
        userCacheExpires();
        int before = this.service.count("refresh");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<Integer>> requests = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                AppClient same = api.withCookies(api.cookies());
                requests.add(() -> same.me().status());
            }
            for (Future<Integer> status : pool.invokeAll(requests)) {
                assertThat(status.get()).isEqualTo(200);
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(this.service.count("refresh") - before).as("refresh calls").isEqualTo(1);
        assertThat(api.signedIn()).isTrue();
    }

    @Test
    void s18AFailedRefreshSignsOutCleanly() {
        for (int status : List.of(401, 503)) {
            AppClient api = api();
            api.signIn(USER.username(), USER.password());
            AppClient browser = browser();
            browser.signIn(USER.username(), USER.password());
            this.service.fault("refresh", Map.of("status", status));
            this.service.expireTokens(USER.key());
            userCacheExpires();
            assertError(api.get("/"), 401, "unauthorized");
            assertError(api.me(), 401, "unauthorized");
            AppClient.Answer page = browser.get("/?tab=smoke");
            assertThat(page.status()).as("refresh answered %d", status).isIn(302, 303);
            assertThat(page.header("Location")).endsWith("/auth/login?next=%2F%3Ftab%3Dsmoke");
            assertThat(browser.signedIn()).isFalse();
            this.service.reset();
        }
    }

    // -- S19: sign-out at the service ------------------------------------------------------------------

    @Test
    void s19SignOutEndsTheSessionAtTheService() {
        for (AppClient client : List.of(api(), browser())) {
            int before = this.service.sessions(USER.key());
            client.signIn(USER.username(), USER.password());
            assertThat(this.service.sessions(USER.key())).isEqualTo(before + 1);
            assertThat(client.logout(true).status()).isIn(204, 303);
            assertThat(this.service.sessions(USER.key())).as("service sessions after sign-out").isEqualTo(before);
            assertThat(client.signedIn()).isFalse();
        }
    }

    @Test
    void s19SignOutFailingAtTheServiceStillSignsOutHere(CapturedOutput output) {
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        String secret = serviceSessionOf(api).values().iterator().next();
        for (Map<String, Object> fault : List.of(Map.<String, Object>of("status", 503),
                Map.<String, Object>of("drop", true))) {
            this.service.fault("logout", fault);
            AppClient client = browser();
            client.signIn(ADMIN.username(), ADMIN.password());
            assertThat(client.logout(true).status()).isEqualTo(303);
            assertThat(client.signedIn()).isFalse();
            this.service.reset();
        }
        this.service.fault("logout", Map.of("status", 500));
        assertThat(api.logout(true).status()).isEqualTo(204);
        assertThat(api.signedIn()).isFalse();
        assertThat(output.getAll()).contains("logout: ").doesNotContain(secret);
    }

    // -- S20: password reset ---------------------------------------------------------------------------

    private static final String RESET_LINK = "/auth/reset?" + AcmeAuthController.RESET_TOKEN_PARAMETER + "=";

    private static Map<String, String> resetFields(String token, String password, String confirm) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (token != null) {
            fields.put("token", token);
        }
        fields.put("password", password);
        fields.put("password_confirm", confirm);
        return fields;
    }

    /** Ask for a reset as the user would, and read the token of the link the service mailed. */
    private String resetToken(Fixture user) {
        assertThat(api().submit("forgot", forgotFields(user), true).status()).isEqualTo(202);
        return this.service.mailedToken(user.key(), "reset");
    }

    @Test
    void s20PasswordResetCompletedFromTheEmailedToken() {
        String token = resetToken(USER);
        AppClient browser = browser();
        AppClient.Answer link = browser.get(RESET_LINK + URLEncoder.encode(token, StandardCharsets.UTF_8));
        assertThat(link.header("Referrer-Policy")).as("the token stays out of Referer headers")
            .isEqualTo("no-referrer");
        String page = assertHtml(link, 200);
        assertThat(page).contains("name=\"password_confirm\"", "autocomplete=\"new-password\"",
                "value=\"" + token + "\"");
        String changed = assertHtml(browser.submit("reset", resetFields(token, NEW_PASSWORD_S20, NEW_PASSWORD_S20),
                true), 200);
        assertThat(changed).contains("Your password has been changed. You can sign in now.");
        assertThat(browser.signedIn()).as("a reset signs nobody in").isFalse();
        api().signIn(USER.username(), NEW_PASSWORD_S20);
        assertError(api().login(USER.username(), USER.password(), null), 401, "invalid_credentials");
        assertError(api().submit("reset", resetFields(token, "Another-pass-1", "Another-pass-1"), true), 400,
                "invalid_token");
        assertThat(assertHtml(browser().submit("reset", resetFields(token, "Another-pass-1", "Another-pass-1"), true),
                400)).contains("This link is not valid or was already used.", "href=\"/auth/forgot\"");
    }

    @Test
    void s20PasswordResetRefusesBadTokensAndPasswords() {
        String token = resetToken(USER);
        AppClient api = api();
        assertThat(assertError(api.submit("reset", resetFields(token, NEW_PASSWORD_S20, NEW_PASSWORD_S20 + "x"), true),
                400, "invalid_input")).isEqualTo("The two passwords do not match.");
        assertThat(assertError(api.submit("reset", resetFields(token, "short", "short"), true), 422,
                "password_policy")).isEqualTo("Password must be at least 8 characters.");
        assertThat(assertHtml(browser().submit("reset", resetFields(token, "short", "short"), true), 422))
            .contains("Password must be at least 8 characters.");
        assertThat(assertError(api.submit("reset", resetFields(null, NEW_PASSWORD_S20, NEW_PASSWORD_S20), true), 400,
                "invalid_token")).isEqualTo(AcmeAuthController.INCOMPLETE_LINK);
        assertHtml(browser().get("/auth/reset"), 400);
        assertError(api.submit("reset", resetFields("made-up-token", NEW_PASSWORD_S20, NEW_PASSWORD_S20), true), 400,
                "invalid_token");
        this.service.expireLink(token);
        assertError(api.submit("reset", resetFields(token, NEW_PASSWORD_S20, NEW_PASSWORD_S20), true), 400,
                "expired_token");
        api().signIn(USER.username(), USER.password());
    }

    /** Whatever the service says about a refused password is what the user reads (the page escapes it as text). */
    @Test
    void s20TheServicesOwnPasswordMessageIsShown() {
        String token = resetToken(USER);
        this.service.fault("reset_password", Map.of("status", 422));
        String message = assertError(api().submit("reset", resetFields(token, NEW_PASSWORD_S20, NEW_PASSWORD_S20),
                true), 422, "password_policy");
        assertThat(message).isNotEqualTo("The new password does not meet the password policy.");
        assertThat(assertHtml(browser().submit("reset", resetFields(token, NEW_PASSWORD_S20, NEW_PASSWORD_S20), true),
                422)).contains(message);
    }

    private static final String NEW_PASSWORD_S20 = "Reset-pass-20 +&%";

    // -- S21: change password --------------------------------------------------------------------------

    private static final String NEW_PASSWORD_S21 = "Changed-pass-21 +&%";

    private static Map<String, String> passwordFields(String current, String password, String confirm) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("current_password", current);
        fields.put("new_password", password);
        fields.put("new_password_confirm", confirm);
        return fields;
    }

    @Test
    void s21ChangePasswordNeedsASignedInUser() {
        AppClient.Answer page = browser().get("/auth/password");
        assertThat(page.status()).isIn(302, 303);
        assertThat(page.header("Location")).endsWith("/auth/login?next=%2Fauth%2Fpassword");
        assertError(api().submit("password", passwordFields(USER.password(), NEW_PASSWORD_S21, NEW_PASSWORD_S21),
                true), 401, "unauthorized");
        api().signIn(USER.username(), USER.password());
    }

    @Test
    void s21ChangePassword() {
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        String wrong = USER.password() + "-wrong";
        Map<String, String> wrongCurrent = passwordFields(wrong, NEW_PASSWORD_S21, NEW_PASSWORD_S21);
        assertThat(assertError(api.submit("password", wrongCurrent, true), 400, "invalid_credentials"))
            .isEqualTo("Your current password is not correct.");
        assertError(api.submit("password", passwordFields(USER.password(), NEW_PASSWORD_S21, "other"), true), 400,
                "invalid_input");
        assertError(api.submit("password", passwordFields(USER.password(), "short", "short"), true), 422,
                "password_policy");
        Map<String, String> before = api.cookies();
        AppClient.Answer changed = api.submit("password",
                passwordFields(USER.password(), NEW_PASSWORD_S21, NEW_PASSWORD_S21), true);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json()).isEqualTo(JSON.readTree("{\"status\": \"changed\"}"));
        assertThat(api.signedIn()).as("still signed in").isTrue();
        assertThat(api.withCookies(before).signedIn()).as("the session id from before").isFalse();
        api().signIn(USER.username(), NEW_PASSWORD_S21);
        assertError(api().login(USER.username(), USER.password(), null), 401, "invalid_credentials");
        AppClient browser = browser();
        browser.signIn(USER.username(), NEW_PASSWORD_S21);
        assertThat(assertHtml(browser.get("/auth/password"), 200)).contains("autocomplete=\"current-password\"",
                "autocomplete=\"new-password\"");
        assertThat(assertHtml(browser.submit("password", passwordFields(NEW_PASSWORD_S21, USER.password(),
                USER.password()), true), 200)).contains("Your password has been changed.");
        assertThat(browser.signedIn()).isTrue();
    }

    @Test
    void s21ChangingThePasswordRenewsAnExpiredSessionOrSignsOut() {
        AppClient api = api();
        api.signIn(USER.username(), USER.password());
        this.service.expireTokens(USER.key());
        int refreshes = this.service.count("refresh");
        Map<String, String> fields = passwordFields(USER.password(), NEW_PASSWORD_S21, NEW_PASSWORD_S21);
        assertThat(api.submit("password", fields, true).status()).isEqualTo(200);
        assertThat(this.service.count("refresh") - refreshes).as("refresh calls").isEqualTo(1);
        assertThat(api.signedIn()).isTrue();
        api().signIn(USER.username(), NEW_PASSWORD_S21);
        AppClient other = api();
        other.signIn(USER.username(), NEW_PASSWORD_S21);
        this.service.expireTokens(USER.key());
        this.service.fault("refresh", Map.of("status", 401));
        Map<String, String> back = passwordFields(NEW_PASSWORD_S21, USER.password(), USER.password());
        assertError(other.submit("password", back, true), 401, "unauthorized");
        assertThat(other.signedIn()).as("signed out when the session could not be renewed").isFalse();
    }

    // -- S22: unverified accounts ----------------------------------------------------------------------

    private static final String VERIFY_FIRST = "Verify your email address first: use the link we sent you.";

    @Test
    void s22UnverifiedAccountGetsItsOwnMessage() {
        Assumptions.assumeTrue(this.service.steerable() || IdentityService.testUser("unverified").isPresent(),
                "needs an unverified test user");
        assertThat(assertError(api().login(UNVERIFIED.username(), UNVERIFIED.password(), null), 403, "unverified"))
            .isEqualTo(VERIFY_FIRST);
        AppClient browser = browser();
        assertThat(assertHtml(browser.login(UNVERIFIED.username(), UNVERIFIED.password(), null), 403))
            .contains(VERIFY_FIRST);
        assertThat(browser.signedIn()).isFalse();
        String token = this.service.mailedToken(UNVERIFIED.key(), "verify");
        String link = "/auth/verify?" + AcmeAuthController.VERIFY_TOKEN_PARAMETER + "="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
        AppClient.Answer opened = browser.get(link);
        assertThat(opened.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(assertHtml(opened, 200)).contains("Verify my email address");
        assertError(api().login(UNVERIFIED.username(), UNVERIFIED.password(), null), 403, "unverified");
        AppClient.Answer verified = api().submit("verify", Map.of("token", token), true);
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.json()).isEqualTo(JSON.readTree("{\"status\": \"verified\"}"));
        api().signIn(UNVERIFIED.username(), UNVERIFIED.password());
        assertError(api().submit("verify", Map.of("token", token), true), 400, "invalid_token");
        assertThat(assertHtml(browser().submit("verify", Map.of("token", token), true), 400))
            .contains("This link is not valid or was already used.");
    }

    @Test
    void s22VerifyLinksWithoutAUsableToken() {
        assertHtml(browser().get("/auth/verify"), 400);
        assertThat(assertError(api().submit("verify", Map.of(), true), 400, "invalid_token"))
            .isEqualTo(AcmeAuthController.INCOMPLETE_LINK);
        String token = this.service.mailedToken(UNVERIFIED.key(), "verify");
        this.service.expireLink(token);
        assertError(api().submit("verify", Map.of("token", token), true), 400, "expired_token");
        String page = assertHtml(browser().submit("verify", Map.of("token", "made-up-token"), true), 400);
        assertThat(page).contains("This link is not valid or was already used.");
    }

    // -- the rest of the HTTP contract ------------------------------------------------------------------

    /** What axios and jQuery's {@code getJSON} send: API clients on every route, guards included. */
    private static final List<String> HTTP_CLIENT_ACCEPTS = List.of("application/json, text/plain, */*",
            "application/json, text/javascript, */*; q=0.01");

    @Test
    void commonHttpClientsGetJsonFromTheGuards() {
        for (String accept : HTTP_CLIENT_ACCEPTS) {
            for (String path : List.of("/", "/admin")) {
                assertError(api().get(path, accept), 401, "unauthorized");
            }
            AppClient api = api();
            api.signIn(USER.username(), USER.password());
            assertError(api.get("/admin", accept), 403, "forbidden");
            assertThat(api.get("/", accept).json().get("message").asString()).isNotBlank();
        }
        assertThat(browser().get("/", "*/*").status()).as("*/* alone is a browser").isIn(302, 303);
    }

    @Test
    void anOverLongNextIsDroppedNeverAnError() {
        String tooLong = "/" + "a".repeat(10_000);
        AppClient.Answer answer = browser().login(USER.username(), USER.password(), tooLong);
        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.header("Location")).isEqualTo("/");
        String longest = "/" + "a/".repeat(1023) + "a";
        assertThat(browser().login(USER.username(), USER.password(), longest).header("Location")).isEqualTo(longest);
        String accents = "/caf\u00e9 cr\u00e8me";
        assertThat(browser().login(USER.username(), USER.password(), accents).header("Location"))
            .as("a Location header is ASCII").isEqualTo("/caf%C3%A9%20cr%C3%A8me");
        String wide = "/" + "\u4e2d".repeat(700);
        assertThat(browser().login(USER.username(), USER.password(), wide).header("Location"))
            .as("700 characters, 6,301 once percent-encoded").isEqualTo("/");
        String overLong = "/" + "a".repeat(AcmeAuthController.MAX_NEXT_LENGTH);
        AppClient.Answer page = browser().get("/auth/login?next=" + overLong);
        assertThat(assertHtml(page, 200)).doesNotContain(overLong);
        AppClient.Answer guarded = browser().get("/" + "a/".repeat(1500));
        assertThat(guarded.status()).isIn(302, 303);
        assertThat(guarded.header("Location")).as("no next too long to follow").endsWith("/auth/login");
    }

    @Test
    void aCsrfTokenInTheQueryStringIsIgnored() {
        for (AppClient client : List.of(api(), browser())) {
            AppClient.Csrf csrf = client.csrf();
            String login = client.route("login");
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("username", USER.username());
            fields.put("password", USER.password());
            String query = "?" + csrf.field() + "=" + URLEncoder.encode(csrf.token(), StandardCharsets.UTF_8);
            assertCsrfRefused(client, client.postForm(login + query, fields));
            assertThat(client.signedIn()).isFalse();
            fields.put(csrf.field(), csrf.token());
            AppClient.Answer answer = client.postForm(login + "?" + csrf.field() + "=not-the-token", fields);
            assertThat(answer.status()).as("the body's token counts").isEqualTo(client.isBrowser() ? 303 : 200);
        }
    }

    /**
     * Sign-in reads the username, the password and {@code next} from the body only: a query string (a link anyone can
     * send, which also lands in logs and history) neither fills a missing field nor replaces one the form has.
     */
    @Test
    void loginReadsItsFieldsFromTheBodyNeverTheQueryString() {
        String credentials = "?username=" + URLEncoder.encode(USER.username(), StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(USER.password(), StandardCharsets.UTF_8);
        for (AppClient client : List.of(api(), browser())) {
            AppClient.Answer fromQuery = client.submitTo(client.route("login") + credentials, Map.of(), client.csrf());
            if (client.isBrowser()) {
                assertHtml(fromQuery, 400);
            }
            else {
                assertError(fromQuery, 400, "invalid_input");
            }
            assertThat(client.signedIn()).as("credentials in the query string sign no one in").isFalse();
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("username", USER.username());
            fields.put("password", USER.password() + "-wrong");
            AppClient.Answer overridden = client.submitTo(client.route("login") + credentials, fields, client.csrf());
            assertThat(overridden.status()).as("the body's password counts").isEqualTo(401);
            assertThat(client.signedIn()).isFalse();
        }
        AppClient browser = browser();
        Map<String, String> fields = Map.of("username", USER.username(), "password", USER.password());
        AppClient.Answer answer = browser.submitTo(browser.route("login") + "?next=%2Fadmin", fields, browser.csrf());
        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.header("Location")).as("next from the query string of a post").isEqualTo("/");
    }

    @Test
    void anAcceptNoRouteCanProduceIs406WithoutInternals() {
        AppClient admin = api();
        admin.signIn(ADMIN.username(), ADMIN.password());
        for (String path : List.of("/", "/admin", "/auth/login", "/auth/me")) {
            AppClient.Answer answer = admin.get(path, "image/png");
            assertThat(answer.status()).as(path).isEqualTo(406);
            assertNoInternals(answer);
        }
    }

    @Test
    void aJsonBodyNestedTooDeepIs400() {
        String deepArray = "{\"username\": " + "[".repeat(10_000) + "]".repeat(10_000) + ", \"password\": \"x\"}";
        String deepObject = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        for (String body : List.of(deepArray, deepObject)) {
            AppClient.Answer answer = api().postRaw("login", body, AppClient.JSON_TYPE);
            assertError(answer, 400, "invalid_input");
            assertNoInternals(answer);
        }
    }

    // -- checks ----------------------------------------------------------------------------------------

    /** No stack trace, exception or source path in an answer. */
    private static void assertNoInternals(AppClient.Answer answer) {
        assertThat(answer.body()).doesNotContain("Exception", "\tat ", ".java", System.getProperty("user.dir"));
    }

    /** The answer is the contract's JSON error with this status and code; returns its message. */
    private static String assertError(AppClient.Answer answer, int status, String code) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.mediaType()).as("type of %s", answer).isEqualTo("application/json");
        JsonNode body = answer.json();
        assertThat(body.propertyNames()).containsExactly("error");
        assertThat(body.get("error").propertyNames()).containsExactlyInAnyOrder("code", "message");
        assertThat(body.get("error").get("code").asString()).isEqualTo(code);
        String message = body.get("error").get("message").asString();
        assertThat(message).isNotBlank();
        return message;
    }

    /** The answer is an HTML page with one of these statuses; returns it. */
    private static String assertHtml(AppClient.Answer answer, int... statuses) {
        assertThat(answer.status()).as("status of %s", answer).isIn(Arrays.stream(statuses).boxed().toList());
        assertThat(answer.mediaType()).as("type of %s", answer).isEqualTo("text/html");
        return answer.body();
    }

    private static void assertCsrfRefused(AppClient client, AppClient.Answer answer) {
        if (client.isBrowser()) {
            assertHtml(answer, 403);
        }
        else {
            assertError(answer, 403, "csrf_failed");
        }
    }

    private static void assertDisabled(AppClient.Answer answer) {
        if (answer.status() == 401) {
            assertError(answer, 401, "invalid_credentials");
        }
        else {
            assertError(answer, 403, "account_disabled");
        }
    }

    /** {@code me} holds every expected property with the same value (date-times as the same instant). */
    private static void assertMe(JsonNode me, JsonNode expected) {
        for (String name : expected.propertyNames()) {
            assertThat(me.has(name)).as("me has %s", name).isTrue();
            JsonNode want = expected.get(name);
            if (DATE_TIMES.contains(name) && want.isString()) {
                assertThat(OffsetDateTime.parse(me.get(name).asString()).toInstant()).as(name)
                    .isEqualTo(OffsetDateTime.parse(want.asString()).toInstant());
            }
            else if (name.equals("roles") && !IdentityService.get().steerable()) {
                // a real service adds roles of its own (Keycloak: default-roles-<realm>, offline_access)
                assertThat(me.get(name)).as("roles, at least").containsAll(want);
            }
            else {
                assertThat(me.get(name)).as(name).isEqualTo(want);
            }
        }
    }

    /** {@code fake}, or against a real service the user {@value IdentityService#TEST_USERS_ENV} gives for its key. */
    private static Fixture fixture(Fixture fake) {
        return IdentityService.testUser(fake.key())
            .map((given) -> new Fixture(fake.key(), given.get("username").asString(), given.get("password").asString(),
                    given.has("email") ? given.get("email").asString() : null, IdentityService.expectedMe(given)))
            .orElse(fake);
    }

    /** A fixture user of the fake: who it is, and what {@code me} answers for it. */
    private record Fixture(String key, String username, String password, String email, String me) {
    }

    /** A clock the tests move forward to see the session TTL pass. */
    static final class MutableClock extends Clock {

        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration duration) {
            this.now.updateAndGet((instant) -> instant.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return this.now.get();
        }

    }

    /**
     * The embedded server's live HTTP sessions, so that S17 can read what the starter keeps on the server: an
     * {@link HttpSessionListener} bean, which Spring Boot registers with the servlet container. It needs no hook in the
     * starter and no knowledge of the container (Tomcat's session manager would give the same).
     */
    static final class LiveSessions implements HttpSessionListener {

        private final Set<HttpSession> live = ConcurrentHashMap.newKeySet();

        @Override
        public void sessionCreated(HttpSessionEvent event) {
            this.live.add(event.getSession());
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            this.live.remove(event.getSession());
        }

        /**
         * The live session one of these cookie values names.
         * @param cookies the values of a client's cookies
         * @return the session, or {@code null} when none is live
         */
        HttpSession find(Collection<String> cookies) {
            return this.live.stream().filter((session) -> cookies.contains(session.getId())).findFirst().orElse(null);
        }

    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestSessions {

        @Bean
        LiveSessions liveSessions() {
            return new LiveSessions();
        }

    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {

        @Bean
        MutableClock clock() {
            return new MutableClock();
        }

    }

}
