'use strict';

/**
 * Sign users in to an Express app with Acme Identity.
 *
 *     const acme = require('express-acme');
 *     app.use(acme());
 *     app.get('/', acme.requireLogin(), (req, res) => res.json(req.user));
 *
 * `acme(options)` checks its options, then returns a router that mounts
 * express-session, Passport and the routes (`/auth/login`, `/auth/logout`,
 * `/auth/me`, `/auth/csrf`, `/auth/register`, `/auth/forgot`, `/auth/reset`, `/auth/verify`, `/auth/password`). `req.user` and
 * `res.locals.user` are then the signed-in AcmeUser, or undefined and null.
 */

const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const { AcmeClient } = require('./lib/client');
const {
  COOKIE_NAME,
  REDIS_SESSION_PREFIX,
  REDIS_SIGNED_OUT_PREFIX,
  SESSION_KEY,
  SESSION_MAX_AGE_MS,
} = require('./lib/config');
const { createCsrf } = require('./lib/csrf');
const {
  AcmeError,
  InvalidCredentials,
  AccountDisabled,
  UserNotFound,
  Conflict,
  InvalidInput,
  Expired,
  InvalidToken,
  ExpiredToken,
  PasswordPolicy,
  Unverified,
  ServiceUnavailable,
  UnexpectedResponse,
  UnexpectedAnswer,
  ConfigurationError,
} = require('./lib/errors');
const { refreshFailed, signInFirst } = require('./lib/guards');
const { negotiate, sendError, wantsJson } = require('./lib/http');
const { AcmeStrategy, createPassport, restoreUser } = require('./lib/auth');
const { resolveOptions } = require('./lib/options');
const { Refresher } = require('./lib/refresh');
const { render, renderError } = require('./lib/render');
const { createRoutes } = require('./lib/routes');
const { sessionStore } = require('./lib/sessions');
const { AcmeUser } = require('./lib/user');
const WORDS = require('./lib/messages.json');

/** The store of lib/sessions.js on connect-redis, made with the client when redisUrl is set (both are optional dependencies). */
let SessionStore;

/** Where a request finds the integration that handled it. */
const STATE = Symbol('express-acme');
/** Where a request keeps the error of a failed refresh of its user. */
const REFRESH_FAILED = Symbol('express-acme refresh failed');

/**
 * The integration: a router to mount with `app.use()`.
 *
 * @param {object} [options] see the README; each falls back to an environment variable
 * @returns {import('express').Router} with `close()`, which closes the Redis client of `redisUrl`
 * @throws {ConfigurationError} naming every missing or invalid option
 */
function acme(options = {}) {
  const settings = resolveOptions(options);
  const client = new AcmeClient(settings.service);
  const csrf = createCsrf();
  const prefix = settings.routePrefix;
  const redis =
    settings.session !== false && !settings.session.store && settings.redisUrl
      ? redisClient(settings.redisUrl, settings.logger)
      : null;
  const refresher = new Refresher(
    client,
    settings.logger,
    redis,
    settings.service.timeoutMs,
  );
  const state = Object.freeze({
    settings,
    client,
    csrf,
    redis,
    refresher,
    passport: createPassport({
      client,
      settings,
      csrf,
      // The app's Passport gets the strategy beside its own; else one of the integration's.
      passport: settings.passport ?? new Passport(),
      shared: settings.passport !== null,
      refresher,
    }),
    logger: settings.logger,
    links: Object.freeze({
      login: `${prefix}/login`,
      register: `${prefix}/register`,
      forgot: `${prefix}/forgot`,
      reset: `${prefix}/reset`,
      verify: `${prefix}/verify`,
      password: `${prefix}/password`,
    }),
    sessionKey: SESSION_KEY,
    cookieName: COOKIE_NAME,
    ownsSession: settings.session !== false,
    refreshFailed: (req) => req[REFRESH_FAILED], // the error, when the user could not be refreshed
  });

  const router = express.Router();
  router.use((req, res, next) => {
    req[STATE] = state;
    next();
  });
  if (settings.session !== false) {
    router.use(sessionMiddleware(settings, redis));
  }
  router.use((req, res, next) => {
    if (!req.session || typeof req.session.regenerate !== 'function') {
      next(
        new Error(
          'acme({ session: false }) needs the app to mount express-session (or a compatible session middleware) before it',
        ),
      );
      return;
    }
    next();
  });
  router.use(state.passport.initialize());
  router.use(restoreUser(state.passport, state.logger, REFRESH_FAILED));
  router.use((req, res, next) => {
    res.locals.user = req.user ?? null;
    next();
  });
  router.use(prefix || '/', createRoutes(state));
  // Errors of the session store, Passport or the routes: never Express's default page.
  router.use(errorHandler());
  /** Close the Redis client of `redisUrl`, once the server has stopped (a graceful shutdown, tests). */
  router.close = async () => {
    if (redis?.isReady) {
      await redis.close();
    } else if (redis?.isOpen) {
      redis.destroy(); // still connecting or reconnecting: stop trying
    }
  };
  return router;
}

