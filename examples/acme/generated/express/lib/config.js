'use strict';

/**
 * Defaults and fixed names of the Acme Identity integration.
 *
 * Constants only, no logic: lib/options.js reads the options and falls back
 * to these.
 */

/** The service's name: the pages' default brand name, and in messages. */
const SERVICE_NAME = 'Acme Identity';

/** The service's settings: options of acme() that fall back to a variable. */
const SETTINGS = Object.freeze([
  {
    name: 'base_url',
    option: 'baseUrl',
    env: 'ACME_BASE_URL',
    default: 'https://id.acme.example',
  },
  {
    name: 'api_key',
    option: 'apiKey',
    env: 'ACME_API_KEY',
    required: true,
    secret: true,
  },
  {
    name: 'application_id',
    option: 'applicationId',
    env: 'ACME_APP_ID',
    required: true,
  },
]);

/** The integration's own options: the variable each falls back to, and its default. */
const OPTIONS = Object.freeze({
  timeoutSeconds: {
    env: 'ACME_TIMEOUT',
    default: 5,
  },
  sessionTtlSeconds: {
    env: 'ACME_SESSION_TTL',
    default: 300,
  },
  loginLimitPerAccount: {
    env: 'ACME_LOGIN_LIMIT_PER_ACCOUNT',
    default: 0,
  },
  loginLimitPerClient: {
    env: 'ACME_LOGIN_LIMIT_PER_CLIENT',
    default: 0,
  },
  loginLimitWindowSeconds: {
    env: 'ACME_LOGIN_LIMIT_WINDOW',
    default: 300,
  },
  routePrefix: {
    env: 'ACME_ROUTE_PREFIX',
    default: '/auth',
  },
  brandName: {
    env: 'ACME_BRAND_NAME',
    default: SERVICE_NAME,
  },
  logoUrl: {
    env: 'ACME_LOGO_URL',
    default: null,
  },
  primaryColor: {
    env: 'ACME_PRIMARY_COLOR',
    default: '#4f46e5',
  },
  redisUrl: {
    env: 'ACME_REDIS_URL',
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
const VIEWS = Object.freeze([
  'login',
  'register',
  'forgot',
  'forgotSent',
  'reset',
  'resetDone',
  'verify',
  'verifyDone',
  'password',
  'passwordChanged',
  'error',
]);

/** The session cookie's name. */
const COOKIE_NAME = 'acme.sid';

/** How long a session cookie lives, in milliseconds. */
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

/** The prefix of the sessions' keys in Redis, when redisUrl is set. */
const REDIS_SESSION_PREFIX = 'acme:sess:';

/** The prefix of the markers signed-out sessions leave in Redis: outside the sessions' own, which the store scans. */
const REDIS_SIGNED_OUT_PREFIX = 'acme:signed-out:';

/** The prefix of the failed sign-in counts' keys in Redis, when redisUrl is set. */
const REDIS_THROTTLE_PREFIX = 'acme:throttle:';

/** The prefix of the keys in Redis that share a session's refresh between instances. */
const REDIS_REFRESH_PREFIX = 'acme:refresh:';

/** The key of the integration's data in the session: the service's session values and the cached user. */
const SESSION_KEY = 'acme';

/** The query parameter of the reset link in the service's email that holds its token. */
const RESET_TOKEN_QUERY = 'token';

/** The query parameter of the verification link in the service's email that holds its token. */
const VERIFY_TOKEN_QUERY = 'token';

/** The name of the Passport strategy. */
const STRATEGY = 'acme';

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
  REDIS_THROTTLE_PREFIX,
  REDIS_REFRESH_PREFIX,
  RESET_TOKEN_QUERY,
  VERIFY_TOKEN_QUERY,
  STRATEGY,
  CSRF_FIELD,
  CSRF_HEADER,
  MAX_INPUT_LENGTH,
  MAX_NEXT_LENGTH,
  BODY_LIMIT,
  MIN_SECRET_LENGTH,
};
