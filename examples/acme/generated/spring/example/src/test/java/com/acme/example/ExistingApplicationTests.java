package com.acme.example;

import java.security.Principal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that existed before the starter, with its own {@code SecurityFilterChain} (its own rules, its own
 * answer to anonymous requests, a form route of its own that takes no CSRF token) and its own controller: adding the
 * starter changes none of it, and the starter's routes still sign users in with Acme Identity.
 */
@SpringBootTest(classes = ExistingApplicationTests.ExistingApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT)
class ExistingApplicationTests {

    /** What the application answers anonymous requests to its private pages: not the starter's 401 or redirect. */
    private static final HttpStatus OWN_ANSWER = HttpStatus.PAYMENT_REQUIRED;

    private static final String USERNAME = IdentityService.testUser("user")
        .map((user) -> user.get("username").asString())
        .orElse("user@example.com");

    private static final String PASSWORD = IdentityService.testUser("user")
        .map((user) -> user.get("password").asString())
        .orElse("user pass+2&:%");

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void service(DynamicPropertyRegistry registry) {
        registry.add("acme.base-url", () -> IdentityService.get().url());
        registry.add("acme.timeout", IdentityService::timeout);
        registry.add("acme.api-key",
                () -> IdentityService.setting("ACME_TEST_API_KEY", "test-api-key"));
        registry.add("acme.application-id",
                () -> IdentityService.setting("ACME_TEST_APPLICATION_ID", "test-application-id"));
    }

    @Test
    void theApplicationsOwnRoutesAndRulesAreUnchanged() {
        AppClient browser = AppClient.browser(this.port);
        AppClient.Answer noted = browser.postForm("/notes", Map.of("text", "hello"));
        assertThat(noted.status()).as("its own form post, without a CSRF token").isEqualTo(200);
        assertThat(noted.body()).isEqualTo("noted: hello");
        assertThat(browser.get("/public").status()).isEqualTo(200);
        assertThat(browser.get("/private").status()).as("its own answer to anonymous requests")
            .isEqualTo(OWN_ANSWER.value());
        assertThat(AppClient.api(this.port).get("/private").status()).isEqualTo(OWN_ANSWER.value());
    }

    @Test
    void theStartersRoutesStillSignUsersInForTheApplication() {
        AppClient api = AppClient.api(this.port);
        assertThat(api.submit("login", Map.of("username", USERNAME, "password", PASSWORD), false).status())
            .as("the starter's routes keep their CSRF protection").isEqualTo(403);
        api.signIn(USERNAME, PASSWORD);
        assertThat(api.me().status()).isEqualTo(200);
        AppClient.Answer own = api.get("/private");
        assertThat(own.status()).as("the application's own chain sees the signed-in user").isEqualTo(200);
        assertThat(own.body()).isEqualTo("private to " + USERNAME);
        assertThat(api.logout(true).status()).isEqualTo(204);
        assertThat(api.get("/private").status()).isEqualTo(OWN_ANSWER.value());
        AppClient browser = AppClient.browser(this.port);
        assertThat(browser.signIn(USERNAME, PASSWORD).header("Location")).isEqualTo("/");
        assertThat(browser.get("/private").status()).isEqualTo(200);
    }

    /**
     * The application as it was before the starter: its security rules and its controller. A test configuration, so
     * that the example application's component scan in the other tests leaves it out.
     */
    @TestConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Notes.class)
    static class ExistingApplication {

        @Bean
        SecurityFilterChain applicationChain(HttpSecurity http) {
            http.authorizeHttpRequests((requests) -> requests
                    .requestMatchers("/public", "/notes").permitAll()
                    .anyRequest().authenticated())
                .csrf((csrf) -> csrf.ignoringRequestMatchers("/notes"))
                .exceptionHandling((exceptions) -> exceptions
                    .authenticationEntryPoint(new HttpStatusEntryPoint(OWN_ANSWER)));
            return http.build();
        }

    }

    @RestController
    @TestComponent
    static class Notes {

        @PostMapping("/notes")
        String note(@RequestParam String text) {
            return "noted: " + text;
        }

        @GetMapping("/public")
        String open() {
            return "public";
        }

        @GetMapping("/private")
        String closed(Principal principal) {
            return "private to " + principal.getName();
        }

    }

}
