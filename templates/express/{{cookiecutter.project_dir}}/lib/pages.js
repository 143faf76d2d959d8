'use strict';

/**
 * The pages: {% if cookiecutter.is_oidc %}the error page (signing in is the provider's){% else %}login, register, forgot password, its confirmation{% endif %}{% if cookiecutter.has_reset_password %}, the
 * page of the reset link{% endif %}{% if cookiecutter.has_verify_email %}, the page of the verification link{% endif %}{% if cookiecutter.has_change_password %},
 * change password{% endif %}, and errors.
 *
 * Each is a function of its locals that returns a whole HTML document with
 * its styles inline: no external assets, nothing to build. An app replaces
 * any of them with the `views` option: a view name rendered with the app's
 * own engine (`res.render`), or a function of the same locals.
 *
 * Locals every page gets: `brand` ({ name, logoUrl, primaryColor }),
 * `title`, `user` (the signed-in user or null), `links` ({ login, register,
 * forgot }, null where the service has no such page) and `csrf`
 * ({ field, token }). Form pages also get `action`, `fields` ({ name, label,
 * type, autocomplete, value }), `next`, `error` and `notice`{% if cookiecutter.email_links %}; the pages
 * of an emailed link also get its `token` (null when the link cannot be used
 * any more: the page then says why instead of showing the form){% endif %}; the
 * error page gets `status` and `message`.
 */

const WORDS = require('./messages.json');

/** Text safe in HTML element content and quoted attribute values. */
function escapeHtml(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}{% if not cookiecutter.is_oidc %}

function login(locals) {
  const { links } = locals;
  const extra = [
    links.forgot
      ? `<a href="${escapeHtml(links.forgot)}">Forgot your password?</a>`
      : '',
    links.register
      ? `<span>New here? <a href="${escapeHtml(links.register)}">Create an account</a></span>`
      : '',
  ];
  return form(locals, { button: 'Sign in', extra });
}

function register(locals) {
  const extra = [
    `<span>Already have an account? <a href="${escapeHtml(locals.links.login)}">Sign in</a></span>`,
  ];
  return form(locals, { button: 'Create account', extra });
}

function forgot(locals) {
  const intro =
    '<p class="intro">{{ cookiecutter.messages.forgot_intro }}</p>';
  const extra = [
    `<a href="${escapeHtml(locals.links.login)}">Back to sign in</a>`,
  ];
  return form(locals, { button: 'Send reset link', intro, extra });
}

function forgotSent(locals) {
  return page(locals, [
    `<div class="alert ok" role="status">${escapeHtml(WORDS.forgot_sent)}</div>`,
    `<p class="links"><a href="${escapeHtml(locals.links.login)}">Back to sign in</a></p>`,
  ]);
}{% endif %}
{%- if cookiecutter.has_reset_password %}

function reset(locals) {
  const { links } = locals;
  const extra = [
{%- if cookiecutter.has_forgot_password %}
    locals.token === null
      ? `<a href="${escapeHtml(links.forgot)}">Ask for a new link</a>`
      : '',
{%- endif %}
    `<a href="${escapeHtml(links.login)}">Back to sign in</a>`,
  ];
  if (locals.token === null) {
    return linkFailed(locals, extra);
  }
  return form(locals, { button: 'Change password', extra });
}

function resetDone(locals) {
  return done(
    locals,
    'Your password has been changed. You can sign in now.',
    `<a href="${escapeHtml(locals.links.login)}">Sign in</a>`,
  );
}
{%- endif %}
{%- if cookiecutter.has_verify_email %}

function verify(locals) {
  const extra = [
    `<a href="${escapeHtml(locals.links.login)}">Back to sign in</a>`,
  ];
  if (locals.token === null) {
    return linkFailed(locals, extra);
  }
  // A button, not the link itself: mail scanners open links, and must not verify anything.
  const intro =
    '<p class="intro">Confirm that this email address is yours.</p>';
  return form(locals, { button: 'Verify my email address', intro, extra });
}

function verifyDone(locals) {
  return done(
    locals,
    'Your email address is verified. You can sign in now.',
    `<a href="${escapeHtml(locals.links.login)}">Sign in</a>`,
  );
}
{%- endif %}
{%- if cookiecutter.has_change_password %}

function password(locals) {
  const extra = ['<a href="/">{{ cookiecutter.messages.home_link }}</a>'];
  return form(locals, { button: 'Change password', extra });
}

