'use strict';

/**
 * The HTTP contract's common parts: content negotiation, request bodies,
 * `next` URLs and the JSON error body every route answers with.
 */

const express = require('express');
const { BODY_LIMIT, MAX_NEXT_LENGTH } = require('./config');
const WORDS = require('./messages.json');

/** JSON error bodies: `{"error": {"code": "...", "message": "..."}}`. */
function errorBody(code, message) {
  return { error: { code, message } };
}

/**
 * What a route answers: 'html' or 'json' as the `Accept` header prefers, or
 * null when the client accepts neither. A request without `Accept` takes
 * anything, so it gets the first of `offers`.
 */
function negotiate(req, offers) {
  const type = req.accepts(offers);
  return type === false ? null : type;
}

/** Whether the client asked for JSON rather than a page. */
function wantsJson(req) {
  return negotiate(req, ['html', 'json']) === 'json';
}

/** Answer a JSON error. */
function sendError(res, status, code, message) {
  res.status(status).json(errorBody(code, message));
}

/** 406 for a client that accepts nothing the route produces. */
function notAcceptable(res) {
  sendError(res, 406, 'not_acceptable', WORDS.error.not_acceptable);
}

/** A handler for the methods a route does not serve: 405 with an `Allow` header. */
function methodNotAllowed(...allowed) {
  const allow = [
    ...allowed,
    ...(allowed.includes('GET') ? ['HEAD'] : []),
    'OPTIONS',
  ];
  return (req, res) => {
    res.set('Allow', allow.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    sendError(
      res,
      405,
      'method_not_allowed',
      `Use ${allowed.join(' or ')} here.`,
    );
  };
}

const parseJson = express.json({
  limit: BODY_LIMIT,
  strict: true,
  type: 'application/json',
});
const parseForm = express.urlencoded({ limit: BODY_LIMIT, extended: false });

/** The media types a POST body may have. */
const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/**
 * Middlewares that read a POST body: a form or JSON (an object), else 415 or 400.
 * A request without a body (or an empty one) reads as an empty form.
 */
const readBody = [
  (req, res, next) => {
    const empty = req.get('Content-Length') === '0';
    if (!empty && req.is(BODY_TYPES) === false) {
      const message = WORDS.error.unsupported_media_type;
      sendError(res, 415, 'unsupported_media_type', message);
      return;
    }
    next();
  },
  parseJson,
  parseForm,
  (req, res, next) => {
    if (req.body === undefined) {
      req.body = {};
    }
    if (
      req.body === null ||
      typeof req.body !== 'object' ||
      Array.isArray(req.body)
    ) {
      sendError(res, 400, 'invalid_input', WORDS.body_not_json);
      return;
    }
    next();
  },
];

/** Answer the body parsers' errors (bad JSON, too large) in the contract's terms. */
function bodyErrors(err, req, res, next) {
  if (err?.type === 'entity.parse.failed') {
    sendError(res, 400, 'invalid_input', WORDS.body_not_json);
  } else if (err?.type === 'entity.too.large') {
    // 400 rather than 413, as the contract says: a body nested too deep to parse is this too.
    sendError(res, 400, 'invalid_input', WORDS.body_too_large);
  } else if (
    err?.type === 'charset.unsupported' ||
    err?.type === 'encoding.unsupported'
  ) {
    sendError(res, 415, 'unsupported_media_type', WORDS.body_not_utf8);
  } else {
    next(err);
  }
}

/**
 * `next` when it is a path on this site: one leading `/`, not `//`, no
 * backslash, no scheme, no control characters, at most MAX_NEXT_LENGTH
 * characters. Anything else becomes `/`.
 */
function safeNext(next) {
  if (
    typeof next !== 'string' ||
    next.length > MAX_NEXT_LENGTH ||
    !next.startsWith('/') ||
    next.startsWith('//')
  ) {
    return '/';
  }
  if (next.includes('\\') || /[\u0000-\u001f\u007f]/.test(next)) {
    return '/';
  }
  return next;
}

module.exports = {
  errorBody,
  negotiate,
  wantsJson,
  sendError,
  notAcceptable,
  methodNotAllowed,
  readBody,
  bodyErrors,
  safeNext,
};
