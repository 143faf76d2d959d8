{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
{% filter javawrap %}Lets each service setting fall back to the environment variable the {{ cookiecutter.service_name | javadoc }}
spec names for it, such as {@code {{ cookiecutter.settings[-1].env }}} for {@code {{ cookiecutter.settings[-1].property }}}.{% endfilter %}
 * <p>
 * The fallbacks are the last property source, so {@code application.properties}, system properties and Spring's own
 * relaxed environment names all win over them.
{%- if cookiecutter.is_oidc %}
 * <p>
{% filter javawrap %}It also registers the provider with Spring Boot's OAuth2 client auto-configuration, as
{@code spring.security.oauth2.client.registration.{{ cookiecutter.slug }}.*} and {@code spring.security.oauth2.client.provider.{{ cookiecutter.slug }}.*}
properties that refer to the {@code {{ cookiecutter.slug }}.*} settings, unless the application set them itself.{% endfilter %}
{%- endif %}
 */
public class {{ N }}EnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The name of the property source that holds the fallbacks. */
    public static final String PROPERTY_SOURCE_NAME = {{ (cookiecutter.slug ~ "EnvironmentFallbacks") | java }};

    /** Each property, and the environment variable it falls back to. */
    private static final Map<String, String> FALLBACKS = Map.ofEntries(
{%- for s in cookiecutter.settings %}
            Map.entry({{ s.property | java }}, {{ s.env | java }}),
{%- endfor %}
            // The pages' brand, under the names the other targets' packages read too.
            // Several instances: the Redis their sessions are shared through.
            Map.entry("{{ cookiecutter.slug }}.redis-url", "{{ cookiecutter.config_prefix }}_REDIS_URL"),
            Map.entry("{{ cookiecutter.slug }}.branding.name", "{{ cookiecutter.config_prefix }}_BRAND_NAME"),
            Map.entry("{{ cookiecutter.slug }}.branding.logo-url", "{{ cookiecutter.config_prefix }}_LOGO_URL"),
            Map.entry("{{ cookiecutter.slug }}.branding.primary-color", "{{ cookiecutter.config_prefix }}_PRIMARY_COLOR"));
{%- if cookiecutter.is_oidc %}
{%- set R = "spring.security.oauth2.client.registration." ~ cookiecutter.slug %}

    /** The provider's client registration, in Spring Boot's OAuth2 client properties. */
    private static final Map<String, String> REGISTRATION = Map.ofEntries(
            Map.entry("spring.security.oauth2.client.provider.{{ cookiecutter.slug }}.issuer-uri", "${{ '{' }}{{ cookiecutter.settings[0].property }}}"),
            Map.entry("{{ R }}.provider", "{{ cookiecutter.slug }}"),
            Map.entry("{{ R }}.client-id", "${{ '{' }}{{ cookiecutter.settings[1].property }}}"),
{%- if cookiecutter.oidc.client_secret_env %}
            Map.entry("{{ R }}.client-secret", "${{ '{' }}{{ cookiecutter.settings[2].property }}}"),
            Map.entry("{{ R }}.client-authentication-method", "client_secret_basic"),
{%- else %}
            // a public client: no secret, PKCE alone
            Map.entry("{{ R }}.client-authentication-method", "none"),
{%- endif %}
            Map.entry("{{ R }}.authorization-grant-type", "authorization_code"),
            Map.entry("{{ R }}.redirect-uri", "{baseUrl}${{ '{' }}{{ cookiecutter.slug }}.route-prefix:/auth}/callback"),
            Map.entry("{{ R }}.scope", {{ cookiecutter.oidc.scopes | join(",") | java }}));
{%- endif %}

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> values = new LinkedHashMap<>();
        FALLBACKS.forEach((property, variable) -> {
            Object value = environment.getSystemEnvironment().get(variable);
            if (value instanceof String text && !text.isBlank()) {
                values.put(property, text);
            }
        });
        // The Redis sessions connect through Boot's spring.data.redis.url, unless the application set that itself.
        String redisUrl = environment.getProperty("{{ cookiecutter.slug }}.redis-url",
                (String) values.getOrDefault("{{ cookiecutter.slug }}.redis-url", ""));
        if (!redisUrl.isBlank() && !environment.containsProperty("spring.data.redis.url")) {
            values.put("spring.data.redis.url", redisUrl);
        }
{%- if cookiecutter.is_oidc %}
        REGISTRATION.forEach((property, value) -> {
            if (!environment.containsProperty(property)) {
                values.put(property, value);
            }
        });
{%- endif %}
        if (!values.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, values));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

}
