'use strict';

/**
 * The routes of docs/http-contract.md, under the route prefix: login,
 * logout, me, csrf{% if cookiecutter.has_register %}, register{% endif %}{% if cookiecutter.has_forgot_password %}, forgot{% endif %}.
 *
 * Every route answers HTML or JSON as `Accept` asks (406 when it can do
 * neither, 405 for another method). POSTs take a form or a JSON object (415,
 * 400 otherwise) and a CSRF token (403 without it). Failed sign-ins can be
 * throttled (429), per username and per client address.
 */

const { promisify } = require('node:util');
const express = require('express');
const { SERVICE_NAME, STRATEGY } = require('./config');
{{ cookiecutter.routes_imports }}
const { formFields, readForm } = require('./forms');
const {
  bodyErrors,
  methodNotAllowed,
  negotiate,
  notAcceptable,
  readBody,
  safeNext,
  sendError,
} = require('./http');
const { render, renderError } = require('./render');
const { Throttle } = require('./throttle');

/** What each failure tells the user; the same words for JSON and pages. */
const MESSAGES = Object.freeze({
  invalid_credentials: 'Wrong username or password.',
  account_disabled: 'This account is disabled.',
  service_unavailable:
    'Signing in is not possible right now. Please try again in a moment.',
  conflict: 'An account with these details already exists.',
  invalid_input: 'Please fill in every field with valid details.',
  csrf_failed: 'This form has expired. Please try again.',
  unauthorized: 'Sign in first.',
  too_many_attempts: 'Too many failed sign-in attempts. Try again later.',
  failed: 'Something went wrong. Please try again later.',
});

/** The title of each page. */
const TITLES = Object.freeze({
  login: 'Sign in',
  register: 'Create an account',
  forgot: 'Reset your password',
  forgotSent: 'Check your email',
});

/** Whether the client asked for JSON rather than a page. */
function json(req) {
  return negotiate(req, ['html', 'json']) === 'json';
}

/** Refuse early a client that accepts none of `offers`: 406. */
function offering(...offers) {
  return (req, res, next) => {
    if (negotiate(req, offers) === null) {
      notAcceptable(res);
      return;
    }
    next();
  };
}

/** `next` for the login form's hidden field: a safe path, or null. */
function safeNextOrNull(next) {
  const safe = safeNext(next);
  return safe === '/' ? null : safe;
}

/**
 * The router of the integration's routes.
 *
 * @param {object} state the integration's state (settings, client, passport, csrf, links)
 */
