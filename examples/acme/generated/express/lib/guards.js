'use strict';

/**
 * What the guards answer a request they stop: `requireLogin()`,
 * `requireRoles()` and the integration's own routes for signed-in users.
 */

const { safeNext, sendError, wantsJson } = require('./http');
const { renderError } = require('./render');
const WORDS = require('./messages.json');

/**
 * When the user could not be refreshed: fail closed. 502 when the service
 * answered something the integration cannot read (a required field missing),
 * else 503.
 */
function refreshFailed(state, req, res) {
  if (state.refreshFailed(req)?.code === 'failed') {
    const message = WORDS.error.failed;
    if (wantsJson(req)) {
      sendError(res, 502, 'failed', message);
    } else {
      renderError(state, req, res, 502, WORDS.error_title, message);
    }
    return;
  }
  const message = WORDS.error.service_unavailable;
  if (wantsJson(req)) {
    sendError(res, 503, 'service_unavailable', message);
  } else {
    renderError(state, req, res, 503, WORDS.error_title, message);
  }
}

/** 401 for API clients, a redirect to the login page (and back) for browsers. */
function signInFirst(state, req, res) {
  if (wantsJson(req)) {
    sendError(res, 401, 'unauthorized', WORDS.error.unauthorized);
    return;
  }
  // Back to where the browser was, unless sign-in would not follow it there (too long, say).
  const back = safeNext(req.originalUrl) === req.originalUrl;
  const next = back ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(302, `${state.links.login}${next}`);
}

module.exports = { refreshFailed, signInFirst };
