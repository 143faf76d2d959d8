'use strict';

/**
 * Answer with a page: the built-in one, or the app's replacement from the
 * `views` option (a view name for `res.render`, or a function of the locals).
 */

const { PAGES } = require('./pages');

/**
 * Render `page` with the locals every page gets plus `locals`.
 *
 * @param {object} state the integration's state
 * @param {import('express').Request} req
 * @param {import('express').Response} res
 * @param {string} page 'login', 'register', 'forgot', 'forgotSent' or 'error'
 * @param {object} locals what this page shows
 * @param {number} [status]
 */
function render(state, req, res, page, locals, status = 200) {
  const { settings, csrf, links } = state;
  const all = {
    brand: settings.brand,
    user: req.user ?? null,
    links,
    csrf: { field: csrf.field, token: csrf.token(req) },
    ...locals,
  };
  const view = settings.views[page];
  res.status(status);
  if (typeof view === 'string') {
    res.render(view, all);
    return;
  }
  res.type('html').send((view ?? PAGES[page])(all));
}

/** The error page for browsers: a title and a sentence. */
function renderError(state, req, res, status, title, message) {
  render(state, req, res, 'error', { title, message, status }, status);
}

module.exports = { render, renderError };
