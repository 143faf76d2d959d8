'use strict';

/**
 * The throttle of failed sign-ins, per submitted username and per client
 * address, counted in express-rate-limit's store (docs/http-contract.md,
 * "Throttling failed sign-ins"). Off while both limits are 0.
 *
 * Only refusals count: a sign-in is counted once the service has refused it,
 * and a success clears the count of its username. express-rate-limit's
 * middleware cannot do that here: it counts every request as it arrives and
 * takes the successful ones back when they end, so twenty sign-ins at once
 * would trip a limit of eight. And sign-ins of one username take turns, so
 * that parallel guesses cannot all reach the service before the first
 * refusal is counted.
 *
 * The counts live in the process's memory, or with redisUrl in that Redis
 * (rate-limit-redis, npm install rate-limit-redis), where every instance of
 * the app counts the same refusals.
 */

const { MemoryStore, ipKeyGenerator } = require('express-rate-limit');
const { REDIS_THROTTLE_PREFIX } = require('./config');
const { ConfigurationError } = require('./errors');

/** At most `limit` refusals per key within a window that starts at the first. */
class Limit {
  constructor(limit, windowMs, store) {
    this.limit = limit;
    this.store = store;
    // rate-limit-redis loads its scripts here; a failure shows again at each count.
    Promise.resolve(this.store.init({ windowMs })).catch(() => {});
  }

  /** Milliseconds until `key` may sign in again; 0 when it may now. */
  async wait(key) {
    const counted = await this.store.get(key);
    if (counted === undefined || counted.totalHits < this.limit) {
      return 0;
    }
    return counted.resetTime.getTime() - Date.now();
  }
}

class Throttle {
  /**
   * @param {object} limits `perAccount` and `perClient`, the refusals allowed
   *   per username and per client address (0: no limit) within `windowMs`
   * @param {object | null} redis the Redis client of redisUrl, or null
   */
  constructor({ perAccount, perClient, windowMs }, redis) {
    const store = (name) =>
      redis === null ? new MemoryStore() : redisStore(redis, name);
    this.account =
      perAccount > 0 ? new Limit(perAccount, windowMs, store('account')) : null;
    this.client =
      perClient > 0 ? new Limit(perClient, windowMs, store('client')) : null;
    /** The last sign-in under way for each username, when usernames are limited. */
    this.turns = new Map();
  }

  /**
   * Run `attempt` (a sign-in of `username`) once the sign-ins of the same
   * username that are under way have ended, so it sees their refusals.
   */
  async inTurn(username, attempt) {
    if (this.account === null) {
      return attempt();
    }
    const key = accountKey(username);
    const before = this.turns.get(key);
    let done;
    const mine = new Promise((resolve) => {
      done = resolve;
    });
    const last = before === undefined ? mine : before.then(() => mine);
    this.turns.set(key, last);
    await before;
    try {
      return await attempt();
    } finally {
      done();
      if (this.turns.get(key) === last) {
        this.turns.delete(key);
      }
    }
  }

  /** Whole seconds until `req` may sign in as `username` again; 0 when it may now. */
  async retryAfter(req, username) {
    const waits = await Promise.all([
      this.account?.wait(accountKey(username)) ?? 0,
      this.client?.wait(clientKey(req)) ?? 0,
    ]);
    const wait = Math.max(...waits);
    return wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : 0;
  }

  /** The service refused `req`'s sign-in as `username`: count it for both. */
  async refused(req, username) {
    await Promise.all([
      this.account?.store.increment(accountKey(username)),
      this.client?.store.increment(clientKey(req)),
    ]);
  }

  /** `username` signed in: its refusals are forgiven (not its address's). */
  async succeeded(username) {
    await this.account?.store.resetKey(accountKey(username));
  }
}

/** A store of counts in Redis, its keys named after `name` ('account', 'client'). */
function redisStore(redis, name) {
  let RedisStore;
  try {
    ({ RedisStore } = require('rate-limit-redis'));
  } catch (err) {
    throw new ConfigurationError([
      `redisUrl is set and sign-ins are limited, but ${err.message.split('\n')[0]}: npm install rate-limit-redis`,
    ]);
  }
  return new RedisStore({
    sendCommand: (...args) => redis.sendCommand(args),
    prefix: `${REDIS_THROTTLE_PREFIX}${name}:`,
  });
}

/** A username as counted: trimmed and case-folded, whether or not the account exists. */
function accountKey(username) {
  return username.trim().toLowerCase();
}

/** A client as counted: its address (`req.ip`), an IPv6 one by its /56 network. */
function clientKey(req) {
  return ipKeyGenerator(req.ip ?? '');
}

module.exports = { Throttle };
