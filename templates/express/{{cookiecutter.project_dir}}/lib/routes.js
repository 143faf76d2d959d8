'use strict';

/**
 * The routes of docs/http-contract.md, under the route prefix: login,
 * logout, me, csrf{% if cookiecutter.has_register %}, register{% endif %}{% if cookiecutter.has_forgot_password %}, forgot{% endif %}{% if cookiecutter.has_reset_password %}, reset{% endif %}{% if cookiecutter.has_verify_email %}, verify{% endif %}{% if cookiecutter.has_change_password %}, password{% endif %}.
 *
 * Every route answers HTML or JSON as `Accept` asks (406 when it can do
 * neither, 405 for another method). POSTs take a form or a JSON object (415,
 * 400 otherwise) and a CSRF token (403 without it). Failed sign-ins can be
 * throttled (429), per username and per client address.
 */

const { promisify } = require('node:util');
const express = require('express');
{{ cookiecutter.routes_config_imports | jsimport("require('./config')") }}
{{ cookiecutter.routes_errors | jsimport("require('./errors')") }}
const { FORMS, formFields, readForm } = require('./forms');
const {
  bodyErrors,
  methodNotAllowed,
  negotiate,
  notAcceptable,
  readBody,
  safeNext,
  sendError,
} = require('./http');
{{ cookiecutter.routes_guards | jsimport("require('./guards')") }}
const { render, renderError } = require('./render');
{%- if cookiecutter.change_refreshes %}
const { SignedOut } = require('./refresh');
{%- endif %}
const { Throttle } = require('./throttle');

/**
 * What the integration tells users, the same words for JSON and pages (and in
 * every authgen integration): `WORDS.error[code]`, and the other texts by name.
 */
const WORDS = require('./messages.json');

/** The title of each page. */
const TITLES = Object.freeze({
  login: 'Sign in',
  register: 'Create an account',
  forgot: 'Reset your password',
  forgotSent: WORDS.forgot_sent_title,
{%- if cookiecutter.has_reset_password %}
  reset: 'Choose a new password',
  resetDone: 'Password changed',
{%- endif %}
{%- if cookiecutter.has_verify_email %}
  verify: 'Verify your email address',
  verifyDone: 'Email address verified',
{%- endif %}
{%- if cookiecutter.has_change_password %}
  password: 'Change your password',
  passwordChanged: 'Password changed',
{%- endif %}
});

{%- if cookiecutter.email_links %}