/**
 * express-session with the cookie the contract asks for: HttpOnly, SameSite, Secure over HTTPS.
 * With a Redis client (redisUrl, and no store of the app's own), the sessions live in Redis.
 */
function sessionMiddleware(settings, redis) {
  const own = settings.session;
  const cookie = {
    maxAge: SESSION_MAX_AGE_MS,
    secure: 'auto',
    ...own.cookie,
    httpOnly: true,
    sameSite: own.cookie?.sameSite === 'strict' ? 'strict' : 'lax',
  };
  const store =
    redis === null
      ? own.store
      : new SessionStore({ client: redis, prefix: REDIS_SESSION_PREFIX });
  return session({
    name: COOKIE_NAME,
    resave: false,
    saveUninitialized: false,
    ...own,
    store,
    secret: settings.sessionSecret,
    cookie,
  });
}

/**
 * A client of the Redis at `url`, for connect-redis: every instance of the
 * app then shares the sessions, the cached user included, and a sign-out
 * deletes the session for all of them at once.
 *
 * The client connects in the background and reconnects by itself; until it
 * is connected, requests that need their session wait for it, and its
 * errors are logged (an 'error' listener also keeps them from ending the
 * process). Once connected it does not keep the process alive on its own.
 */
function redisClient(url, logger) {
  let createClient;
  try {
    const { RedisStore } = require('connect-redis');
    SessionStore = sessionStore(RedisStore, {
      prefix: REDIS_SIGNED_OUT_PREFIX,
      seconds: SESSION_MAX_AGE_MS / 1000,
    });
    ({ createClient } = require('redis'));
  } catch (err) {
    throw new ConfigurationError([
      `redisUrl is set but ${err.message.split('\n')[0]}: npm install connect-redis redis`,
    ]);
  }
  const client = createClient({ url });
  client.on('error', (err) =>
    logger.warn(`Redis session store: ${err.message}`),
  );
  client.connect().then(
    () => client.unref(),
    (err) =>
      logger.warn(`Redis session store: cannot connect (${err.message})`),
  );
  return client;
}

/** The integration that handled `req`; an error when acme() is not mounted before. */
function stateOf(req) {
  const state = req[STATE];
  if (state === undefined) {
    throw new Error(
      'mount the integration with app.use(acme()) before the routes its guards protect',
    );
  }
  return state;
}

/**
 * A guard: only signed-in users get through.
 *
 * @returns {import('express').RequestHandler}
 */
function requireLogin() {
  return (req, res, next) => {
    const state = stateOf(req);
    if (req[REFRESH_FAILED] !== undefined) {
      refreshFailed(state, req, res);
    } else if (!req.user) {
      signInFirst(state, req, res);
    } else {
      next();
    }
  };
}

/**
 * A guard: only signed-in users with every one of `roles` get through; the
 * others get a 403 (a JSON error for API clients, a page for browsers).
 *
 * @param {...string} roles
 * @returns {import('express').RequestHandler}
 */
function requireRoles(...roles) {
  if (
    roles.length === 0 ||
    !roles.every((role) => typeof role === 'string' && role !== '')
  ) {
    throw new TypeError('requireRoles() takes one or more role names');
  }
  return (req, res, next) => {
    const state = stateOf(req);
    if (req[REFRESH_FAILED] !== undefined) {
      refreshFailed(state, req, res);
    } else if (!req.user) {
      signInFirst(state, req, res);
    } else if (!req.user.hasRoles(...roles)) {
      if (wantsJson(req)) {
        sendError(res, 403, 'forbidden', WORDS.error.forbidden);
      } else {
        const title = WORDS.forbidden_title;
        renderError(state, req, res, 403, title, WORDS.error.forbidden);
      }
    } else {
      next();
    }
  };
}

