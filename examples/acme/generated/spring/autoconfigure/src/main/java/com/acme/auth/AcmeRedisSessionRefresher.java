package com.acme.auth;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.auth.AcmeServiceException.ServiceUnavailable;

/**
 * A {@link AcmeSessionRefresher} for applications that run on several instances with their HTTP sessions in Redis: the
 * instances renew a service session once between them, through that Redis.
 * <p>
 * Behind a load balancer, the requests of one user that come together reach different instances, and each would
 * renew the expired session; a service that rotates refresh tokens accepts only the first renewal, and the others
 * would sign the user out. Here the instance that renews a session first takes a short lock in Redis
 * ({@code SET NX PX}); the others wait for it, then take the renewed session it leaves there for
 * {@link #REMEMBERED}, serialized as the HTTP sessions are. The keys name a SHA-256 digest of the session, never a
 * token. Within one instance, the requests of a session still share one renewal before any of them reaches Redis.
 */
public class AcmeRedisSessionRefresher extends AcmeSessionRefresher {

    /** How long the lock lasts at most: an instance that stops while renewing holds the others up no longer. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    /** How long an instance waits for another one's renewal before it gives up (the lock may be taken again). */
    static final Duration WAIT = LOCK_TIMEOUT.multipliedBy(2);

    /** How often a waiting instance looks for the renewed session. */
    static final Duration POLL = Duration.ofMillis(50);

    /** Deletes the lock only while it is still this instance's: it may have expired and been taken by another. */
    private static final RedisScript<Long> UNLOCK = RedisScript.of(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
            Long.class);

    private final StringRedisTemplate locks;

    private final RedisOperations<String, Object> renewed;

    private final String prefix;

    /**
     * A refresher that shares renewals through Redis.
     * @param client the service's client
     * @param locks where the locks are taken, such as the {@code StringRedisTemplate} Spring Boot configures
     * @param renewed where the renewed sessions are left, with the serializer of the HTTP sessions
     * @param prefix the beginning of every key, such as {@code acme:refresh:}
     */
    public AcmeRedisSessionRefresher(AcmeClient client, StringRedisTemplate locks,
            RedisOperations<String, Object> renewed, String prefix) {
        super(client);
        this.locks = locks;
        this.renewed = renewed;
        this.prefix = prefix;
    }

    @Override
    protected AcmeServiceSession renew(AcmeServiceSession expired) {
        String digest = expired.digest();
        String lock = this.prefix + "lock:" + digest;
        String result = this.prefix + "renewed:" + digest;
        String owner = UUID.randomUUID().toString();
        long giveUp = System.nanoTime() + WAIT.toNanos();
        while (!Boolean.TRUE.equals(this.locks.opsForValue().setIfAbsent(lock, owner, LOCK_TIMEOUT))) {
            // another instance is renewing this session: take its result once it is there
            if (this.renewed.opsForValue().get(result) instanceof AcmeServiceSession session) {
                return session;
            }
            if (System.nanoTime() - giveUp > 0) {
                throw new ServiceUnavailable(
                        "Waited " + WAIT.toSeconds() + " s for another instance to renew the session");
            }
            pause();
        }
        try {
            // the instance that held the lock may have finished between the last look and this lock
            if (this.renewed.opsForValue().get(result) instanceof AcmeServiceSession session) {
                return session;
            }
            AcmeServiceSession session = super.renew(expired);
            this.renewed.opsForValue().set(result, session, REMEMBERED);
            return session;
        }
        finally {
            this.locks.execute(UNLOCK, List.of(lock), owner);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailable("Interrupted while waiting for another instance to renew the session");
        }
    }

}
