'use strict';

/**
 * What the guards answer a request they stop: `requireLogin()`,
 * `requireRoles()` and the integration's own routes for signed-in users.
 */

const { safeNext, sendError, wantsJson } = require('./http');
const { renderError } = require('./render');

/**
 * When the user could not be refreshed: fail closed. 502 when the service
 * answered something the integration cannot read (a required field missing),
 * else 503.
 */
function refreshFailed(state, req, res) {
  if (state.refreshFailed(req)?.code === 'failed') {
    const message = 'The identity service answered something unexpected.';
    if (wantsJson(req)) {
      sendError(res, 502, 'failed', message);
    } else {
      renderError(state, req, res, 502, 'Please try again', message);
    }
    return;
  }
  if (wantsJson(req)) {
    sendError(
      res,
      503,
      'service_unavailable',
      'The identity service cannot be reached. Please try again in a moment.',
    );
  } else {
    renderError(
      state,
      req,
      res,
      503,
      'Please try again',
      'The identity service cannot be reached right now. Please try again in a moment.',
    );
  }
}

/** 401 for API clients, a redirect to the login page (and back) for browsers. */
function signInFirst(state, req, res) {
  if (wantsJson(req)) {
    sendError(res, 401, 'unauthorized', 'Sign in first.');
    return;
  }
  // Back to where the browser was, unless sign-in would not follow it there (too long, say).
  const back = safeNext(req.originalUrl) === req.originalUrl;
  const next = back ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(302, `${state.links.login}${next}`);
}

module.exports = { refreshFailed, signInFirst };
