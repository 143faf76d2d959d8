package com.acme.auth;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Stores HTTP sessions in Redis only when the application asks for it with {@code acme.redis-url}
 * (or {@code ACME_REDIS_URL}).
 * <p>
 * Spring Boot auto-configures Spring Session Data Redis as soon as it is on the classpath, and since Boot 3 there is
 * no {@code spring.session.store-type} to turn it off. An application that keeps the dependency for its deployed
 * instances would then need a Redis on every developer's machine and in every test. This filter leaves Boot's
 * session auto-configuration out until the property is set, so one instance keeps the servlet container's in-memory
 * sessions, and several instances share theirs through Redis, with Boot's own {@code spring.session.*} and
 * {@code spring.data.redis.*} properties working as usual.
 */
public class AcmeSessionStoreFilter implements AutoConfigurationImportFilter, EnvironmentAware {

    /** Boot's auto-configuration of Spring Session Data Redis. */
    static final String REDIS_SESSIONS = "org.springframework.boot.session.data.redis.autoconfigure."
            + "SessionDataRedisAutoConfiguration";

    /** The property that switches Redis sessions on. */
    static final String REDIS_URL = "acme.redis-url";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    /**
     * Whether the application keeps its HTTP sessions in Redis.
     * @param environment the application's environment
     * @return whether {@code acme.redis-url} is set
     */
    static boolean redisSessions(Environment environment) {
        return !environment.getProperty(REDIS_URL, "").isBlank();
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata autoConfigurationMetadata) {
        boolean redisSessions = redisSessions(this.environment);
        boolean[] matches = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < autoConfigurationClasses.length; i++) {
            matches[i] = redisSessions || !REDIS_SESSIONS.equals(autoConfigurationClasses[i]);
        }
        return matches;
    }

}
