package com.acme.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.web.client.RestClient;

import com.acme.auth.AcmeServiceException.InvalidCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * Two instances with their sessions in one Redis renew a service session once between them. The Redis here is a
 * map behind Spring Data Redis's templates; the scale test runs the example application on a real one.
 */
class AcmeRedisSessionRefresherTests {

    private static final AcmeServiceSession EXPIRED = new AcmeServiceSession(
            Map.of("token", "expired-access-token", "refresh_token", "single-use-refresh-token"));

    private static final AcmeServiceSession RENEWED = new AcmeServiceSession(
            Map.of("token", "new-access-token", "refresh_token", "next-refresh-token"));

    private final FakeRedis redis = new FakeRedis();

    @Test
    void twoInstancesRenewOneSessionOnceBetweenThem() throws Exception {
        CountDownLatch renewing = new CountDownLatch(1);
        CountingClient serviceForA = new CountingClient(() -> {
            renewing.countDown();
            // B asks for the lock while A renews, and is refused
            assertThat(this.redis.lockRefused.await(10, TimeUnit.SECONDS)).isTrue();
            return RENEWED;
        });
        CountingClient serviceForB = new CountingClient(() -> RENEWED);
        AcmeSessionRefresher a = instance(serviceForA);
        AcmeSessionRefresher b = instance(serviceForB);

        CompletableFuture<AcmeServiceSession> onA = CompletableFuture.supplyAsync(() -> a.refresh(EXPIRED));
        assertThat(renewing.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<AcmeServiceSession> onB = CompletableFuture.supplyAsync(() -> b.refresh(EXPIRED));

        assertThat(onA.get(10, TimeUnit.SECONDS)).isEqualTo(RENEWED);
        assertThat(onB.get(10, TimeUnit.SECONDS)).isEqualTo(RENEWED);
        assertThat(serviceForA.refreshes.get() + serviceForB.refreshes.get()).as("refreshes").isEqualTo(1);
    }

    @Test
    void theRenewedSessionIsKeptBrieflyUnderADigestAndTheLockIsReleased() {
        CountingClient serviceForA = new CountingClient(() -> RENEWED);
        CountingClient serviceForB = new CountingClient(() -> RENEWED);
        assertThat(instance(serviceForA).refresh(EXPIRED)).isEqualTo(RENEWED);

        // a request on B that still holds the expired session gets the renewed one, without calling the service
        assertThat(instance(serviceForB).refresh(EXPIRED)).isEqualTo(RENEWED);
        assertThat(serviceForB.refreshes.get()).isZero();
        String kept = "acme:refresh:renewed:" + EXPIRED.digest();
        assertThat(this.redis.values.keySet()).containsExactly(kept);
        assertThat(this.redis.ttls.get(kept)).isEqualTo(AcmeSessionRefresher.REMEMBERED);
        assertThat(kept).doesNotContain("expired-access-token", "single-use-refresh-token");
    }

    @Test
    void aRefusedRenewalLeavesNothingBehind() {
        CountingClient serviceForA = new CountingClient(() -> {
            throw new InvalidCredentials("the refresh token was used already");
        });
        assertThatExceptionOfType(InvalidCredentials.class).isThrownBy(() -> instance(serviceForA).refresh(EXPIRED));
        assertThat(this.redis.values).isEmpty();

        CountingClient serviceForB = new CountingClient(() -> RENEWED);
        assertThat(instance(serviceForB).refresh(EXPIRED)).isEqualTo(RENEWED);
        assertThat(serviceForB.refreshes.get()).isEqualTo(1);
    }

    @Test
    void theDigestNamesTheValuesWithoutShowingThem() {
        assertThat(EXPIRED.digest()).hasSize(64)
            .isEqualTo(new AcmeServiceSession(Map.of("refresh_token", "single-use-refresh-token", "token",
                    "expired-access-token")).digest())
            .isNotEqualTo(RENEWED.digest())
            .doesNotContain("token");
    }

    /** One application instance, with a refresher of its own on the shared Redis. */
    private AcmeSessionRefresher instance(AcmeClient client) {
        return new AcmeRedisSessionRefresher(client, this.redis.locks(), this.redis.renewed(),
                "acme:refresh:");
    }

    /** A client whose refresh answers as told, and counts the calls. */
    private static final class CountingClient extends AcmeClient {

        final AtomicInteger refreshes = new AtomicInteger();

        private final Callable<AcmeServiceSession> answer;

        CountingClient(Callable<AcmeServiceSession> answer) {
            super(properties(), RestClient.create());
            this.answer = answer;
        }

        @Override
        public AcmeServiceSession refresh(AcmeServiceSession session) {
            this.refreshes.incrementAndGet();
            try {
                return this.answer.call();
            }
            catch (RuntimeException ex) {
                throw ex;
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }

        private static AcmeProperties properties() {
            AcmeProperties properties = new AcmeProperties();
            properties.setBaseUrl("https://id.example");
            return properties;
        }

    }

    /** One Redis that the instances share: each value as the bytes Redis would hold, and its time to live. */
    private static final class FakeRedis {

        final Map<String, byte[]> values = new ConcurrentHashMap<>();

        final Map<String, Duration> ttls = new ConcurrentHashMap<>();

        final CountDownLatch lockRefused = new CountDownLatch(1);

        /** A {@code StringRedisTemplate} that takes locks with {@code SET NX PX} and runs the unlock script. */
        @SuppressWarnings("unchecked") // a mock of a generic interface
        StringRedisTemplate locks() {
            ValueOperations<String, String> operations = mock(ValueOperations.class);
            given(operations.setIfAbsent(anyString(), anyString(), any(Duration.class))).willAnswer((call) -> {
                String key = call.getArgument(0);
                boolean set = this.values.putIfAbsent(key, bytes(call.getArgument(1))) == null;
                if (set) {
                    this.ttls.put(key, call.getArgument(2));
                }
                else {
                    this.lockRefused.countDown();
                }
                return set;
            });
            return new StringRedisTemplate() {

                @Override
                public ValueOperations<String, String> opsForValue() {
                    return operations;
                }

                @Override
                public <T> T execute(RedisScript<T> script, List<String> keys, Object... args) {
                    // the unlock script: delete the lock while it holds the owner given
                    boolean ours = Arrays.equals(FakeRedis.this.values.get(keys.get(0)), bytes((String) args[0]));
                    if (ours) {
                        FakeRedis.this.values.remove(keys.get(0));
                    }
                    return script.getResultType().cast(ours ? 1L : 0L);
                }

            };
        }

        /** A template that keeps the renewed sessions with Java serialization, Spring Session's default. */
        @SuppressWarnings("unchecked") // a mock of a generic interface
        RedisTemplate<String, Object> renewed() {
            RedisSerializer<Object> serializer = RedisSerializer.java();
            ValueOperations<String, Object> operations = mock(ValueOperations.class);
            given(operations.get(any()))
                .willAnswer((call) -> serializer.deserialize(this.values.get(call.getArgument(0, String.class))));
            willAnswer((call) -> {
                String key = call.getArgument(0);
                this.values.put(key, serializer.serialize(call.getArgument(1)));
                this.ttls.put(key, call.getArgument(2));
                return null;
            }).given(operations).set(anyString(), any(), any(Duration.class));
            return new RedisTemplate<>() {

                @Override
                public ValueOperations<String, Object> opsForValue() {
                    return operations;
                }

            };
        }

        private static byte[] bytes(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

    }

}
