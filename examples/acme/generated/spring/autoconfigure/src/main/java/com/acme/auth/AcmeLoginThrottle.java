package com.acme.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;

/**
 * Limits failed sign-ins per submitted username and per client address, with a Bucket4j bucket for each:
 * {@code acme.login-limit.per-account} and {@code acme.login-limit.per-client} failures within
 * {@code acme.login-limit.window}; a limit of 0 (the default) is off.
 * <p>
 * Each failure the service reports takes a token from its username's and its address's bucket. Once a bucket is
 * empty, sign-in for that username or from that address is refused without asking the service until the window that
 * began with the first failure has passed. A success forgets its username's failures (not its address's); an attempt
 * the service could not decide (down, a timeout) counts for nothing. Usernames are counted as submitted (trimmed,
 * lower-cased), whether or not the account exists, so the answer does not tell who has one. Only failures are
 * counted, so sign-ins in flight at the same time never refuse each other; a burst of concurrent wrong guesses can
 * pass the limit by as many as were in flight when it was reached.
 * <p>
 * The buckets live in this process, in a Caffeine cache that forgets a bucket left alone for a whole window (it is full
 * again by then) and holds at most {@value #MAX_TRACKED} of each kind, the least recently used going first.
 */
public class AcmeLoginThrottle {

    /** The most usernames, and the most addresses, counted at once. */
    public static final int MAX_TRACKED = 100_000;

    private final Limit accounts;

    private final Limit clients;

    /**
     * A throttle with the limits of {@code acme.login-limit.*}.
     * @param limits the limits
     * @param clock the clock the windows are measured with
     */
    public AcmeLoginThrottle(AcmeProperties.LoginLimit limits, Clock clock) {
        TimeMeter time = new ClockTime(clock);
        this.accounts = new Limit(limits.getPerAccount(), limits.getWindow(), time);
        this.clients = new Limit(limits.getPerClient(), limits.getWindow(), time);
    }

    /**
     * How long a sign-in for this username from this address must wait, for {@code Retry-After}.
     * @param username the username as submitted
     * @param clientAddress the client's address
     * @return whole seconds, at least 1 when a limit is reached; 0 when the sign-in may go ahead
     */
    public long secondsToWait(String username, String clientAddress) {
        long nanos = Math.max(this.accounts.nanosToWait(key(username)), this.clients.nanosToWait(clientAddress));
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }

    /**
     * Count a sign-in the service refused (wrong credentials, a disabled account).
     * @param username the username as submitted
     * @param clientAddress the client's address
     */
    public void failed(String username, String clientAddress) {
        this.accounts.count(key(username));
        this.clients.count(clientAddress);
    }

    /**
     * Forget the failures of a username that has just signed in; its address keeps its count.
     * @param username the username as submitted
     */
    public void succeeded(String username) {
        this.accounts.forget(key(username));
    }

    private static String key(String username) {
        return username.strip().toLowerCase(Locale.ROOT);
    }

    /** One limit: a bucket per key, of {@code attempts} tokens that all come back once per window; 0 is off. */
    private static final class Limit {

        private final long attempts;

        private final Duration window;

        private final TimeMeter time;

        private final Cache<String, Bucket> buckets;

        Limit(long attempts, Duration window, TimeMeter time) {
            this.attempts = attempts;
            this.window = window;
            this.time = time;
            this.buckets = Caffeine.newBuilder()
                .expireAfterAccess(window)
                .maximumSize(MAX_TRACKED)
                .ticker(time::currentTimeNanos)
                .build();
        }

        /** 0 when the key may try again now; a key with no failures has no bucket. */
        long nanosToWait(String key) {
            Bucket bucket = (this.attempts > 0) ? this.buckets.getIfPresent(key) : null;
            if (bucket == null) {
                return 0;
            }
            EstimationProbe probe = bucket.estimateAbilityToConsume(1);
            return probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill();
        }

        void count(String key) {
            if (this.attempts > 0) {
                this.buckets.get(key, (unused) -> newBucket()).tryConsume(1);
            }
        }

        void forget(String key) {
            this.buckets.invalidate(key);
        }

        private Bucket newBucket() {
            return Bucket.builder()
                .addLimit((limit) -> limit.capacity(this.attempts).refillIntervally(this.attempts, this.window))
                .withCustomTimePrecision(this.time)
                .build();
        }

    }

    /** Bucket4j's time from the application's {@link Clock}, so that tests can move it. */
    private record ClockTime(Clock clock) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            Instant now = this.clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }

    }

}
