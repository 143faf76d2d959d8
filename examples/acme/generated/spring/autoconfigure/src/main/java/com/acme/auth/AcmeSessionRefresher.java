package com.acme.auth;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Renews service sessions with Acme Identity's refresh operation, one renewal per session at a time.
 * <p>
 * The requests of one user often come together (a page and the calls its scripts make). Once the access token has
 * expired, each of them would refresh it, and a service that rotates refresh tokens accepts only the first: every
 * other refresh would fail and sign the user out. Here the first request does the work, and the others holding the
 * same service session wait for it and use its result. A request that read the session just before a renewal
 * finished still holds the old one: for {@link #REMEMBERED} it gets the same renewed session instead of refreshing
 * again.
 * <p>
 * This holds within one application instance. Instances that share their HTTP sessions in Redis share their renewals
 * there too: see {@link AcmeRedisSessionRefresher}, which the auto-configuration uses then.
 */
public class AcmeSessionRefresher {

    /** How long a renewed session is given to requests that still hold the session it renewed. */
    static final Duration REMEMBERED = Duration.ofSeconds(30);

    private final AcmeClient client;

    private final ConcurrentHashMap<Key, Flight> flights = new ConcurrentHashMap<>();

    /**
     * A refresher that renews sessions with the given client.
     * @param client the service's client
     */
    public AcmeSessionRefresher(AcmeClient client) {
        this.client = client;
    }

    /**
     * Renew a service session, or wait for the renewal another request started, and take its result.
     * @param expired the session whose access token has expired, or was refused
     * @return the renewed session, which replaces the expired one
     * @throws AcmeServiceException when the service refuses the refresh, or fails
     */
    public AcmeServiceSession refresh(AcmeServiceSession expired) {
        return once(new Key("refresh", expired), () -> renew(expired), true);
    }

    /**
     * Renew a service session with the service; in this instance, one call at a time per session.
     * @param expired the session to renew
     * @return the renewed session
     * @throws AcmeServiceException when the service refuses the refresh, or fails
     */
    protected AcmeServiceSession renew(AcmeServiceSession expired) {
        return this.client.refresh(expired);
    }

    /**
     * Bring a signed-in user up to date (renew the session when needed, fetch the user) once for all the requests
     * that hold the same service session at the same time: they share the result, or the failure. Unlike a renewal,
     * the result is not kept once the update is done: the next update asks the service again.
     * @param <T> what the update gives
     * @param session the service session the requests hold
     * @param update the update
     * @return what the update gave, to this request or to another one
     */
    public <T> T update(AcmeServiceSession session, Supplier<T> update) {
        return once(new Key("update", session), update, false);
    }

    @SuppressWarnings("unchecked") // each kind of key always holds the same type of result
    private <T> T once(Key key, Supplier<T> work, boolean remember) {
        forgetOld();
        Flight mine = new Flight(System.nanoTime(), new CompletableFuture<>());
        Flight flight = this.flights.putIfAbsent(key, mine);
        if (flight == null) {
            flight = mine;
            try {
                mine.result().complete(work.get());
            }
            catch (RuntimeException ex) {
                mine.result().completeExceptionally(ex);
            }
            finally {
                if (!remember) {
                    this.flights.remove(key, mine);
                }
            }
        }
        try {
            return (T) flight.result().join();
        }
        catch (CompletionException ex) {
            throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
        }
    }

    /** Drop the work older than {@link #REMEMBERED}: its sessions have moved on. */
    private void forgetOld() {
        long now = System.nanoTime();
        this.flights.values().removeIf((flight) -> now - flight.started() > REMEMBERED.toNanos());
    }

    /** A piece of work for a service session. */
    private record Key(String work, AcmeServiceSession session) {
    }

    /** Work under way or done: when it started, and its result once it is there. */
    private record Flight(long started, CompletableFuture<Object> result) {
    }

}
