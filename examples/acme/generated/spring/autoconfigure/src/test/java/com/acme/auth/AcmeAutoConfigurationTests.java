package com.acme.auth;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.thymeleaf.autoconfigure.ThymeleafAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The auto-configuration on its own: what a missing property does, what backs off for the application's beans, and
 * where the settings come from. The smoke tests S1-S22 run against the example application.
 */
class AcmeAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AcmeAutoConfiguration.class, ThymeleafAutoConfiguration.class,
                SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class));

    private final WebApplicationContextRunner configured = this.runner.withPropertyValues(
            "acme.api-key=test",
            "acme.application-id=test");

    @Test
    void startupFailsNamingEachMissingProperty() {
        this.runner.run((context) -> {
            assertThat(context).hasFailed();
            String message = rootMessage(context.getStartupFailure());
            assertThat(message).contains("acme.api-key", "ACME_API_KEY");
            assertThat(message).contains("acme.application-id", "ACME_APP_ID");
        });
    }

    /** Without Bean Validation (the auto-configuration module alone), the properties check what must be set. */
    @Test
    void withoutBeanValidationStartupStillFailsNamingEachMissingProperty() {
        this.runner.withClassLoader(new FilteredClassLoader("jakarta.validation")).run((context) -> {
            assertThat(context).hasFailed();
            String message = rootMessage(context.getStartupFailure());
            assertThat(message).contains("acme.api-key", "ACME_API_KEY");
            assertThat(message).contains("acme.application-id", "ACME_APP_ID");
        });
    }

    @Test
    void startupFailsOnAnInvalidProperty() {
        this.configured.withPropertyValues("acme.branding.primary-color=red;}body{display:none")
            .run((context) -> assertThat(context).hasFailed());
    }

    @Test
    void theApplicationGetsTheDefaultFilterChain() {
        this.configured.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasBean(AcmeAutoConfiguration.ROUTES_FILTER_CHAIN);
            assertThat(context).hasBean(AcmeAutoConfiguration.DEFAULT_FILTER_CHAIN);
            assertThat(context).hasSingleBean(AcmeClient.class);
            assertThat(context).hasSingleBean(AcmeAuthenticationProvider.class);
        });
    }

    @Test
    void theDefaultFilterChainBacksOffForTheApplicationsOwn() {
        this.configured.withUserConfiguration(OwnChain.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasBean(AcmeAutoConfiguration.ROUTES_FILTER_CHAIN);
            assertThat(context).doesNotHaveBean(AcmeAutoConfiguration.DEFAULT_FILTER_CHAIN);
            assertThat(context).hasBean("ownChain");
        });
    }

    /**
     * An auto-configuration that enables web security decides for the application (and clashes with its own
     * {@code @EnableWebSecurity(debug = ...)}); Spring Boot's own enables it only when the application has not.
     */
    @Test
    void webSecurityIsEnabledByBootNotByTheStarter() {
        assertThat(AcmeAutoConfiguration.class.getAnnotation(EnableWebSecurity.class)).isNull();
        this.configured.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasBean("springSecurityFilterChain");
        });
    }

    @Test
    void theApplicationsBeansReplaceTheStartersOwn() {
        this.configured.withUserConfiguration(OwnClient.class).run((context) -> {
            assertThat(context).hasSingleBean(AcmeClient.class);
            AcmeClient own = context.getBean(OwnClient.class).client;
            assertThat(context.getBean(AcmeClient.class)).isSameAs(own);
        });
    }

    @Test
    void theApplicationsSecurityPiecesReplaceTheStartersOwn() {
        this.configured.withUserConfiguration(OwnSecurityPieces.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CsrfTokenRepository.class)).isSameAs(OwnSecurityPieces.CSRF_TOKENS);
            assertThat(context.getBean(SecurityContextRepository.class)).isSameAs(OwnSecurityPieces.CONTEXTS);
            assertThat(context).hasBean(AcmeAutoConfiguration.ROUTES_FILTER_CHAIN);
        });
    }

    /** The pages need Thymeleaf; the JSON answers, the client and the security chains do not. */
    @Test
    void withoutThymeleafTheRestStillWorks() {
        this.configured.withClassLoader(new FilteredClassLoader("org.thymeleaf")).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("thymeleafViewResolver");
            assertThat(context).hasSingleBean(AcmeClient.class);
            assertThat(context).hasSingleBean(AcmeAuthController.class);
            assertThat(context).hasSingleBean(AcmePages.class);
            assertThat(context).hasBean(AcmeAutoConfiguration.ROUTES_FILTER_CHAIN);
        });
    }

    @Test
    void withoutWebMvcTheAutoConfigurationBacksOff() {
        this.configured.withClassLoader(new FilteredClassLoader(DispatcherServlet.class)).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(AcmeClient.class);
            assertThat(context).doesNotHaveBean(AcmeAutoConfiguration.ROUTES_FILTER_CHAIN);
        });
    }

    /** The client is built from Boot's {@code RestClient.Builder}: the application's customizers apply to it. */
    @Test
    void theClientIsBuiltWithTheApplicationsRestClientCustomizers() {
        this.configured.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
            .withUserConfiguration(CountingCustomizer.class)
            .run((context) -> {
                assertThat(context).hasSingleBean(AcmeClient.class);
                assertThat(context.getBean(CountingCustomizer.class).calls.get()).isPositive();
            });
    }

    @Test
    void theSpecsEnvironmentVariablesAreFallbacks() {
        Map<String, Object> variables = Map.of(
                "ACME_BASE_URL", "from-the-environment",
                "ACME_API_KEY", "from-the-environment",
                "ACME_APP_ID", "from-the-environment");
        StandardEnvironment environment = new StandardEnvironment() {

            @Override
            public Map<String, Object> getSystemEnvironment() {
                return variables;
            }

        };
        environment.getPropertySources().addFirst(new MapPropertySource("application",
                Map.of("acme.application-id", "from-the-application")));
        new AcmeEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("acme.base-url")).isEqualTo("from-the-environment");
        assertThat(environment.getProperty("acme.api-key")).isEqualTo("from-the-environment");
        assertThat(environment.getProperty("acme.application-id")).isEqualTo("from-the-application");
    }

    @Test
    void theRedisUrlFallsBackToTheEnvironmentAndConnectsSpringDataRedis() {
        StandardEnvironment environment = new StandardEnvironment() {

            @Override
            public Map<String, Object> getSystemEnvironment() {
                return Map.of("ACME_REDIS_URL", "redis://127.0.0.1:6380/1");
            }

        };
        new AcmeEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("acme.redis-url")).isEqualTo("redis://127.0.0.1:6380/1");
        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://127.0.0.1:6380/1");
    }

    @Test
    void theApplicationsOwnRedisConnectionWins() {
        MockEnvironment environment = new MockEnvironment()
            .withProperty("acme.redis-url", "redis://127.0.0.1:6380/1")
            .withProperty("spring.data.redis.url", "redis://redis.internal:6379/2");
        new AcmeEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://redis.internal:6379/2");
    }

    @Test
    void sessionsStayInMemoryUnlessTheRedisUrlIsSet() {
        String[] candidates = { AcmeSessionStoreFilter.REDIS_SESSIONS,
                AcmeAutoConfiguration.class.getName() };
        AcmeSessionStoreFilter filter = new AcmeSessionStoreFilter();
        filter.setEnvironment(new MockEnvironment());
        assertThat(filter.match(candidates, null)).containsExactly(false, true);
        filter.setEnvironment(new MockEnvironment().withProperty("acme.redis-url", " "));
        assertThat(filter.match(candidates, null)).containsExactly(false, true);
        filter.setEnvironment(new MockEnvironment().withProperty("acme.redis-url", "redis://127.0.0.1:6379/0"));
        assertThat(filter.match(candidates, null)).containsExactly(true, true);
    }

    /** With the sessions in Redis, the instances renew each service session once between them, through Redis. */
    @Test
    void withRedisSessionsRenewalsAreSharedThroughRedis() {
        WebApplicationContextRunner redis = this.configured
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class));
        redis.withPropertyValues("acme.redis-url=redis://127.0.0.1:6380/1").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).getBean(AcmeSessionRefresher.class)
                .isInstanceOf(AcmeRedisSessionRefresher.class);
        });
        redis.run((context) -> assertThat(context).getBean(AcmeSessionRefresher.class)
            .isExactlyInstanceOf(AcmeSessionRefresher.class));
        this.configured.withPropertyValues("acme.redis-url=redis://127.0.0.1:6380/1")
            .withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
            .run((context) -> assertThat(context).getBean(AcmeSessionRefresher.class)
                .isExactlyInstanceOf(AcmeSessionRefresher.class));
        redis.withPropertyValues("acme.redis-url=redis://127.0.0.1:6380/1")
            .withUserConfiguration(OwnRefresher.class)
            .run((context) -> assertThat(context).getBean(AcmeSessionRefresher.class)
                .isSameAs(context.getBean(OwnRefresher.class).refresher));
    }

    @Test
    void theSessionStoreFilterIsRegisteredWithBoot() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(AutoConfigurationImportFilter.class))
            .hasAtLeastOneElementOfType(AcmeSessionStoreFilter.class);
    }

    @Test
    void theLoginLimitIsOffByDefault() {
        this.configured.run((context) -> {
            AcmeProperties.LoginLimit limit = context.getBean(AcmeProperties.class).getLoginLimit();
            assertThat(limit.getPerAccount()).isZero();
            assertThat(limit.getPerClient()).isZero();
            assertThat(limit.getWindow()).isEqualTo(Duration.ofMinutes(5));
            AcmeLoginThrottle throttle = context.getBean(AcmeLoginThrottle.class);
            for (int i = 0; i < 100; i++) {
                throttle.failed("someone", "192.0.2.1");
            }
            assertThat(throttle.secondsToWait("someone", "192.0.2.1")).isZero();
        });
    }

    @Test
    void theLoginLimitIsReadFromTheEnvironment() {
        Map<String, Object> variables = Map.of("ACME_LOGIN_LIMIT_PER_ACCOUNT", "8",
                "ACME_LOGIN_LIMIT_PER_CLIENT", "20", "ACME_LOGIN_LIMIT_WINDOW", "4");
        this.configured
            .withInitializer((context) -> context.getEnvironment().getPropertySources().replace(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
            .run((context) -> {
                AcmeProperties.LoginLimit limit = context.getBean(AcmeProperties.class).getLoginLimit();
                assertThat(limit.getPerAccount()).isEqualTo(8);
                assertThat(limit.getPerClient()).isEqualTo(20);
                assertThat(limit.getWindow()).isEqualTo(Duration.ofSeconds(4));
            });
    }

    @Test
    void anInvalidLoginLimitStopsTheStart() {
        this.configured.withPropertyValues("acme.login-limit.per-account=-1")
            .run((context) -> assertThat(context).hasFailed());
        this.configured.withPropertyValues("acme.login-limit.window=0s")
            .run((context) -> assertThat(context).hasFailed());
    }

    @Test
    void aUserRecordWithoutItsRequiredFieldsFailsClosed() {
        // The service answered, but not what the spec says: 502 failed, naming the field for the log.
        assertThatExceptionOfType(AcmeServiceException.class)
            .isThrownBy(() -> AcmeUser.fromRecord(JsonMapper.shared().readTree("{}")))
            .satisfies((failure) -> {
                assertThat(failure.getCode()).isEqualTo("failed");
                assertThat(failure.getStatus()).isEqualTo(502);
                assertThat(failure.getMessage()).startsWith("get_user: field ");
            });
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnChain {

        @Bean
        SecurityFilterChain ownChain(HttpSecurity http) {
            http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
                .with(AcmeSecurityConfigurer.acme(), (acme) -> {
                });
            return http.build();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class OwnSecurityPieces {

        static final CsrfTokenRepository CSRF_TOKENS = CookieCsrfTokenRepository.withHttpOnlyFalse();

        static final SecurityContextRepository CONTEXTS = new HttpSessionSecurityContextRepository();

        @Bean
        CsrfTokenRepository ownCsrfTokens() {
            return CSRF_TOKENS;
        }

        @Bean
        SecurityContextRepository ownSecurityContexts() {
            return CONTEXTS;
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class CountingCustomizer {

        final AtomicInteger calls = new AtomicInteger();

        @Bean
        RestClientCustomizer countingCustomizer() {
            return (builder) -> this.calls.incrementAndGet();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRefresher {

        final AcmeSessionRefresher refresher = new AcmeSessionRefresher(OwnClient.create());

        @Bean
        AcmeSessionRefresher ownRefresher() {
            return this.refresher;
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {

        final AcmeClient client = create();

        static AcmeClient create() {
            return new AcmeClient(properties(), RestClient.create());
        }

        @Bean
        AcmeClient ownClient() {
            return this.client;
        }

        private static AcmeProperties properties() {
            AcmeProperties properties = new AcmeProperties();
            properties.setBaseUrl("https://id.example");
            return properties;
        }

    }

}
