'use strict';

/**
 * The options of {{ cookiecutter.slug }}(): checked once, when the app starts.
 *
 * Every option falls back to an environment variable, so an app can pass
 * them, set them in its environment, or mix both. A missing or invalid option
 * throws a ConfigurationError that names each one and its variable, instead
 * of failing at the first sign-in.
 */

const { ConfigurationError } = require('./errors');
const { OPTIONS, SETTINGS, VIEWS, MIN_SECRET_LENGTH } = require('./config');

/** A hex colour or a CSS colour name: nothing that could end the style sheet. */
const COLOR = /^(?:#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})|[a-z]{3,30})$/i;

/** A route prefix: `/auth`, `/account/auth`, or empty for the root. */
const ROUTE_PREFIX = /^(?:\/[A-Za-z0-9._~-]+)*$/;

/**
 * Check `options`, fill in what is left out from `env` and the defaults.
 *
 * @param {object} [options] what the app passed to {{ cookiecutter.slug }}()
 * @param {Record<string, string | undefined>} [env] the environment
 * @returns {Readonly<object>} the settings the integration runs with
 * @throws {ConfigurationError} naming every missing or invalid option
 */
function resolveOptions(options = {}, env = process.env) {
  if (
    options === null ||
    typeof options !== 'object' ||
    Array.isArray(options)
  ) {
    throw new ConfigurationError([
      `{{ cookiecutter.slug }}() takes an object of options, not ${describe(options)}`,
    ]);
  }
  const read = new Reader(options, env);
  read.unknown([...SETTINGS.map((s) => s.option), ...Object.keys(OPTIONS)]);
  const service = {};
  for (const setting of SETTINGS) {
    service[setting.option] = read.setting(setting);
  }
{%- set url = "issuer" if cookiecutter.is_oidc else "baseUrl" %}
  if (service.{{ url }} && !/^https?:\/\/[^/]/.test(service.{{ url }})) {
    read.problem('{{ url }}', 'must be an http:// or https:// URL');
  }
  service.timeoutMs = read.seconds('timeoutSeconds', 0.001) * 1000;
  const sessionOptions = read.session();
  const settings = {
    service: Object.freeze(service),
    sessionTtlMs: read.seconds('sessionTtlSeconds', 0) * 1000,
{%- if not cookiecutter.is_oidc %}
    loginLimit: Object.freeze({
      perAccount: read.count('loginLimitPerAccount'),
      perClient: read.count('loginLimitPerClient'),
      // at most a day: the store sweeps expired counts with a timer of the window's length
      windowMs: read.seconds('loginLimitWindowSeconds', 1, 86_400) * 1000,
    }),
{%- endif %}
    routePrefix: read.routePrefix(),
    brand: Object.freeze({
      name: read.text('brandName'),
      logoUrl: read.logoUrl(),
      primaryColor: read.color(),
    }),
    session: sessionOptions,
    passport: read.passport(),
    redisUrl: read.redisUrl(),
    sessionSecret: sessionOptions === false ? null : read.secret(),
    views: read.views(),
    logger: read.logger(),
  };
  if (read.problems.length > 0) {
    throw new ConfigurationError(read.problems);
  }
  return Object.freeze(settings);
}

/** Reads options one by one and collects every problem, so all are reported at once. */
class Reader {
  constructor(options, env) {
    this.options = options;
    this.env = env;
    this.problems = [];
  }

  /** The option, else its variable; undefined when neither is set. */
  value(name, variable = OPTIONS[name]?.env) {
    const given = this.options[name];
    if (given !== undefined && given !== null && given !== '') {
      return given;
    }
    const fromEnv = variable ? this.env[variable] : undefined;
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }

  problem(name, text, variable = OPTIONS[name]?.env) {
    const where = variable
      ? ` (option ${name} or ${variable})`
      : ` (option ${name})`;
    this.problems.push(`${name} ${text}${where}`);
  }

  unknown(known) {
    for (const name of Object.keys(this.options)) {
      if (!known.includes(name)) {
        const close = known.find((k) => similar(k, name));
        const hint = close ? `; did you mean ${close}?` : '';
        this.problems.push(`unknown option ${name}${hint}`);
      }
    }
  }

  setting({ option, env, required = false, secret = false, ...rest }) {
    const value = this.value(option, env);
    if (value === undefined) {
      if (required) {
        this.problems.push(
          `${option} is missing: pass {{ cookiecutter.slug }}({ ${option} }) or set ${env}`,
        );
      }
      return rest.default ?? null;
    }
    if (typeof value !== 'string') {
      const shown = secret ? 'another type' : describe(value);
      this.problem(option, `must be text, not ${shown}`, env);
      return rest.default ?? null;
    }
    return value;
  }

  text(name) {
    const value = this.value(name);
    if (value === undefined) {
      return OPTIONS[name].default;
    }
    if (typeof value !== 'string') {
      this.problem(name, `must be text, not ${describe(value)}`);
      return OPTIONS[name].default;
    }
    return value;
  }

  seconds(name, minimum, maximum = Infinity) {
    const value = this.value(name);
    if (value === undefined) {
      return OPTIONS[name].default;
    }
    const seconds = typeof value === 'string' ? Number(value.trim()) : value;
    if (
      typeof seconds !== 'number' ||
      !(seconds >= minimum) ||
      !(seconds <= maximum) ||
      seconds === Infinity
    ) {
      const most = maximum === Infinity ? '' : ` and at most ${maximum}`;
      this.problem(
        name,
        `must be a number of seconds of at least ${minimum}${most}, not ${describe(value)}`,
      );
      return OPTIONS[name].default;
    }
    return seconds;
  }{% if not cookiecutter.is_oidc %}

  /** A whole number of at least 0. */
  count(name) {
    const value = this.value(name);
    if (value === undefined) {
      return OPTIONS[name].default;
    }
    const count = typeof value === 'string' ? Number(value.trim()) : value;
    if (!Number.isSafeInteger(count) || count < 0) {
      this.problem(
        name,
        `must be a whole number of at least 0, not ${describe(value)}`,
      );
      return OPTIONS[name].default;
    }
    return count;
  }{% endif %}

  routePrefix() {
    const prefix = this.text('routePrefix').replace(/\/+$/, '');
    if (!ROUTE_PREFIX.test(prefix)) {
      this.problem(
        'routePrefix',
        `must be a path such as '/auth', not ${describe(prefix)}`,
      );
      return OPTIONS.routePrefix.default;
    }
    return prefix;
  }

  logoUrl() {
    const url = this.text('logoUrl');
    if (url !== null && !/^(?:https?:\/\/[^/]|\/(?!\/))/.test(url)) {
      this.problem(
        'logoUrl',
        'must be an http(s) URL or a path starting with /',
      );
      return null;
    }
    return url;
  }

  color() {
    const color = this.text('primaryColor');
    if (!COLOR.test(color)) {
      this.problem(
        'primaryColor',
        `must be a hex colour like '#4f46e5' or a CSS colour name, not ${describe(color)}`,
      );
      return OPTIONS.primaryColor.default;
    }
    return color;
  }

  session() {
    const session = this.options.session ?? OPTIONS.session.default;
    if (session !== false && !isPlainObject(session)) {
      this.problem(
        'session',
        'must be express-session options, or false when the app mounts its own session middleware',
      );
      return OPTIONS.session.default;
    }
    return session === false ? false : Object.freeze({ ...session });
  }

  /** The app's own Passport (`require('passport')`), or null for one of the integration's own. */
  passport() {
    const passport = this.options.passport ?? OPTIONS.passport.default;
    const methods = ['use', 'serializeUser', 'deserializeUser', 'session'];
    if (
      passport !== null &&
      (typeof passport !== 'object' ||
        !methods.every((name) => typeof passport[name] === 'function'))
    ) {
      this.problem(
        'passport',
        "must be the app's Passport (require('passport'), or a new Passport())",
      );
      return null;
    }
    return passport;
  }

  redisUrl() {
    const url = this.value('redisUrl');
    if (url === undefined) {
      return null;
    }
    if (typeof url !== 'string' || !/^rediss?:\/\/./.test(url)) {
      this.problem('redisUrl', 'must be a redis:// or rediss:// URL');
      return null;
    }
    return url;
  }

  secret() {
    const secret = this.value('sessionSecret');
    if (secret === undefined) {
      this.problems.push(
        'sessionSecret is missing: pass {{ cookiecutter.slug }}({ sessionSecret }) or set SESSION_SECRET (it signs the session cookie)',
      );
      return null;
    }
    const secrets = Array.isArray(secret) ? secret : [secret];
    const valid =
      secrets.length > 0 &&
      secrets.every(
        (s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH,
      );
    if (!valid) {
      this.problem(
        'sessionSecret',
        `must be text of at least ${MIN_SECRET_LENGTH} characters, or an array of such texts`,
      );
      return null;
    }
    return secret;
  }

  views() {
    const views = this.options.views ?? OPTIONS.views.default;
    if (!isPlainObject(views)) {
      this.problem(
        'views',
        `must be an object with some of ${VIEWS.join(', ')}`,
      );
      return Object.freeze({});
    }
    for (const [name, view] of Object.entries(views)) {
      if (!VIEWS.includes(name)) {
        this.problem(
          'views',
          `has no page ${name}; the pages are ${VIEWS.join(', ')}`,
        );
      } else if (typeof view !== 'string' && typeof view !== 'function') {
        this.problem(
          'views',
          `.${name} must be a view name for res.render() or a function returning HTML`,
        );
      }
    }
    return Object.freeze({ ...views });
  }

  logger() {
    const logger = this.options.logger ?? OPTIONS.logger.default;
    if (
      logger === null ||
      typeof logger !== 'object' ||
      typeof logger.warn !== 'function'
    ) {
      this.problem('logger', 'must have a warn() method, like console');
      return OPTIONS.logger.default;
    }
    return logger;
  }
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How a value is shown in messages. */
function describe(value) {
  if (typeof value === 'string') {
    return JSON.stringify(
      value.length > 40 ? `${value.slice(0, 40)}...` : value,
    );
  }
  if (value === null || Array.isArray(value)) {
    return value === null ? 'null' : 'an array';
  }
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${String(value)}`;
}

/** Whether two option names differ by little more than case or a typo. */
function similar(a, b) {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.startsWith(y) || y.startsWith(x)) {
    return Math.min(x.length, y.length) >= 4;
  }
  return editDistance(x, y) <= 2;
}

function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + cost,
      );
    }
    previous = current;
  }
  return previous[b.length];
}

module.exports = { resolveOptions };
