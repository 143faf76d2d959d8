package com.acme.example;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The failed sign-in throttle ({@code acme.login-limit.*}) against the example application over real HTTP: 3 failures
 * per username and 10 per client address within a minute. Each test starts after the window of the one before. With the
 * service's own timeout (the smoke tests shorten it), this is also where concurrent sign-ins are tried.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "acme.login-limit.per-account=3", "acme.login-limit.per-client=10",
                "acme.login-limit.window=1m" })
@AutoConfigureMockMvc
class AcmeLoginLimitTests {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private static final String MESSAGE = "Too many failed sign-in attempts. Try again later.";

    /** A user of the fake, and a password it does not have. */
    private static final String USERNAME = "user@example.com";

    private static final String PASSWORD = "user pass+2&:%";

    private static final String WRONG = PASSWORD + "-wrong";

    @LocalServerPort
    private int port;

    @Autowired
    private MockMvc mvc;

    @Autowired
    private AcmeSmokeTests.MutableClock clock;

    private final IdentityService service = IdentityService.get();

    @DynamicPropertySource
    static void service(DynamicPropertyRegistry registry) {
        AcmeSmokeTests.service(registry);
        // The spec's timeout, not the smoke tests' short one: twenty sign-ins at once keep the fake busy for a while.
        registry.add("acme.timeout", IdentityService::specTimeout);
    }

    @BeforeEach
    void startAfterTheLastWindow() {
        this.clock.advance(WINDOW.plusSeconds(1));
    }

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

    @Test
    void failuresUpToTheAccountLimitAreAnsweredThenItIs429() {
        for (int i = 0; i < 3; i++) {
            assertThat(api().login(USERNAME, WRONG, null).status()).isEqualTo(401);
        }
        AppClient.Answer refused = api().login(USERNAME, WRONG, null);
        assertTooManyAttempts(refused);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, WINDOW.toSeconds());
        AppClient.Answer page = AppClient.browser(this.port).login(USERNAME, WRONG, null);
        assertThat(page.status()).isEqualTo(429);
        assertThat(page.mediaType()).isEqualTo("text/html");
        assertThat(page.body()).contains(MESSAGE);
        assertThat(page.header("Retry-After")).isNotNull();
        this.clock.advance(WINDOW);
        assertThat(api().login(USERNAME, PASSWORD, null).status()).as("after the window").isEqualTo(200);
    }

    @Test
    void knownAndUnknownAccountsAreThrottledAlike() {
        String unknown = "nobody-" + UUID.randomUUID() + "@example.invalid";
        for (int i = 0; i < 3; i++) {
            api().login(USERNAME, WRONG, null);
            api().login(unknown, WRONG, null);
        }
        AppClient.Answer known = api().login(USERNAME, WRONG, null);
        AppClient.Answer other = api().login(unknown, WRONG, null);
        assertTooManyAttempts(known);
        assertTooManyAttempts(other);
        assertThat(other.body()).isEqualTo(known.body());
        assertThat(other.header("Retry-After")).isEqualTo(known.header("Retry-After"));
    }

    @Test
    void theUsernameIsCountedTrimmedAndInAnyCase() {
        for (String variant : List.of(USERNAME, "  " + USERNAME + " ", USERNAME.toUpperCase())) {
            assertThat(api().login(variant, WRONG, null).status()).isEqualTo(401);
        }
        assertTooManyAttempts(api().login(USERNAME, WRONG, null));
    }

    @Test
    void theRightPasswordDuringALockoutIs429WithoutAskingTheService() {
        for (int i = 0; i < 3; i++) {
            api().login(USERNAME, WRONG, null);
        }
        int calls = this.service.count("login");
        AppClient api = api();
        assertTooManyAttempts(api.login(USERNAME, PASSWORD, null));
        assertThat(api.signedIn()).isFalse();
        assertThat(this.service.count("login")).as("calls to the service").isEqualTo(calls);
    }

    @Test
    void aSuccessClearsTheAccountsCount() {
        for (int i = 0; i < 2; i++) {
            api().login(USERNAME, WRONG, null);
        }
        assertThat(api().login(USERNAME, PASSWORD, null).status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(api().login(USERNAME, WRONG, null).status()).as("failure %d after the success", i + 1)
                .isEqualTo(401);
        }
        assertTooManyAttempts(api().login(USERNAME, WRONG, null));
    }

    @Test
    void aServiceThatIsDownCountsForNothing() {
        this.service.fault("login", Map.of("status", 503));
        for (int i = 0; i < 4; i++) {
            assertThat(api().login(USERNAME, WRONG, null).status()).isEqualTo(503);
        }
        this.service.reset();
        assertThat(api().login(USERNAME, WRONG, null).status()).isEqualTo(401);
    }

    @Test
    void failuresFromOneAddressAreCountedAcrossUsernames() throws Exception {
        for (int i = 0; i < 9; i++) {
            String username = "nobody-" + i + "-" + UUID.randomUUID() + "@example.invalid";
            assertThat(api().login(username, WRONG, null).status()).isEqualTo(401);
        }
        assertThat(api().login(USERNAME, PASSWORD, null).status()).as("a success").isEqualTo(200);
        assertThat(api().login("nobody-9@example.invalid", WRONG, null).status()).isEqualTo(401);
        assertTooManyAttempts(api().login(USERNAME, PASSWORD, null));
        assertThat(signInFrom("192.0.2.7").getResponse().getStatus()).as("another address").isEqualTo(200);
    }

    @Test
    void twentyConcurrentSignInsAllSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                statuses.add(pool.submit(() -> api().login(USERNAME, PASSWORD, null).status()));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    private MvcResult signInFrom(String address) throws Exception {
        String body = JsonMapper.shared().writeValueAsString(Map.of("username", USERNAME, "password", PASSWORD));
        return this.mvc.perform(post("/auth/login").with(csrf()).with((request) -> {
            request.setRemoteAddr(address);
            return request;
        }).contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON).content(body)).andReturn();
    }

    private static void assertTooManyAttempts(AppClient.Answer answer) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(429);
        assertThat(answer.mediaType()).isEqualTo("application/json");
        JsonNode error = answer.json().get("error");
        assertThat(error.get("code").asString()).isEqualTo("too_many_attempts");
        assertThat(error.get("message").asString()).isEqualTo(MESSAGE);
        assertThat(Long.parseLong(answer.header("Retry-After"))).isPositive();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {

        @Bean
        AcmeSmokeTests.MutableClock clock() {
            return new AcmeSmokeTests.MutableClock();
        }

    }

}
