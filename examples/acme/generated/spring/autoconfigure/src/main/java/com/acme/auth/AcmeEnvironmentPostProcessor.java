package com.acme.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets each service setting fall back to the environment variable the Acme Identity spec names for it, such as
 * {@code ACME_APP_ID} for {@code acme.application-id}.
 * <p>
 * The fallbacks are the last property source, so {@code application.properties}, system properties and Spring's own
 * relaxed environment names all win over them.
 */
public class AcmeEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The name of the property source that holds the fallbacks. */
    public static final String PROPERTY_SOURCE_NAME = "acmeEnvironmentFallbacks";

    /** Each property, and the environment variable it falls back to. */
    private static final Map<String, String> FALLBACKS = Map.ofEntries(
            Map.entry("acme.base-url", "ACME_BASE_URL"),
            Map.entry("acme.api-key", "ACME_API_KEY"),
            Map.entry("acme.application-id", "ACME_APP_ID"),
            // The pages' brand, under the names the other targets' packages read too.
            // Several instances: the Redis their sessions are shared through.
            Map.entry("acme.redis-url", "ACME_REDIS_URL"),
            Map.entry("acme.branding.name", "ACME_BRAND_NAME"),
            Map.entry("acme.branding.logo-url", "ACME_LOGO_URL"),
            Map.entry("acme.branding.primary-color", "ACME_PRIMARY_COLOR"));

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
        String redisUrl = environment.getProperty("acme.redis-url",
                (String) values.getOrDefault("acme.redis-url", ""));
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
