{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * A request of a session signed out on another instance while it ran saves nothing and fails nothing. Spring
 * Session's own repository runs here on a Redis of mocks: one that no longer holds the session's key.
 */
class {{ N }}SignedOutSessionsAutoConfigurationTests {

    @SuppressWarnings("unchecked")
    private final RedisOperations<String, Object> redis = mock(RedisOperations.class);

    @SuppressWarnings("unchecked")
    private final HashOperations<String, Object, Object> hashes = mock(HashOperations.class);

    @Test
    void springSessionRefusesToSaveASessionThatIsGoneFromRedis() {
        RedisSessionRepository repository = new RedisSessionRepository(this.redis);
        Session session = aSessionSignedOutMeanwhile(repository);
        assertThatIllegalStateException().isThrownBy(() -> save(repository, session))
            .withMessage({{ N }}SignedOutSessionsAutoConfiguration.INVALIDATED);
    }

    @Test
    void theProxiedRepositoryLetsThatSaveGoAndWritesNothing() {
        RedisSessionRepository repository = {{ N }}SignedOutSessionsAutoConfiguration
            .letSignedOutSessionsGo(new RedisSessionRepository(this.redis));
        Session session = aSessionSignedOutMeanwhile(repository);
        assertThatNoException().isThrownBy(() -> save(repository, session));
        then(this.hashes).should(never()).putAll(anyString(), anyMap());
    }

    @Test
    void aSessionStillInRedisIsSavedAsBefore() {
        RedisSessionRepository repository = {{ N }}SignedOutSessionsAutoConfiguration
            .letSignedOutSessionsGo(new RedisSessionRepository(this.redis));
        Session session = aSessionSignedOutMeanwhile(repository);
        given(this.redis.hasKey(anyString())).willReturn(true);
        save(repository, session);
        then(this.hashes).should().putAll(anyString(), anyMap());
    }

    @Test
    void bootsRepositoryIsProxiedAsItsOwnClass() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of({{ N }}SignedOutSessionsAutoConfiguration.class))
            .withBean("sessionRepository", RedisSessionRepository.class, () -> new RedisSessionRepository(this.redis))
            .run((context) -> {
                RedisSessionRepository repository = context.getBean(RedisSessionRepository.class);
                Session session = aSessionSignedOutMeanwhile(repository);
                assertThatNoException().isThrownBy(() -> save(repository, session));
            });
    }

    /** Saves as the session filter does, as a {@link SessionRepository} of any session: its own type is private. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static void save(RedisSessionRepository repository, Session session) {
        ((SessionRepository) repository).save(session);
    }

    /** A session read from Redis while its key was there; the key is gone by the time the request saves it. */
    private Session aSessionSignedOutMeanwhile(RedisSessionRepository repository) {
        long now = System.currentTimeMillis();
        given(this.redis.<Object, Object>opsForHash()).willReturn(this.hashes);
        given(this.hashes.entries(anyString())).willReturn(
                Map.of("creationTime", now, "lastAccessedTime", now, "maxInactiveInterval", 1800));
        Session session = repository.findById("signed-out-elsewhere");
        assertThat(session).isNotNull();
        session.setLastAccessedTime(Instant.ofEpochMilli(now + 1000));
        given(this.redis.hasKey(anyString())).willReturn(false);
        return session;
    }

}