/**
 * The CSRF token of the request's session, for the app's own forms (a field
 * named `_csrf`) and API clients (an `X-CSRF-Token` header).
 *
 * @param {import('express').Request} req
 * @returns {string}
 */
function csrfToken(req) {
  return stateOf(req).csrf.token(req);
}

/**
 * A guard for the app's own state-changing routes: without the session's CSRF
 * token, 403. Mount a body parser before it for forms.
 *
 * @returns {import('express').RequestHandler}
 */
function csrfProtection() {
  return (req, res, next) => {
    const state = stateOf(req);
    state.csrf.protect(req, res, next, () => {
      const message = WORDS.error.csrf_failed;
      if (wantsJson(req)) {
        sendError(res, 403, 'csrf_failed', message);
      } else {
        // The session is fine: the form is older than its token. Offer it again.
        const again = req.originalUrl;
        const locals = { title: WORDS.csrf_title, message, status: 403, again };
        render(state, req, res, 'error', locals, 403);
      }
    });
  };
}

/**
 * The errors that carry a client status (body parsers, `res.format`) and
 * what the error handler answers them with: status, code, message.
 */
const CLIENT_ERRORS = Object.freeze({
  400: [400, 'invalid_input', WORDS.error.invalid_input],
  405: [405, 'method_not_allowed', WORDS.error.method_not_allowed],
  406: [406, 'not_acceptable', WORDS.error.not_acceptable],
  413: [400, 'invalid_input', WORDS.body_too_large],
  415: [415, 'unsupported_media_type', WORDS.error.unsupported_media_type],
});

/** What every other error is answered with, once logged. */
const FAILED = Object.freeze([500, 'failed', WORDS.internal_error]);

/**
 * The app's last error handler: mount it after the app's routes with
 * `app.use(acme.errorHandler())`; the integration's router ends with one too.
 * An error that carries a client status (a body parser's 400, `res.format`'s
 * 406) is answered with it; any other is logged with its stack and answered
 * 500. Either way the client gets the JSON error shape (or a short page, for
 * browsers) and never a stack trace or a file path, whatever NODE_ENV says:
 * Express's own handler shows the stack unless NODE_ENV is 'production'.
 *
 * @returns {import('express').ErrorRequestHandler}
 */
function errorHandler() {
  return (err, req, res, next) => {
    const state = req[STATE];
    const known = CLIENT_ERRORS[err?.status ?? err?.statusCode];
    if (known === undefined) {
      (state?.logger ?? console).warn(
        `${req.method} ${req.path} failed: ${err?.stack ?? err}`,
      );
    }
    if (res.headersSent) {
      next(err); // Express closes the connection of a half-sent answer
      return;
    }
    const [status, code, message] = known ?? FAILED;
    if (negotiate(req, ['json', 'html']) !== 'html') {
      sendError(res, status, code, message);
    } else if (state !== undefined && req.session) {
      renderError(state, req, res, status, WORDS.error_title, message);
    } else {
      res.status(status).type('text').send(message);
    }
  };
}

module.exports = acme;
module.exports.acme = acme;
module.exports.requireLogin = requireLogin;
module.exports.requireRoles = requireRoles;
module.exports.csrfToken = csrfToken;
module.exports.csrfProtection = csrfProtection;
module.exports.errorHandler = errorHandler;
module.exports.AcmeUser = AcmeUser;
module.exports.AcmeClient = AcmeClient;
module.exports.AcmeStrategy = AcmeStrategy;
module.exports.AcmeError = AcmeError;
module.exports.InvalidCredentials = InvalidCredentials;
module.exports.AccountDisabled = AccountDisabled;
module.exports.UserNotFound = UserNotFound;
module.exports.Conflict = Conflict;
module.exports.InvalidInput = InvalidInput;
module.exports.Expired = Expired;
module.exports.InvalidToken = InvalidToken;
module.exports.ExpiredToken = ExpiredToken;
module.exports.PasswordPolicy = PasswordPolicy;
module.exports.Unverified = Unverified;
module.exports.ServiceUnavailable = ServiceUnavailable;
module.exports.UnexpectedResponse = UnexpectedResponse;
module.exports.UnexpectedAnswer = UnexpectedAnswer;
module.exports.ConfigurationError = ConfigurationError;
