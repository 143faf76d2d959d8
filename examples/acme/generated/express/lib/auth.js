'use strict';

/**
 * Passport for Acme Identity: a local strategy that signs in
 * with the service, and the user cached in the session.
 *
 * Only the user's id is serialized (Passport's `session.passport.user`).
 * Beside it, the server-side session keeps what the service's login returned
 * (its tokens never reach the browser: the cookie holds only the signed
 * session id) and the user as last fetched. Within the TTL a request costs no
 * call to the service; after it, one get_user refreshes the user, and a user
 * the service disabled or deleted is signed out.
 */

const { Passport } = require('passport');
const { Strategy: LocalStrategy } = require('passport-local');
const { SERVICE_NAME, SESSION_KEY, STRATEGY } = require('./config');
const {
  AcmeError,
  AccountDisabled,
  InvalidCredentials,
  ServiceUnavailable,
  UserNotFound,
} = require('./errors');
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

/**
 * A Passport of the integration's own (the app's `passport` is left alone),
 * with the local strategy and the session's (de)serialization.
 */
function createPassport({ client, settings, csrf }) {
  const passport = new Passport();
  /** Sign-ins on their way from the strategy to serializeUser. */
  const signingIn = new WeakMap();
  /** Refreshes under way, by session id, so parallel requests share one. */
  const refreshing = new Map();

  passport.use(
    STRATEGY,
    new LocalStrategy((username, password, done) => {
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
          } else if (err instanceof AccountDisabled) {
            done(null, false, { error: err });
          } else {
            done(err);
          }
        },
      );
    }),
  );

  // Runs in the new session Passport starts at sign-in (session fixation).
  passport.serializeUser((req, user, done) => {
    const service = signingIn.get(user);
    if (service === undefined) {
      done(new Error('serializeUser got a user that did not just sign in'));
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
      refresh = fetchUser(client, saved.service).finally(() => {
        refreshing.delete(req.sessionID);
      });
      refreshing.set(req.sessionID, refresh);
    }
    refresh.then(
      (user) => {
        if (user === null || user.id !== id) {
          delete req.session[SESSION_KEY];
          done(null, false);
          return;
        }
        req.session[SESSION_KEY] = {
          ...saved,
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

/**
 * The user as the service has it now; null when the service no longer
 * accepts the session or has disabled the user.
 *
 * @throws {ServiceUnavailable} when the service cannot say
 */
async function fetchUser(client, service) {
  try {
    const record = await client.getUser(service);
    const user = AcmeUser.fromRecord(record);
    return user.active ? user : null;
  } catch (err) {
    if (err instanceof ServiceUnavailable) {
      throw err;
    }
    if (err instanceof AcmeError) {
      return null;
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

module.exports = { createPassport, restoreUser };
