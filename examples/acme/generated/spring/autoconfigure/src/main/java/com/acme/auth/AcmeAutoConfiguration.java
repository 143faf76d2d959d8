package com.acme.auth;

import java.time.Clock;
import java.util.Arrays;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.web.server.servlet.CookieSameSiteSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.ViewResolver;

/**
 * Signs users in to a servlet web application with Acme Identity, configured by the {@code acme.*} properties.
 * <p>
 * It adds the client, an {@code AuthenticationProvider}, the routes under {@code acme.route-prefix} with a security
 * filter chain of their own, and a default chain that requires a signed-in user everywhere else. That default backs off
 * when the application defines a {@link SecurityFilterChain} of its own, which then adds
 * {@code .with(AcmeSecurityConfigurer.acme(), Customizer.withDefaults())}. Every other bean backs off when the
 * application defines one of the same type.
 * <p>
 * Its pages are Thymeleaf views when Thymeleaf is on the class path; without it, the JSON answers work as they are
 * and pages can be static files.
 * <p>
 * It does not enable web security itself: Spring Boot's security auto-configuration does that, unless the application
 * does with an {@code @EnableWebSecurity} of its own.
 */
@AutoConfiguration(before = { SecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
        ServletWebSecurityAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, SecurityFilterChain.class })
@EnableConfigurationProperties(AcmeProperties.class)
public class AcmeAutoConfiguration {

    /** The name of the security filter chain of the integration's own routes. */
    public static final String ROUTES_FILTER_CHAIN = "acmeRoutesSecurityFilterChain";

    /** The name of the default security filter chain, which backs off for the application's own. */
    public static final String DEFAULT_FILTER_CHAIN = "acmeDefaultSecurityFilterChain";

    /** The order of the routes' chain: before the application's chains, which come last unless ordered. */
    public static final int ROUTES_FILTER_CHAIN_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    /**
     * The client, on a {@link RestClient} from Spring Boot's builder when there is one (the application's customizers
     * apply) and from Boot's choice of HTTP library, with the integration's timeout and no redirects followed.
     */
    @Bean
    @ConditionalOnMissingBean
    public AcmeClient acmeClient(AcmeProperties properties,
            ObjectProvider<RestClient.Builder> builders,
            ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactories,
            ObjectProvider<HttpClientSettings> settings) {
        HttpClientSettings ours = settings.getIfAvailable(HttpClientSettings::defaults)
            .withTimeouts(properties.getTimeout(), properties.getTimeout())
            .withRedirects(HttpRedirects.DONT_FOLLOW);
        RestClient http = builders.getIfAvailable(RestClient::builder)
            .requestFactory(requestFactories.getIfAvailable(ClientHttpRequestFactoryBuilder::detect).build(ours))
            .build();
        return new AcmeClient(properties, http);
    }

