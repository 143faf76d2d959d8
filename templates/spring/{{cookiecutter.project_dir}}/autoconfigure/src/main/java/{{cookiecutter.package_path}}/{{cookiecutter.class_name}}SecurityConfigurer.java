{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.time.Clock;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
{% filter javawrap %}Puts {{ cookiecutter.service_name | javadoc }} sign-in into a {@code SecurityFilterChain} of the application's own:{% endfilter %}
 * <pre>{@code
 * SecurityFilterChain app(HttpSecurity http) {    // a bean of the application's configuration
 *     http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
 *         .with({{ N }}SecurityConfigurer.{{ cookiecutter.slug }}(), Customizer.withDefaults());
 *     return http.build();
 * }
 * }</pre>
 * It sends anonymous browsers to the login page and API clients a 401, answers a missing role or CSRF token with 403,
 * and keeps the signed-in user current (see {@link {{ N }}UserRefreshFilter}). The integration's own routes under
 * {@code {{ cookiecutter.slug }}.route-prefix} have a chain of their own and need nothing from the application's chain.
 */
public class {{ N }}SecurityConfigurer
        extends AbstractHttpConfigurer<{{ N }}SecurityConfigurer, HttpSecurity> {

    /**
     * The configurer, for {@code http.with(...)}.
     * @return a new configurer
     */
    public static {{ N }}SecurityConfigurer {{ cookiecutter.slug }}() {
        return new {{ N }}SecurityConfigurer();
    }

    @Override
    public void init(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        http.exceptionHandling((exceptions) -> exceptions
                .authenticationEntryPoint(context.getBean({{ N }}AuthenticationEntryPoint.class))
                .accessDeniedHandler(context.getBean({{ N }}AccessDeniedHandler.class)));
        // The login page says where to go back to (`next`): no saved request, and no session for anonymous visits.
        http.requestCache((cache) -> cache.requestCache(new NullRequestCache()));
    }

    @Override
    public void configure(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        Clock clock = context.getBeanProvider(Clock.class).getIfUnique(Clock::systemUTC);
        {{ N }}Client client = context.getBean({{ N }}Client.class);
        {{ N }}Properties properties = context.getBean({{ N }}Properties.class);
        SecurityContextRepository repository = context.getBean(SecurityContextRepository.class);
        {{ N }}Pages pages = context.getBean({{ N }}Pages.class);
{%- if cookiecutter.has_refresh %}
        {{ N }}SessionRefresher refresher = context.getBean({{ N }}SessionRefresher.class);
        http.addFilterBefore(new {{ N }}UserRefreshFilter(client, properties, clock, repository, pages, refresher),
                AnonymousAuthenticationFilter.class);
{%- else %}
        http.addFilterBefore(new {{ N }}UserRefreshFilter(client, properties, clock, repository, pages),
                AnonymousAuthenticationFilter.class);
{%- endif %}
    }

}