function createRoutes(state) {
  const router = express.Router();
  const { client, csrf, links, logger, passport } = state;
  const throttle = new Throttle(state.settings.loginLimit);

  /** Show a form page: the fields with what was typed (never a password), an error or a notice. */
  function renderForm(req, res, form, options = {}, status = 200) {
    const { values = {}, error = null, notice = null } = options;
    const next = form === 'login' ? (values.next ?? req.query.next) : null;
    const locals = {
      title: TITLES[form],
      action: links[form],
      fields: formFields(form, values),
      next: safeNextOrNull(next),
      error,
      notice,
    };
    render(state, req, res, form, locals, status);
  }

  /** A form route failed: JSON clients get the error body, browsers the page again. */
  function fail(req, res, form, status, code) {
    const message = MESSAGES[code] ?? MESSAGES.service_unavailable;
    if (json(req)) {
      sendError(res, status, code, message);
      return;
    }
    renderForm(req, res, form, { values: req.body, error: message }, status);
  }

  /** The CSRF check of a POST route (`form` null for logout): 403 without the token. */
  function checkCsrf(form) {
    return (req, res, next) => {
      if (csrf.verify(req)) {
        next();
      } else if (json(req)) {
        sendError(res, 403, 'csrf_failed', MESSAGES.csrf_failed);
      } else if (form === null) {
        const title = 'Session expired';
        renderError(state, req, res, 403, title, MESSAGES.csrf_failed);
      } else {
        fail(req, res, form, 403, 'csrf_failed');
      }
    };
  }

  function loginPage(req, res) {
    const notice =
      req.query.registered === '1'
        ? 'Your account is ready. Sign in to continue.'
        : null;
    renderForm(req, res, 'login', { notice });
  }

  /** What Passport's local strategy made of the request: an error, or a user or not. */
  function authenticate(req, res) {
    return new Promise((resolve, reject) => {
      const decided = (err, user, info) => resolve({ err, user, info });
      passport.authenticate(STRATEGY, decided)(req, res, reject);
    });
  }

  /** Sign in: the fields checked, then the sign-in in its turn (see lib/throttle.js). */
  async function login(req, res) {
    const { values, invalid } = readForm('login', req.body);
    if (invalid.length > 0) {
      fail(req, res, 'login', 400, 'invalid_input');
      return;
    }
    req.body.username = values.username; // trimmed, for the local strategy
    await throttle.inTurn(values.username, () =>
      signIn(req, res, values.username),
    );
  }

  /** Refused while `username` or the client is throttled; else asked of the service, and counted. */
  async function signIn(req, res, username) {
    const retryAfter = await throttle.retryAfter(req, username);
    if (retryAfter > 0) {
      // Before the service is asked, the same for every username: nothing tells who has an account.
      res.set('Retry-After', String(retryAfter));
      fail(req, res, 'login', 429, 'too_many_attempts');
      return;
    }
    const { err, user, info } = await authenticate(req, res);
    if (err instanceof {{ cookiecutter.class_name }}Error) {
      logger.warn(`${SERVICE_NAME}: sign-in failed: ${err.message}`);
      if (err instanceof UnexpectedAnswer) {
        fail(req, res, 'login', 502, 'failed');
      } else {
        fail(req, res, 'login', 503, 'service_unavailable');
      }
    } else if (err) {
      throw err;
    } else if (!user) {
      await throttle.refused(req, username);
      const error = info?.error ?? new InvalidCredentials('no user');
      fail(req, res, 'login', error.status, error.code);
    } else {
      await throttle.succeeded(username);
      await promisify(req.logIn.bind(req))(user);
      if (json(req)) {
        res.json({ user, csrf_token: csrf.token(req) });
      } else {
        res.redirect(303, safeNext(req.body.next));
      }
    }
  }

  function logout(req, res, next) {
    delete req.session[state.sessionKey];
    req.logout((err) => {
      if (err) {
        next(err);
        return;
      }
      if (state.ownsSession) {
        res.clearCookie(state.cookieName, { path: '/' });
      }
      if (json(req)) {
        res.status(204).end();
      } else {
        res.redirect(303, links.login);
      }
    });
  }

  function me(req, res) {
    if (state.refreshFailed(req)) {
      sendError(res, 503, 'service_unavailable', MESSAGES.service_unavailable);
    } else if (!req.user) {
      sendError(res, 401, 'unauthorized', MESSAGES.unauthorized);
    } else {
      res.json(req.user);
    }
  }

  function csrfToken(req, res) {
    res.json({
      csrf_token: csrf.token(req),
      header: csrf.header,
      field: csrf.field,
    });
  }
{%- if cookiecutter.has_register %}

  async function register(req, res) {
    const { values, invalid } = readForm('register', req.body);
    if (invalid.length > 0) {
      fail(req, res, 'register', 400, 'invalid_input');
      return;
    }
    try {
      await client.register(values);
    } catch (err) {
      if (!(err instanceof {{ cookiecutter.class_name }}Error)) {
        throw err;
      }
      if (err instanceof ServiceUnavailable) {
        logger.warn(`${SERVICE_NAME}: registration failed: ${err.message}`);
      }
      if ([400, 409].includes(err.status)) {
        fail(req, res, 'register', err.status, err.code);
      } else {
        fail(req, res, 'register', 503, 'service_unavailable');
      }
      return;
    }
    if (json(req)) {
      res.status(201).json({ status: 'registered' });
    } else {
      res.redirect(303, `${links.login}?registered=1`);
    }
  }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

  async function forgot(req, res) {
    const { values, invalid } = readForm('forgot', req.body);
    if (invalid.length > 0) {
      fail(req, res, 'forgot', 400, 'invalid_input');
      return;
    }
    try {
      await client.forgotPassword(values);
    } catch (err) {
      if (!(err instanceof {{ cookiecutter.class_name }}Error)) {
        throw err;
      }
      // An unknown account is answered like a known one, so the answer does not tell who has one.
      if (!(err instanceof UserNotFound)) {
        logger.warn(`${SERVICE_NAME}: password reset failed: ${err.message}`);
        if (err instanceof UnexpectedResponse) {
          fail(req, res, 'forgot', 502, 'failed');
        } else {
          fail(req, res, 'forgot', err.status, err.code);
        }
        return;
      }
    }
    if (json(req)) {
      res.status(202).json({ status: 'sent' });
    } else {
      render(state, req, res, 'forgotSent', { title: TITLES.forgotSent });
    }
  }
{%- endif %}

  const page = offering('html');
  const api = offering('json');
  const post = [offering('html', 'json'), readBody];

  router.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router
    .route('/login')
    .get(page, loginPage)
    .post(post, checkCsrf('login'), login)
    .all(methodNotAllowed('GET', 'POST'));
  router
    .route('/logout')
    .post(post, checkCsrf(null), logout)
    .all(methodNotAllowed('POST'));
  router.route('/me').get(api, me).all(methodNotAllowed('GET'));
  router.route('/csrf').get(api, csrfToken).all(methodNotAllowed('GET'));
{%- if cookiecutter.has_register %}
  router
    .route('/register')
    .get(page, (req, res) => renderForm(req, res, 'register'))
    .post(post, checkCsrf('register'), register)
    .all(methodNotAllowed('GET', 'POST'));
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
  router
    .route('/forgot')
    .get(page, (req, res) => renderForm(req, res, 'forgot'))
    .post(post, checkCsrf('forgot'), forgot)
    .all(methodNotAllowed('GET', 'POST'));
{%- endif %}
  router.use(bodyErrors); // other errors go on to the integration's error handler
  return router;
}

module.exports = { createRoutes };