/** The forms of the pages an emailed link leads to, which carry its token. */
const LINK_FORMS = Object.freeze({{ cookiecutter.link_forms | js }});
{%- endif %}

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
  const { client, csrf, links, logger, passport{% if cookiecutter.change_refreshes %}, refresher{% endif %} } = state;
  const throttle = new Throttle(state.settings.loginLimit, state.redis);

  /** Show a form page: the fields with what was typed (never a password), an error or a notice. */
  function renderForm(req, res, form, options = {}, status = 200) {
    const { values = {}, error = null, notice = null } = options;
    const next = form === 'login' ? (values.next ?? req.query.next) : null;
    const locals = {
      title: TITLES[form],
      action: links[form],
      fields: Object.hasOwn(FORMS, form) ? formFields(form, values) : [],
      next: safeNextOrNull(next),
      error,
      notice,
    };
{%- if cookiecutter.email_links %}
    if (Object.hasOwn(options, 'token')) {
      locals.token = options.token;
    }
{%- endif %}
    render(state, req, res, form, locals, status);
  }

  /**
   * A form route failed: JSON clients get the error body, browsers the page
   * again. `message` replaces the code's own (the service's words, say);
{%- if cookiecutter.email_links %}
   * `token` is the link's token the page keeps, null when the link is dead.
{%- endif %}
   */
  function fail(req, res, form, status, code, options = {}) {
    const message =
      options.message ?? WORDS.error[code] ?? WORDS.error.service_unavailable;
    if (json(req)) {
      sendError(res, status, code, message);
      return;
    }
    const page = { ...options, values: req.body, error: message };
{%- if cookiecutter.email_links %}
    if (LINK_FORMS.includes(form) && !Object.hasOwn(page, 'token')) {
      page.token = linkToken(req.body.token); // a form of the link's page, as posted
    }
{%- endif %}
    renderForm(req, res, form, page, status);
  }

  /** The CSRF check of a POST route (`form` null for logout): 403 without the token. */
  function checkCsrf(form) {
    const refuse = (req, res) => {
      if (json(req)) {
        sendError(res, 403, 'csrf_failed', WORDS.error.csrf_failed);
      } else if (form === null) {
        // the sign-out form is on the app's pages: the error page links home
        const title = WORDS.csrf_title;
        renderError(state, req, res, 403, title, WORDS.error.csrf_failed);
      } else {
        fail(req, res, form, 403, 'csrf_failed');
      }
    };
    return (req, res, next) => {
      csrf.protect(req, res, next, () => refuse(req, res));
    };
  }

  function loginPage(req, res) {
    const notice = req.query.registered === '1' ? WORDS.registered : null;
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

{%- if cookiecutter.has_logout %}

  /** End the session at the service too; its failure is logged, and the user is signed out here all the same. */
  async function logoutAtService(req) {
    const service = req.session[state.sessionKey]?.service;
    if (!service) {
      return;
    }
    try {
      await client.logout(service);
    } catch (err) {
      if (!(err instanceof {{ cookiecutter.class_name }}Error)) {
        throw err;
      }
      logger.warn(
        `${SERVICE_NAME}: sign-out at the service failed (${err.code}): ${err.message}`,
      );
    }
  }

  async function logout(req, res, next) {
    await logoutAtService(req);
{%- else %}

  function logout(req, res, next) {
{%- endif %}
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
      refreshFailed(state, req, res);
    } else if (!req.user) {
      sendError(res, 401, 'unauthorized', WORDS.error.unauthorized);
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

{%- if cookiecutter.email_links %}

  /** The token of an emailed link, from its query or the form it led to; null when missing. */
  function linkToken(value) {
    if (typeof value !== 'string') {
      return null;
    }
    const token = value.trim();
    return token === '' || token.length > MAX_INPUT_LENGTH ? null : token;
  }

  /**
   * The link's token could not be used (`reason`: incomplete_link,
   * invalid_token, expired_token). The page says so without the form
   * (`token` null): a new link is needed.
   */
  function linkFailed(req, res, form, reason) {
    const code = reason === 'expired_token' ? reason : 'invalid_token';
    const message =
      reason === 'incomplete_link' ? WORDS[reason] : WORDS.error[reason];
    fail(req, res, form, 400, code, { message, token: null });
  }

  /**
   * The service refused a form or failed: the answer the contract gives each
   * kind. Outages and unexpected answers are logged; the service's own
   * message (a password policy) is shown escaped, never logged.
   */
  function serviceFailed(req, res, form, err, options = {}) {
    if (err instanceof ServiceUnavailable) {
      logger.warn(`${SERVICE_NAME}: ${form} failed: ${err.message}`);
      fail(req, res, form, 503, 'service_unavailable', options);
    } else if (err instanceof UnexpectedResponse) {
      logger.warn(`${SERVICE_NAME}: ${form} failed: ${err.message}`);
      fail(req, res, form, 502, 'failed', options);
    } else if (err.code === 'invalid_token' || err.code === 'expired_token') {
      linkFailed(req, res, form, err.code);
    } else {
      const message = err.serviceMessage; // null: the code's own message
      fail(req, res, form, err.status, err.code, { ...options, message });
    }
  }
{%- endif %}
{%- if cookiecutter.has_reset_password %}

  function resetPage(req, res) {
    const token = linkToken(req.query[RESET_TOKEN_QUERY]);
    if (token === null) {
      linkFailed(req, res, 'reset', 'incomplete_link');
      return;
    }
    renderForm(req, res, 'reset', { token });
  }

  /** Complete a password reset with the emailed token; signs nobody in. */
  async function reset(req, res) {
    const token = linkToken(req.body.token);
    if (token === null) {
      linkFailed(req, res, 'reset', 'incomplete_link');
      return;
    }
    const { values, invalid } = readForm('reset', req.body);
    if (invalid.length > 0) {
      fail(req, res, 'reset', 400, 'invalid_input', { token });
      return;
    }
    if (values.password !== values.password_confirm) {
      const message = WORDS.passwords_differ;
      fail(req, res, 'reset', 400, 'invalid_input', { message, token });
      return;
    }
    try {
      await client.resetPassword({ token, password: values.password });
    } catch (err) {
      if (!(err instanceof {{ cookiecutter.class_name }}Error)) {
        throw err;
      }
      serviceFailed(req, res, 'reset', err, { token });
      return;
    }
    if (json(req)) {
      res.json({ status: 'reset' });
    } else {
      render(state, req, res, 'resetDone', { title: TITLES.resetDone });
    }
  }
{%- endif %}
{%- if cookiecutter.has_verify_email %}

  /** The page of the verification link: a button, since opening a link must not verify anything. */
  function verifyPage(req, res) {
    const token = linkToken(req.query[VERIFY_TOKEN_QUERY]);
    if (token === null) {
      linkFailed(req, res, 'verify', 'incomplete_link');
      return;
    }
    renderForm(req, res, 'verify', { token });
  }

  async function verify(req, res) {
    const token = linkToken(req.body.token);
    if (token === null) {
      linkFailed(req, res, 'verify', 'incomplete_link');
      return;
    }
    try {
      await client.verifyEmail({ token });
    } catch (err) {
      if (!(err instanceof {{ cookiecutter.class_name }}Error)) {
        throw err;
      }
      serviceFailed(req, res, 'verify', err, { token });
      return;
    }
    if (json(req)) {
      res.json({ status: 'verified' });
    } else {
      render(state, req, res, 'verifyDone', { title: TITLES.verifyDone });
    }
  }
{%- endif %}
{%- if cookiecutter.has_change_password %}

  /** Only for signed-in users, as `requireLogin()` guards the app's routes. */
  function signedIn(req, res, next) {
    if (state.refreshFailed(req)) {
      refreshFailed(state, req, res);
    } else if (!req.user) {
      signInFirst(state, req, res);
    } else {
      next();
    }
  }

  /** Change the signed-in user's password; the user stays signed in, in a session with a new id. */
  async function changePassword(req, res) {
    const { values, invalid } = readForm('password', req.body);
    if (invalid.length > 0) {
      fail(req, res, 'password', 400, 'invalid_input');
      return;
    }
    if (values.new_password !== values.new_password_confirm) {
      const message = WORDS.passwords_differ;
      fail(req, res, 'password', 400, 'invalid_input', { message });
      return;
    }
    const input = {
      current_password: values.current_password,
      new_password: values.new_password,
    };
    try {
{%- if cookiecutter.has_refresh %}
      await withFreshTokens(req, (service) =>
        client.changePassword(service, input),
      );
{%- else %}
      await client.changePassword(req.session[state.sessionKey].service, input);
{%- endif %}
    } catch (err) {
{%- if cookiecutter.has_refresh %}
      if (err instanceof SignedOut) {
        await signOut(req);
        signInFirst(state, req, res);
        return;
      }
{%- endif %}
      if (!(err instanceof {{ cookiecutter.class_name }}Error)) {
        throw err;
      }
      if (err.code === 'invalid_credentials') {
        const message = WORDS.wrong_current_password;
        fail(req, res, 'password', 400, 'invalid_credentials', { message });
      } else if (err.code === 'expired') {
        // The service no longer takes the session's token{% if cookiecutter.has_refresh %}, even refreshed{% endif %}: signed out.
        await signOut(req);
        signInFirst(state, req, res);
      } else {
        serviceFailed(req, res, 'password', err);
      }
      return;
    }
    await rotateSessionId(req);
    if (json(req)) {
      res.json({ status: 'changed' });
    } else {
      const title = TITLES.passwordChanged;
      render(state, req, res, 'passwordChanged', { title });
    }
  }
{%- if cookiecutter.has_refresh %}

  /**
   * Call the service with the session's values, refreshed first when they
   * have expired, or once after the service says the access token has.
   *
   * @throws {SignedOut} when the refresh fails
   */
  async function withFreshTokens(req, call) {
    const saved = req.session[state.sessionKey];
    const renew = async (values) => {
      const service = await refresher.refresh(req.sessionID, values);
      req.session[state.sessionKey] = { ...saved, service };
      return service;
    };
    let service = saved.service;
    if (refresher.due(service)) {
      service = await renew(service);
    }
    try {
      return await call(service);
    } catch (err) {
      if (err?.code !== 'expired') {
        throw err;
      }
      return call(await renew(service));
    }
  }
{%- endif %}

  /** The same session data under a new session id: after a password change, the old id is worth nothing. */
  async function rotateSessionId(req) {
    const data = Object.fromEntries(
      Object.entries(req.session).filter(([name]) => name !== 'cookie'),
    );
    await promisify(req.session.regenerate.bind(req.session))();
    Object.assign(req.session, data);
  }

  /** Sign the user out here: the service no longer takes the session. */
  async function signOut(req) {
    delete req.session[state.sessionKey];
    await promisify(req.logout.bind(req))();
    req.user = undefined;
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
{%- if cookiecutter.has_reset_password %}
  router
    .route('/reset')
    .get(page, resetPage)
    .post(post, checkCsrf('reset'), reset)
    .all(methodNotAllowed('GET', 'POST'));
{%- endif %}
{%- if cookiecutter.has_verify_email %}
  router
    .route('/verify')
    .get(page, verifyPage)
    .post(post, checkCsrf('verify'), verify)
    .all(methodNotAllowed('GET', 'POST'));
{%- endif %}
{%- if cookiecutter.has_change_password %}
  router
    .route('/password')
    .get(signedIn, page, (req, res) => renderForm(req, res, 'password'))
    .post(post, signedIn, checkCsrf('password'), changePassword)
    .all(methodNotAllowed('GET', 'POST'));
{%- endif %}
  router.use(bodyErrors); // other errors go on to the integration's error handler
  return router;
}

module.exports = { createRoutes };
