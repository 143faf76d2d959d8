'use strict';

/**
 * CSRF protection with csrf-sync (the synchroniser token pattern): one token
 * per session, kept server-side in the session, sent back by forms in a
 * field and by JSON clients in a header.
 */

const { timingSafeEqual } = require('node:crypto');
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
  const { generateToken, getTokenFromState } = csrfSync({
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

    /** Whether the request carries the session's token (compared in constant time). */
    verify(req) {
      const sent = tokenOf(req);
      const kept = req.session ? getTokenFromState(req) : undefined;
      if (typeof sent !== 'string' || typeof kept !== 'string') {
        return false;
      }
      const a = Buffer.from(sent);
      const b = Buffer.from(kept);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  });
}

module.exports = { createCsrf };
