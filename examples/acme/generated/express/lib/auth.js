'use strict';

/**
 * Passport for Acme Identity: a local strategy that signs in
 * with the service, and the user cached in the session.
 *
 * The integration uses a Passport of its own, or the app's (the `passport`
 * option): then its strategy is one more beside the app's (Google, say), and
 * its (de)serializers pass on the users of the app's strategies.
 *
 * Only the user's id is serialized (Passport's `session.passport.user`).
 * Beside it, the server-side session keeps what the service's login returned
 * (its tokens never reach the browser: the cookie holds only the signed
 * session id) and the user as last fetched. Within the TTL a request costs no
 * call to the service; after it, one get_user refreshes the user, and a user
 * the service disabled or deleted is signed out.
 */

const { Strategy: LocalStrategy } = require('passport-local');
const { SERVICE_NAME, SESSION_KEY, STRATEGY } = require('./config');
const {
  AcmeError,
  AccountDisabled,
  InvalidCredentials,
  ServiceUnavailable,
  Unverified,
  UnexpectedAnswer,
  UserNotFound,
} = require('./errors');
const { SignedOut } = require('./refresh');
const { AcmeUser } = require('./user');

/** Sign in with the service: login, then get_user; only an active user gets through. */
async function signIn(client, username, password) {
  const service = await client.login(username, password);
  const record = await client.getUser(service);
  const user = AcmeUser.fromRecord(record);
  if (!user.active) {
    throw new AccountDisabled('the service reports the account as disabled');
  }
  return { user, service };
}

/** The user as the session keeps it: plain JSON. */
function cached(user) {
  return JSON.parse(JSON.stringify(user));
}

/** Sign-ins on their way from the strategy to serializeUser: the user, and what login returned. */
const signingIn = new WeakMap();

/**
 * The Passport strategy `'acme'`: a username and a password (form fields
 * or JSON members `username`, `password`), checked by the service. A refused
 * sign-in fails with `{ error }`, the AcmeError saying why.
 *
 * `acme()` adds one to its Passport (the app's, with the `passport`
 * option), with the serializers that keep the service's tokens in the session.
 */
class AcmeStrategy extends LocalStrategy {
  /** @param {AcmeClient} client the client of the service */
  constructor(client) {
    super((username, password, done) => {
      signIn(client, username, password).then(
        ({ user, service }) => {
          signingIn.set(user, service);
          done(null, user);
        },
        (err) => {
          if (
            err instanceof InvalidCredentials ||
            err instanceof UserNotFound
          ) {
            done(null, false, { error: new InvalidCredentials(err.message) });
          } else if (
            err instanceof AccountDisabled ||
            err instanceof Unverified
          ) {
            done(null, false, { error: err });
          } else {
            done(err);
          }
        },
      );
    });
    this.name = STRATEGY;
  }
}

/**
 * The strategy and the session's (de)serialization, on `passport`: the
 * integration's own Passport, or the app's (`shared`), whose other users the
 * (de)serializers leave to the app's own.
 */
function createPassport({ passport, shared, ...state }) {
  const { client, settings, csrf, refresher } = state;
  /** Look-ups of the user under way, by session id, so parallel requests share one. */
  const refreshing = new Map();

  passport.use(new AcmeStrategy(client));

  // Runs in the new session Passport starts at sign-in (session fixation).
  passport.serializeUser((req, user, done) => {
    const service = signingIn.get(user);
    if (service === undefined) {
      if (shared) {
        done('pass'); // a user of one of the app's strategies
      } else {
        done(new Error('serializeUser got a user that did not just sign in'));
      }
      return;
    }
    req.session[SESSION_KEY] = {
      service,
      user: cached(user),
      refreshedAt: Date.now(),
    };
    csrf.rotate(req);
    done(null, user.id);
  });

  passport.deserializeUser((req, id, done) => {
    const saved = req.session[SESSION_KEY];
    if (shared && saved === undefined) {
      done('pass'); // signed in with one of the app's strategies
      return;
    }
    if (!saved?.service || saved.user?.id !== id) {
      delete req.session[SESSION_KEY];
      done(null, false);
      return;
    }
    if (Date.now() - saved.refreshedAt < settings.sessionTtlMs) {
      done(null, AcmeUser.fromJSON(saved.user));
      return;
    }
    let refresh = refreshing.get(req.sessionID);
    if (refresh === undefined) {
      refresh = currentUser(client, saved.service, refresher, req.sessionID);
      refresh = refresh.finally(() => {
        refreshing.delete(req.sessionID);
      });
      refreshing.set(req.sessionID, refresh);
    }
    refresh.then(
      ({ service, user, error }) => {
        if (error !== null) {
          // Fail closed, but keep what a refresh brought: the old refresh token is spent.
          req.session[SESSION_KEY] = { ...saved, service };
          done(error);
          return;
        }
        if (user === null || user.id !== id) {
          delete req.session[SESSION_KEY];
          done(null, false);
          return;
        }
        req.session[SESSION_KEY] = {
          service,
          user: cached(user),
          refreshedAt: Date.now(),
        };
        done(null, user);
      },
      (err) => done(err),
    );
  });

  return passport;
}

/** get_user's error kinds that say the access token is no longer good: refresh it, ask again. */
const STALE_TOKEN = new Set(['expired', 'invalid_credentials']);

/**
 * The user as the service has it now: `{ service, user, error }`.
 *
 * The session's service values are refreshed first when their `expires_at`
 * has passed, or when get_user says the access token is no longer good
 * (get_user is then asked once more); `service` holds the values to keep.
 *
 * `user` is null when the service no longer accepts the session (a
 * failed refresh signs the user out) or has disabled the user. `error`
 * is the ServiceUnavailable of a service that cannot say: fail closed.
 */
async function currentUser(client, service, refresher, sessionId) {
  let values = service;
  try {
    const due = refresher.due(values);
    if (due) {
      values = await refresher.refresh(sessionId, values);
    }
    let record;
    try {
      record = await client.getUser(values);
    } catch (err) {
      if (due || !STALE_TOKEN.has(err?.code)) {
        throw err;
      }
      values = await refresher.refresh(sessionId, values);
      record = await client.getUser(values);
    }
    const user = AcmeUser.fromRecord(record);
    return { service: values, user: user.active ? user : null, error: null };
  } catch (err) {
    if (err instanceof SignedOut) {
      return { service: null, user: null, error: null };
    }
    if (err instanceof ServiceUnavailable || err instanceof UnexpectedAnswer) {
      return { service: values, user: null, error: err };
    }
    if (err instanceof AcmeError) {
      return { service: values, user: null, error: null };
    }
    throw err;
  }
}

/**
 * Passport's session middleware, failing closed: when the service cannot
 * refresh the user, the request goes on without a user and remembers why,
 * so guards and `me` answer 503 while public pages keep working. The
 * session is kept, so the user is back once the service is.
 */
function restoreUser(passport, logger, failed) {
  const restore = passport.session();
  return (req, res, next) => {
    restore(req, res, (err) => {
      if (err instanceof AcmeError) {
        logger.warn(
          `${SERVICE_NAME}: could not refresh the signed-in user: ${err.message}`,
        );
        req[failed] = err;
        next();
        return;
      }
      next(err);
    });
  };
}

module.exports = { AcmeStrategy, createPassport, restoreUser };
