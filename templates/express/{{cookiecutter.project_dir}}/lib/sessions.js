'use strict';

/**
 * connect-redis's store, where a request never brings back a session signed
 * out while it ran.
 *
 * express-session saves a changed session at the end of its request with a
 * plain SET. A request that began before a sign-out on another instance, and
 * ends after it, would so recreate the session the sign-out deleted, and the
 * copied cookie would sign its holder in again. Here destroying a session
 * leaves a marker beside it for as long as a cookie may live, and a save
 * writes nothing where that marker is: one script in Redis, so no sign-out
 * falls between the check and the write.
 */

/** Writes the session (KEYS[1]) for ARGV[2] seconds, unless its signed-out marker (KEYS[2]) is there. */
const SAVE_UNLESS_SIGNED_OUT = `
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

/**
 * The store class, made from connect-redis's RedisStore once that optional
 * dependency is loaded.
 * @param {typeof import('connect-redis').RedisStore} RedisStore
 * @param {object} markers
 * @param {string} markers.prefix where the markers' keys begin: not under the sessions' prefix, which
 *   the store scans for its sessions
 * @param {number} markers.seconds how long a marker stays: the sessions' cookie lifetime
 */
function sessionStore(RedisStore, markers) {
  return class SessionStore extends RedisStore {
    async set(sid, sess, cb) {
      const ttl = this.getTTL(sess);
      if (ttl <= 0) {
        return this.destroy(sid, cb);
      }
      return settle(cb, () =>
        this.client.eval(SAVE_UNLESS_SIGNED_OUT, {
          keys: [this.prefix + sid, this.signedOutKey(sid)],
          arguments: [this.serializer.stringify(sess), String(ttl)],
        }),
      );
    }

    async destroy(sid, cb) {
      return settle(cb, () =>
        this.client
          .multi()
          .set(this.signedOutKey(sid), '1', {
            expiration: { type: 'EX', value: markers.seconds },
          })
          .del(this.prefix + sid)
          .exec(),
      );
    }

    /** The key of the marker a destroyed session leaves. */
    signedOutKey(sid) {
      return markers.prefix + sid;
    }
  };
}

/**
 * Runs the Redis commands of one store call, then answers as express-session's
 * stores do: through `cb` when there is one, else by resolving or throwing.
 */
async function settle(cb, commands) {
  try {
    await commands();
  } catch (err) {
    if (cb) {
      return cb(err);
    }
    throw err;
  }
  return cb?.(null);
}

module.exports = { sessionStore };
