'use strict';

/**
 * The example app: the README's five minutes, plus a sign-out button and
 * JSON answers for API clients.
 *
 *     SESSION_SECRET=... {% for s in cookiecutter.settings %}{% if s.required or s.name == "base_url" %}{{ s.env }}=... {% endif %}{% endfor %}node example/app.js
 *
 * serves it on http://127.0.0.1:3000 (PORT and HOST change that).
 */

const express = require('express');
const {{ cookiecutter.slug }} = require('..'); // require('{{ cookiecutter.package }}') in your app

const { requireLogin, requireRoles, csrfToken } = {{ cookiecutter.slug }};

/** The role /admin requires. */
{{ cookiecutter.guard_role | jsconst("ADMIN_ROLE") }}

const app = express();
app.use({{ cookiecutter.slug }}()); // /auth/login,{% if cookiecutter.is_oidc %} /auth/callback,{% endif %} /auth/logout, /auth/me{% if cookiecutter.has_register %}, /auth/register{% endif %}{% if cookiecutter.has_forgot_password %}, /auth/forgot{% endif %}{% if cookiecutter.has_reset_password %}, /auth/reset{% endif %}{% if cookiecutter.has_verify_email %}, /auth/verify{% endif %}{% if cookiecutter.has_change_password %}, /auth/password{% endif %}

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
app.use({{ cookiecutter.slug }}.errorHandler());

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
      <p><a href="/">Home</a> · <a href="/admin">Admin area</a>{% if cookiecutter.has_change_password %} · <a href="/auth/password">Change password</a>{% endif %}</p>
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
