'use strict';

/**
 * Refreshing a session's tokens with Acme Identity's refresh
 * operation, once per session at a time.
 *
 * Parallel requests of one session each read the session from the store
 * before any of them has saved what a refresh brought: each would spend the
 * same refresh token, and a service that rotates refresh tokens refuses the
 * second one, which would sign the user out. So a session's refresh is
 * shared: a request that comes with the same values while it runs, or for a
 * little while after, gets its result instead of refreshing again.
 *
 * With the sessions in Redis (redisUrl), the instances of the app share it
 * too: the one that takes a short lock (`SET NX PX`) refreshes and leaves
 * the result in Redis for a little while; the others wait for it there.
 */

const { createHash } = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
const { REDIS_REFRESH_PREFIX, SERVICE_NAME } = require('./config');
const { AcmeError } = require('./errors');

/** How long a refresh's result answers the requests that still hold the values it replaced. */
const REUSE_MS = 30_000;

/** How often an instance waiting for another's refresh looks for its result in Redis. */
const POLL_MS = 25;

/** The refresh failed: the service no longer takes the session, and the user is signed out. */
class SignedOut extends Error {}

class Refresher {
  #client;
  #logger;
  #redis;
  #lockMs;
  /** By session id: the last refresh (a digest of the values it replaced, its promise). */
  #recent = new Map();

  /**
   * @param {object} client the service client
   * @param { warn(message: string): void }} logger
   * @param {object | null} redis the Redis client of the sessions, shared by every instance
   * @param {number} timeoutMs how long a call to the service may take
   */
  constructor(client, logger, redis, timeoutMs) {
    this.#client = client;
    this.#logger = logger;
    this.#redis = redis;
    // Held longer than a refresh may take; it expires by itself if its instance dies.
    this.#lockMs = Math.max(5_000, 2 * timeoutMs);
  }

  /** Whether the access token of `values` has expired: their `expires_at` (epoch seconds) has passed. */
  due(values) {
    const expiresAt = Number(values.expires_at);
    return Number.isFinite(expiresAt) && Date.now() >= expiresAt * 1000;
  }

  /**
   * The session's values after a refresh: the client's refresh answers the
   * whole new service session (the values it renews, the others carried
   * over), which replaces the old one.
   *
   * @param {string} sessionId the session whose values these are
   * @param {object} values what the session holds from the service
   * @returns {Promise<object>}
   * @throws {SignedOut} when the refresh fails, whatever the reason
   */
  refresh(sessionId, values) {
    const replaced = digest(values);
    const recent = this.#recent.get(sessionId);
    if (recent?.replaced === replaced) {
      return recent.promise;
    }
    const promise = this.#refresh(sessionId, values, replaced).catch((err) => {
      if (!(err instanceof AcmeError)) {
        throw err;
      }
      this.#logger.warn(
        `${SERVICE_NAME}: refresh failed (${err.code}): ${err.message}; the user is signed out`,
      );
      throw new SignedOut('the refresh failed', { cause: err });
    });
    promise.catch(() => {}); // each caller handles the failure
    this.#recent.set(sessionId, { replaced, promise });
    const forget = () => {
      if (this.#recent.get(sessionId)?.promise === promise) {
        this.#recent.delete(sessionId);
      }
    };
    setTimeout(forget, REUSE_MS).unref();
    return promise;
  }

  /** The new values from the service; with Redis, from the one instance that asked it. */
  async #refresh(sessionId, values, replaced) {
    if (this.#redis === null) {
      return this.#client.refresh(values);
    }
    const result = `${REDIS_REFRESH_PREFIX}${sessionId}:${replaced}`;
    const lock = `${REDIS_REFRESH_PREFIX}${sessionId}:lock`;
    const kept = { expiration: { type: 'PX', value: REUSE_MS } };
    const deadline = Date.now() + this.#lockMs;
    for (;;) {
      const done = await this.#redis.get(result);
      if (done !== null) {
        return outcome(JSON.parse(done));
      }
      const locked = await this.#redis.set(lock, '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: this.#lockMs },
      });
      if (locked === 'OK') {
        try {
          // The instance that held the lock may have finished between the last look and this lock.
          const finished = await this.#redis.get(result);
          if (finished !== null) {
            return outcome(JSON.parse(finished));
          }
          const fresh = await this.#client.refresh(values);
          await this.#redis.set(result, JSON.stringify({ fresh }), kept);
          return fresh;
        } catch (err) {
          if (err instanceof AcmeError) {
            const failed = { failed: err.code };
            await this.#redis.set(result, JSON.stringify(failed), kept);
          }
          throw err;
        } finally {
          await this.#redis.del(lock); // the others find the result first
        }
      }
      if (Date.now() > deadline) {
        throw new AcmeError(
          'another instance of the app did not finish refreshing the session',
        );
      }
      await sleep(POLL_MS);
    }
  }
}

/** What another instance's refresh left in Redis: the new values, or its failure. */
function outcome({ fresh, failed }) {
  if (failed !== undefined) {
    throw new AcmeError(
      `the refresh failed on another instance of the app (${failed})`,
    );
  }
  return fresh;
}

/** A digest of a session's values: the tokens themselves are not kept twice. */
function digest(values) {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

module.exports = { Refresher, SignedOut };
