'use strict';

/**
 * Defaults and fixed names of the {{ cookiecutter.service_name | jscomment }} integration.
 *
 * Constants only, no logic: lib/options.js reads the options and falls back
 * to these.
 */

/** The service's name: the pages' default brand name, and in messages. */
{{ cookiecutter.service_name | jsconst("SERVICE_NAME") }}

/** The service's settings: options of {{ cookiecutter.slug }}() that fall back to a variable. */
{{ cookiecutter.settings_table }}

/** The integration's own options: the variable each falls back to, and its default. */
const OPTIONS = Object.freeze({
  timeoutSeconds: {
    env: '{{ cookiecutter.config_prefix }}_TIMEOUT',
    default: {{ cookiecutter.timeout_s | js }},
  },
  sessionTtlSeconds: {
    env: '{{ cookiecutter.config_prefix }}_SESSION_TTL',
    default: 300,
  },
{%- if not cookiecutter.is_oidc %}
  loginLimitPerAccount: {
    env: '{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT',
    default: 0,
  },
  loginLimitPerClient: {
    env: '{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT',
    default: 0,
  },
  loginLimitWindowSeconds: {
    env: '{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW',
    default: 300,
  },
{%- endif %}
  routePrefix: {
    env: '{{ cookiecutter.config_prefix }}_ROUTE_PREFIX',
    default: '/auth',
  },
  brandName: {
    env: '{{ cookiecutter.config_prefix }}_BRAND_NAME',
    default: SERVICE_NAME,
  },
  logoUrl: {
    env: '{{ cookiecutter.config_prefix }}_LOGO_URL',
    default: null,
  },
  primaryColor: {
    env: '{{ cookiecutter.config_prefix }}_PRIMARY_COLOR',
    default: '#4f46e5',
  },
  redisUrl: {
    env: '{{ cookiecutter.config_prefix }}_REDIS_URL',
    default: null,
  },
  sessionSecret: {
    env: 'SESSION_SECRET',
    default: null,
  },
  session: {
    env: null,
    default: {},
  },
  passport: {
    env: null,
    default: null,
  },
  views: {
    env: null,
    default: {},
  },
  logger: {
    env: null,
    default: console,
  },
});

/** The pages an app can replace through the `views` option. */
{%- if cookiecutter.is_oidc %}
const VIEWS = Object.freeze(['error']);
{%- else %}
const VIEWS = Object.freeze([
  'login',
  'register',
  'forgot',
  'forgotSent',
{%- if cookiecutter.has_reset_password %}
  'reset',
  'resetDone',
{%- endif %}
{%- if cookiecutter.has_verify_email %}
  'verify',
  'verifyDone',
{%- endif %}
{%- if cookiecutter.has_change_password %}
  'password',
  'passwordChanged',
{%- endif %}
  'error',
]);
{%- endif %}

/** The session cookie's name. */
const COOKIE_NAME = '{{ cookiecutter.slug }}.sid';

/** How long a session cookie lives, in milliseconds. */
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

/** The prefix of the sessions' keys in Redis, when redisUrl is set. */
const REDIS_SESSION_PREFIX = '{{ cookiecutter.slug }}:sess:';

/** The prefix of the markers signed-out sessions leave in Redis: outside the sessions' own, which the store scans. */
const REDIS_SIGNED_OUT_PREFIX = '{{ cookiecutter.slug }}:signed-out:';
{%- if not cookiecutter.is_oidc %}

/** The prefix of the failed sign-in counts' keys in Redis, when redisUrl is set. */
const REDIS_THROTTLE_PREFIX = '{{ cookiecutter.slug }}:throttle:';
{%- endif %}
{%- if cookiecutter.has_refresh %}

/** The prefix of the keys in Redis that share a session's refresh between instances. */
const REDIS_REFRESH_PREFIX = '{{ cookiecutter.slug }}:refresh:';
{%- endif %}

/** The key of the integration's data in the session: the service's session values and the cached user. */
const SESSION_KEY = '{{ cookiecutter.slug }}';

{%- if cookiecutter.has_reset_password %}

/** The query parameter of the reset link in the service's email that holds its token. */
{{ cookiecutter.reset_token_query | jsconst("RESET_TOKEN_QUERY") }}
{%- endif %}
{%- if cookiecutter.has_verify_email %}

/** The query parameter of the verification link in the service's email that holds its token. */
{{ cookiecutter.verify_token_query | jsconst("VERIFY_TOKEN_QUERY") }}
{%- endif %}

/** The name of the Passport strategy. */
const STRATEGY = '{{ cookiecutter.slug }}';

/** The form field that carries the CSRF token. */
const CSRF_FIELD = '_csrf';

/** The header that carries the CSRF token of JSON requests. */
const CSRF_HEADER = 'X-CSRF-Token';

/** The longest text accepted in a form field, so no one posts megabytes to the service. */
const MAX_INPUT_LENGTH = 1024;

/** The longest `next` followed after sign-in; a longer one is dropped, as some servers cannot send it. */
const MAX_NEXT_LENGTH = 2048;

/** The largest request body the routes read. */
const BODY_LIMIT = '16kb';

/** The shortest session secret accepted: it signs every session cookie. */
const MIN_SECRET_LENGTH = 16;

module.exports = {
  SERVICE_NAME,
  SETTINGS,
  OPTIONS,
  VIEWS,
  COOKIE_NAME,
  SESSION_MAX_AGE_MS,
  SESSION_KEY,
  REDIS_SESSION_PREFIX,
  REDIS_SIGNED_OUT_PREFIX,
{%- if not cookiecutter.is_oidc %}
  REDIS_THROTTLE_PREFIX,
{%- endif %}
{%- if cookiecutter.has_refresh %}
  REDIS_REFRESH_PREFIX,
{%- endif %}
{%- if cookiecutter.has_reset_password %}
  RESET_TOKEN_QUERY,
{%- endif %}
{%- if cookiecutter.has_verify_email %}
  VERIFY_TOKEN_QUERY,
{%- endif %}
  STRATEGY,
  CSRF_FIELD,
  CSRF_HEADER,
  MAX_INPUT_LENGTH,
  MAX_NEXT_LENGTH,
  BODY_LIMIT,
  MIN_SECRET_LENGTH,
};