    @Bean
    @ConditionalOnMissingBean
    public AcmeAuthenticationProvider acmeAuthenticationProvider(AcmeClient client,
            ObjectProvider<Clock> clock) {
        return new AcmeAuthenticationProvider(client, clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    public AcmeSessionRefresher acmeSessionRefresher(AcmeClient client) {
        return new AcmeSessionRefresher(client);
    }

    @Bean
    @ConditionalOnMissingBean
    public CsrfTokenRepository acmeCsrfTokenRepository() {
        return new HttpSessionCsrfTokenRepository();
    }

    /** Reads the CSRF token from the header or a form's body only, never from the query string. */
    @Bean
    @ConditionalOnMissingBean
    public CsrfTokenRequestHandler acmeCsrfTokenRequestHandler() {
        return new FormBodyCsrfTokenRequestHandler();
    }

    @Bean
    @ConditionalOnMissingBean
    public AcmeLoginThrottle acmeLoginThrottle(AcmeProperties properties,
            ObjectProvider<Clock> clock) {
        return new AcmeLoginThrottle(properties.getLoginLimit(), clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    public SecurityContextRepository acmeSecurityContextRepository() {
        return new DelegatingSecurityContextRepository(new RequestAttributeSecurityContextRepository(),
                new HttpSessionSecurityContextRepository());
    }

    @Bean
    @ConditionalOnMissingBean
    public AcmeAuthenticationEntryPoint acmeAuthenticationEntryPoint(
            AcmeProperties properties) {
        return new AcmeAuthenticationEntryPoint(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    public AcmeAccessDeniedHandler acmeAccessDeniedHandler(AcmeProperties properties,
            AcmePages pages) {
        return new AcmeAccessDeniedHandler(properties, pages);
    }

    @Bean
    @ConditionalOnMissingBean
    public AcmeErrorResolver acmeErrorResolver(AcmeProperties properties) {
        return new AcmeErrorResolver(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    public AcmeAuthController acmeAuthController(AcmeProperties properties,
            AcmeClient client, AcmeAuthenticationProvider provider,
            ObjectProvider<AuthenticationEventPublisher> events, SecurityContextRepository securityContextRepository,
            CsrfTokenRepository csrfTokens, AcmeLoginThrottle throttle, AcmePages pages,
            AcmeSessionRefresher refresher) {
        ProviderManager authenticationManager = new ProviderManager(provider);
        events.ifUnique(authenticationManager::setAuthenticationEventPublisher);
        return new AcmeAuthController(properties, client, authenticationManager, securityContextRepository,
                csrfTokens, throttle, pages, refresher);
    }

    /**
     * Makes the session cookie {@code SameSite=Lax}, unless {@code server.servlet.session.cookie.same-site} says
     * otherwise; the servlet container already makes it {@code HttpOnly}.
     */
    @Bean
    @ConditionalOnMissingBean(name = "acmeSessionCookieSameSite")
    public CookieSameSiteSupplier acmeSessionCookieSameSite(Environment environment) {
        return CookieSameSiteSupplier.ofLax()
            .whenHasName(() -> environment.getProperty("server.servlet.session.cookie.name", "JSESSIONID"));
    }

    /**
     * The integration's routes: open to everyone (changing the password to signed-in users), with CSRF protection
     * and the signed-in user kept current.
     */
    @Bean(name = ROUTES_FILTER_CHAIN)
    @Order(ROUTES_FILTER_CHAIN_ORDER)
    @ConditionalOnMissingBean(name = ROUTES_FILTER_CHAIN)
    public SecurityFilterChain acmeRoutesSecurityFilterChain(HttpSecurity http,
            AcmeProperties properties, CsrfTokenRepository csrfTokens, CsrfTokenRequestHandler csrfRequests,
            SecurityContextRepository securityContextRepository) {
        http.securityMatcher(properties.getRoutePrefix() + "/**")
            .authorizeHttpRequests((requests) -> requests
                // changing the password needs a signed-in user (anyone else is sent to sign in first)
                .requestMatchers(properties.getRoutePrefix() + "/password").authenticated()
                .anyRequest().permitAll())
            .csrf((csrf) -> csrf.csrfTokenRepository(csrfTokens).csrfTokenRequestHandler(csrfRequests))
            .securityContext((context) -> context.securityContextRepository(securityContextRepository))
            .logout(AbstractHttpConfigurer::disable)
            .with(AcmeSecurityConfigurer.acme(), Customizer.withDefaults());
        return http.build();
    }

    /** Every other request needs a signed-in user; backs off when the application has a chain of its own. */
    @Bean(name = DEFAULT_FILTER_CHAIN)
    @Conditional(OnNoApplicationFilterChain.class)
    public SecurityFilterChain acmeDefaultSecurityFilterChain(HttpSecurity http, CsrfTokenRepository csrfTokens,
            CsrfTokenRequestHandler csrfRequests, SecurityContextRepository securityContextRepository) {
        http.authorizeHttpRequests((requests) -> requests
                // an error page (404, 405 ...) is shown as it is, not turned into a sign-in
                .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                .anyRequest().authenticated())
            .csrf((csrf) -> csrf.csrfTokenRepository(csrfTokens).csrfTokenRequestHandler(csrfRequests))
            .securityContext((context) -> context.securityContextRepository(securityContextRepository))
            .logout(AbstractHttpConfigurer::disable)
            .with(AcmeSecurityConfigurer.acme(), Customizer.withDefaults());
        return http.build();
    }

    /** The pages as Thymeleaf views, when Thymeleaf is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.thymeleaf.spring6.view.ThymeleafViewResolver")
    static class ThymeleafPagesConfiguration {

        @Bean
        @ConditionalOnMissingBean
        AcmePages acmePages(AcmeProperties properties,
                @Qualifier("thymeleafViewResolver") ViewResolver viewResolver, ResourceLoader resourceLoader) {
            return new AcmePages(properties, viewResolver, resourceLoader);
        }

    }

    /**
     * Without Thymeleaf, pages only as static files ({@code acme.pages.*} set to {@code classpath:} or
     * {@code file:} resources); the JSON answers need none.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.thymeleaf.spring6.view.ThymeleafViewResolver")
    static class StaticPagesConfiguration {

        @Bean
        @ConditionalOnMissingBean
        AcmePages acmePages(AcmeProperties properties, ResourceLoader resourceLoader) {
            return new AcmePages(properties, null, resourceLoader);
        }

    }

    /**
     * With the HTTP sessions in Redis ({@code acme.redis-url}), the instances renew each service session once
     * between them, through the same Redis; the renewed session is serialized as Spring Session serializes the HTTP
     * sessions ({@code springSessionDefaultRedisSerializer} when the application defines it, else Java
     * serialization).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(StringRedisTemplate.class)
    @Conditional(OnRedisSessions.class)
    static class RedisSessionRefresherConfiguration {

        @Bean
        @ConditionalOnMissingBean
        AcmeSessionRefresher acmeSessionRefresher(AcmeClient client, StringRedisTemplate redis,
                @Qualifier("springSessionDefaultRedisSerializer") ObjectProvider<RedisSerializer<Object>> serializer,
                ResourceLoader resourceLoader) {
            RedisTemplate<String, Object> renewed = new RedisTemplate<>();
            renewed.setConnectionFactory(redis.getRequiredConnectionFactory());
            renewed.setKeySerializer(RedisSerializer.string());
            renewed.setValueSerializer(
                    serializer.getIfAvailable(() -> RedisSerializer.java(resourceLoader.getClassLoader())));
            renewed.afterPropertiesSet();
            return new AcmeRedisSessionRefresher(client, redis, renewed, "acme:refresh:");
        }

    }

    /** Matches when the HTTP sessions are kept in Redis, as {@link AcmeSessionStoreFilter} decides. */
    static class OnRedisSessions extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConditionMessage.Builder message = ConditionMessage.forCondition("Redis sessions");
            String property = AcmeSessionStoreFilter.REDIS_URL;
            if (AcmeSessionStoreFilter.redisSessions(context.getEnvironment())) {
                return ConditionOutcome.match(message.foundExactly(property));
            }
            return ConditionOutcome.noMatch(message.didNotFind("property").items(property));
        }

    }

    /** Matches when the application defines no {@link SecurityFilterChain} besides the integration's routes' one. */
    static class OnNoApplicationFilterChain extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConditionMessage.Builder message = ConditionMessage.forCondition("application SecurityFilterChain");
            ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
            String[] chains = (beanFactory != null)
                    ? beanFactory.getBeanNamesForType(SecurityFilterChain.class, true, false) : new String[0];
            String[] others = Arrays.stream(chains)
                .filter((name) -> !ROUTES_FILTER_CHAIN.equals(name) && !DEFAULT_FILTER_CHAIN.equals(name))
                .toArray(String[]::new);
            if (others.length > 0) {
                return ConditionOutcome.noMatch(message.found("bean", "beans").items((Object[]) others));
            }
            return ConditionOutcome.match(message.didNotFind("bean").atAll());
        }

    }

}
