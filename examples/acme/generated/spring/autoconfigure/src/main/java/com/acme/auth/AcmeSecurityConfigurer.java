package com.acme.auth;

import java.time.Clock;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * Puts Acme Identity sign-in into a {@code SecurityFilterChain} of the application's own:
 * <pre>{@code
 * SecurityFilterChain app(HttpSecurity http) {    // a bean of the application's configuration
 *     http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
 *         .with(AcmeSecurityConfigurer.acme(), Customizer.withDefaults());
 *     return http.build();
 * }
 * }</pre>
 * It sends anonymous browsers to the login page and API clients a 401, answers a missing role or CSRF token with 403,
 * and keeps the signed-in user current (see {@link AcmeUserRefreshFilter}). The integration's own routes under
 * {@code acme.route-prefix} have a chain of their own and need nothing from the application's chain.
 */
public class AcmeSecurityConfigurer
        extends AbstractHttpConfigurer<AcmeSecurityConfigurer, HttpSecurity> {

    /**
     * The configurer, for {@code http.with(...)}.
     * @return a new configurer
     */
    public static AcmeSecurityConfigurer acme() {
        return new AcmeSecurityConfigurer();
    }

    @Override
    public void init(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        http.exceptionHandling((exceptions) -> exceptions
                .authenticationEntryPoint(context.getBean(AcmeAuthenticationEntryPoint.class))
                .accessDeniedHandler(context.getBean(AcmeAccessDeniedHandler.class)));
        // The login page says where to go back to (`next`): no saved request, and no session for anonymous visits.
        http.requestCache((cache) -> cache.requestCache(new NullRequestCache()));
    }

    @Override
    public void configure(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        Clock clock = context.getBeanProvider(Clock.class).getIfUnique(Clock::systemUTC);
        AcmeClient client = context.getBean(AcmeClient.class);
        AcmeProperties properties = context.getBean(AcmeProperties.class);
        SecurityContextRepository repository = context.getBean(SecurityContextRepository.class);
        AcmePages pages = context.getBean(AcmePages.class);
        AcmeSessionRefresher refresher = context.getBean(AcmeSessionRefresher.class);
        http.addFilterBefore(new AcmeUserRefreshFilter(client, properties, clock, repository, pages, refresher),
                AnonymousAuthenticationFilter.class);
    }

}
