'use strict';

/**
 * The example app: the README's five minutes, plus a sign-out button and
 * JSON answers for API clients.
 *
 *     SESSION_SECRET=... ACME_BASE_URL=... ACME_API_KEY=... ACME_APP_ID=... node example/app.js
 *
 * serves it on http://127.0.0.1:3000 (PORT and HOST change that).
 */

const express = require('express');
const acme = require('..'); // require('express-acme') in your app

const { requireLogin, requireRoles, csrfToken } = acme;

/** The role /admin requires. */
const ADMIN_ROLE = 'admins';

const app = express();
app.use(acme()); // /auth/login, /auth/logout, /auth/me, /auth/register, /auth/forgot, /auth/reset, /auth/verify, /auth/password

app.get('/', requireLogin(), (req, res) => {
  const message = `Hello ${req.user.first_name ?? req.user.username}`;
  res.format({
    html: () => res.send(page(req, message)),
    json: () => res.json({ message }),
    default: () => notAcceptable(res),
  });
});

app.get('/admin', requireRoles(ADMIN_ROLE), (req, res) => {
  const message = `Welcome to the admin area, ${req.user.username}`;
  res.format({
    html: () => res.send(page(req, message)),
    json: () => res.json({ message }),
    default: () => notAcceptable(res),
  });
});

// Last: an error in a route above is logged and answered without a stack trace.
app.use(acme.errorHandler());

/** 406 in the integration's JSON error shape, for an Accept such as image/png. */
function notAcceptable(res) {
  res.status(406).json({
    error: {
      code: 'not_acceptable',
      message: 'This page is HTML or JSON.',
    },
  });
}

/** A small page with the message and a sign-out button (a POST with the CSRF token). */
function page(req, message) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Example app</title>
  </head>
  <body>
    <main>
      <h1>${escapeHtml(message)}</h1>
      <p><a href="/">Home</a> · <a href="/admin">Admin area</a> · <a href="/auth/password">Change password</a></p>
      <form method="post" action="/auth/logout">
        <input type="hidden" name="_csrf" value="${escapeHtml(csrfToken(req))}">
        <button type="submit">Sign out</button>
      </form>
    </main>
  </body>
</html>
`;
}

function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

module.exports = app; // for the tests, which drive the app without a port

if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  app.listen(port, host, (err) => {
    if (err) {
      throw err;
    }
    console.log(`example app listening on http://${host}:${port}`);
  });
}
