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
        if (!values.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, values));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

}