function passwordChanged(locals) {
  return done(
    locals,
    'Your password has been changed.',
    '<a href="/">Go to the home page</a>',
  );
}
{%- endif %}
{%- if cookiecutter.email_links %}

/** The page of an emailed link that cannot be used (incomplete, used, expired): why, and where to go. */
function linkFailed(locals, extra) {
  return page(locals, [
    `<div class="alert danger" role="alert">${escapeHtml(locals.error)}</div>`,
    `<p class="links">${extra.filter(Boolean).join('')}</p>`,
  ]);
}
{%- endif %}
{%- if cookiecutter.account_pages %}

/** The page after a form did what it asked: a notice, and a link on. */
function done(locals, notice, link) {
  return page(locals, [
    `<div class="alert ok" role="status">${escapeHtml(notice)}</div>`,
    `<p class="links">${link}</p>`,
  ]);
}
{%- endif %}

function error(locals) {
  const back = locals.user
    ? '<a href="/">{{ cookiecutter.messages.home_link }}</a>'
    : `<a href="${escapeHtml(locals.links.login)}">Sign in</a>`;
  const again = locals.again
    ? `<a href="${escapeHtml(locals.again)}">${escapeHtml(WORDS.csrf_retry)}</a> `
    : '';
{%- if cookiecutter.is_oidc and (cookiecutter.express_oidc.register or cookiecutter.express_oidc.reset) %}
  // Accounts are created and passwords reset at the provider: its own pages.
  const provider = locals.user ? [] : providerLinks(locals.links);
  return page(locals, [
    `<p class="intro">${escapeHtml(locals.message)}</p>`,
    `<p class="links">${again}${back}</p>`,
    ...provider,
  ]);
}

/** Links to the provider's registration and reset pages, for a user who could not sign in. */
function providerLinks(links) {
  const extra = [
    links.forgot
      ? `<a href="${escapeHtml(links.forgot)}">Forgot your password?</a>`
      : '',
    links.register
      ? `<span>New here? <a href="${escapeHtml(links.register)}">Create an account</a></span>`
      : '',
  ].filter(Boolean);
  return extra.length > 0 ? [`<p class="links">${extra.join('')}</p>`] : [];
}
{%- else %}
  return page(locals, [
    `<p class="intro">${escapeHtml(locals.message)}</p>`,
    `<p class="links">${again}${back}</p>`,
  ]);
}
{%- endif %}

{% if not cookiecutter.is_oidc -%}
/**
 * A page with a form: a notice, the error, the fields, the CSRF token, `next`.
 *
 * The error element is always there, empty until there is an error, and the
 * form names it with `aria-describedby`: a screen reader announces it
 * (`role="alert"`) and reads it again with the form. The first field has the
 * focus when the page opens, so after an error the focus is back on the form.
 */
function form(locals, { button, intro = '', extra = [] }) {
  const parts = [];
  if (locals.notice) {
    parts.push(
      `<div class="alert ok" role="status">${escapeHtml(locals.notice)}</div>`,
    );
  }
  parts.push(
    `<div class="alert danger" role="alert" id="form-error">${escapeHtml(locals.error ?? '')}</div>`,
    intro,
  );
  const fields = locals.fields.map(
    (field, index) => `<div class="field">
        <label for="${escapeHtml(field.name)}">${escapeHtml(field.label)}</label>
        <input id="${escapeHtml(field.name)}" name="${escapeHtml(field.name)}" type="${escapeHtml(field.type)}"
          autocomplete="${escapeHtml(field.autocomplete)}" value="${escapeHtml(field.value)}"{% if cookiecutter.optional_form_inputs %}${field.optional ? '' : ' required'}{% else %} required{% endif %}${
            index === 0 ? ' autofocus' : ''
          }>
      </div>`,
  );
  parts.push(`<form method="post" action="${escapeHtml(locals.action)}" aria-describedby="form-error" novalidate>
      <input type="hidden" name="${escapeHtml(locals.csrf.field)}" value="${escapeHtml(locals.csrf.token)}">
      ${locals.next ? `<input type="hidden" name="next" value="${escapeHtml(locals.next)}">` : ''}
{%- if cookiecutter.email_links %}
      ${locals.token ? `<input type="hidden" name="token" value="${escapeHtml(locals.token)}">` : ''}
{%- endif %}
      ${fields.join('\n      ')}
      <button type="submit">${escapeHtml(button)}</button>
    </form>`);
  const links = extra.filter(Boolean);
  if (links.length > 0) {
    parts.push(`<p class="links">${links.join('')}</p>`);
  }
  return page(locals, parts);
}

