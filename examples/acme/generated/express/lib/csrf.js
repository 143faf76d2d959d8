'use strict';

/**
 * CSRF protection with csrf-sync (the synchroniser token pattern): one token
 * per session, kept server-side in the session, sent back by forms in a
 * field and by JSON clients in a header. csrf-sync's own middleware checks
 * it; the integration only chooses the answer to a request without it.
 */

const { csrfSync } = require('csrf-sync');
const { CSRF_FIELD, CSRF_HEADER } = require('./config');

/** The token a request carries: the header, or the field of a form body. */
function tokenOf(req) {
  const header = req.get(CSRF_HEADER);
  if (header !== undefined) {
    return header;
  }
  const form = req.is('application/x-www-form-urlencoded') && req.body;
  return form && Object.hasOwn(form, CSRF_FIELD) ? form[CSRF_FIELD] : undefined;
}

function createCsrf() {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: tokenOf,
    size: 32,
  });
  return Object.freeze({
    field: CSRF_FIELD,
    header: CSRF_HEADER,

    /** The session's token, made on first use. */
    token(req) {
      return generateToken(req);
    },

    /** A new token for the session: at sign-in, which starts a new session. */
    rotate(req) {
      return generateToken(req, true);
    },

    /**
     * Check `req` with csrf-sync's middleware: `next()` for a GET, HEAD or
     * OPTIONS, or a request with the session's token; else `refused()`.
     */
    protect(req, res, next, refused) {
      if (!req.session) {
        refused(); // no session, so no token to compare with
        return;
      }
      csrfSynchronisedProtection(req, res, (err) => {
        if (err === undefined) {
          next();
        } else {
          refused();
        }
      });
    },
  });
}

module.exports = { createCsrf };