{% endif -%}
/** The frame of every page: the brand, the title, the styles. */
function page(locals, parts) {
  const { brand, title } = locals;
  const mark = brand.logoUrl
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(brand.name)}">`
    : `<span>${escapeHtml(brand.name)}</span>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>${escapeHtml(title)} · ${escapeHtml(brand.name)}</title>
    <style>${styles(brand.primaryColor)}</style>
  </head>
  <body>
    <main>
      <div class="brand">${mark}</div>
      <h1>${escapeHtml(title)}</h1>
      ${parts.filter(Boolean).join('\n      ')}
    </main>
  </body>
</html>
`;
}

/** The style sheet; `primary` is a colour the options checked. */
function styles(primary) {
  return `
      :root {
        --primary: ${primary};
        --text: #1f2937;
        --muted: #4b5563;
        --page: #f3f4f6;
        --card: #ffffff;
        --border: #9ca3af;
        --danger: #b91c1c;
        --danger-bg: #fef2f2;
        --ok: #166534;
        --ok-bg: #f0fdf4;
        color-scheme: light dark;
      }
      @media (prefers-color-scheme: dark) {
        :root {
          --text: #f3f4f6;
          --muted: #d1d5db;
          --page: #111827;
          --card: #1f2937;
          --border: #6b7280;
          --danger: #fca5a5;
          --danger-bg: #450a0a;
          --ok: #86efac;
          --ok-bg: #052e16;
        }
      }
      *, *::before, *::after { box-sizing: border-box; }
      body {
        margin: 0;
        min-height: 100vh;
        display: grid;
        place-items: center;
        padding: 1.5rem;
        background: var(--page);
        color: var(--text);
        font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
      }
      main {
        width: 100%;
        max-width: 26rem;
        padding: 2rem;
        background: var(--card);
        border-radius: 0.75rem;
        box-shadow: 0 1px 3px rgb(0 0 0 / 0.1), 0 8px 24px rgb(0 0 0 / 0.06);
      }
      .brand { display: flex; justify-content: center; margin-bottom: 1.5rem; }
      .brand img { max-height: 3rem; max-width: 100%; }
      .brand span { font-size: 1.25rem; font-weight: 700; color: var(--primary); }
      h1 { margin: 0 0 1.25rem; font-size: 1.5rem; line-height: 1.25; text-align: center; }
      p { margin: 0 0 1rem; }
      .intro { color: var(--muted); }
      a { color: var(--primary); text-underline-offset: 0.2em; }
      .field { margin-bottom: 1rem; }
      label { display: block; margin-bottom: 0.25rem; font-weight: 600; }
      input {
        width: 100%;
        padding: 0.625rem 0.75rem;
        border: 1px solid var(--border);
        border-radius: 0.5rem;
        font: inherit;
        color: inherit;
        background: var(--card);
      }
      button {
        width: 100%;
        margin-top: 0.5rem;
        padding: 0.7rem 1rem;
        border: 0;
        border-radius: 0.5rem;
        background: var(--primary);
        color: #fff;
        font: inherit;
        font-weight: 600;
        cursor: pointer;
      }
      button:hover { filter: brightness(1.1); }
      a:focus-visible, input:focus-visible, button:focus-visible {
        outline: 3px solid var(--primary);
        outline-offset: 2px;
      }
      .alert { margin-bottom: 1rem; padding: 0.75rem 1rem; border-radius: 0.5rem; }
      .alert:empty { display: none; }
      .danger { color: var(--danger); background: var(--danger-bg); }
      .ok { color: var(--ok); background: var(--ok-bg); }
      .links { display: flex; flex-direction: column; gap: 0.5rem; align-items: center; margin: 1.5rem 0 0; color: var(--muted); }
    `;
}

/** The built-in pages, by the names the `views` option uses. */
const PAGES = Object.freeze({
{%- if not cookiecutter.is_oidc %}
  login,
  register,
  forgot,
  forgotSent,
{%- endif %}
{%- if cookiecutter.has_reset_password %}
  reset,
  resetDone,
{%- endif %}
{%- if cookiecutter.has_verify_email %}
  verify,
  verifyDone,
{%- endif %}
{%- if cookiecutter.has_change_password %}
  password,
  passwordChanged,
{%- endif %}
  error,
});

module.exports = { PAGES, escapeHtml };
