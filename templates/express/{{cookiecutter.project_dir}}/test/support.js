'use strict';

/**
 * What the tests share: the identity service, an app wired to it, the
 * fixture users, and a client that talks to that app the way a browser or an
 * API client does.
 *
 * The service is the bundled fake of {{ cookiecutter.service_name | jscomment }} (`test/fake/`, a
 * child process speaking real HTTP). Set {{ cookiecutter.config_prefix }}_TEST_BASE_URL (and
 * {{ cookiecutter.config_prefix }}_TEST_<SETTING> for the other settings, e.g. {{ cookiecutter.config_prefix }}_TEST_API_KEY) to
 * test against a real deployment instead: the tests that steer the service
 * (faults, call counts, disabling users) are then skipped, and the users to
 * sign in as come from {{ cookiecutter.config_prefix }}_TEST_USERS (see `realUsers`).
 */

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, beforeEach } = require('node:test');
const express = require('express');
const request = require('supertest');
const {{ cookiecutter.slug }} = require('..');
const { SETTINGS } = require('../lib/config');

const { requireLogin, requireRoles } = {{ cookiecutter.slug }};
const UserClass = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}User;

/** The role /admin requires. */
{{ cookiecutter.guard_role | jsconst("ADMIN_ROLE") }}

/** The spec and the settings the fake expects, beside the fake. */
const SPEC_DATA = readJson('fake/spec.json');

/** The variable that points the tests at a real service instead of the bundled fake. */
const REAL_SERVICE_ENV = '{{ cookiecutter.config_prefix }}_TEST_BASE_URL';

/** The real service's URL, when the tests are to use one. */
const REAL_SERVICE_URL = process.env[REAL_SERVICE_ENV];

/** The variable with the users of a real deployment: JSON, or the path of a JSON file. */
const TEST_USERS_ENV = '{{ cookiecutter.config_prefix }}_TEST_USERS';

/**
 * The users the tests sign in as, by key: the fake's (`users.json`: their
 * credentials, record, and the user a correct integration builds from it),
 * or a real deployment's.
 */
const USERS = REAL_SERVICE_URL
  ? realUsers(process.env[TEST_USERS_ENV])
  : readJson('users.json');

/**
 * Seconds the app waits for the service: short against the fake, whose delay
 * faults are longer; the spec's own against a real one, which may well take a
 * second under load.
 */
const SERVICE_TIMEOUT_SECONDS = REAL_SERVICE_URL ? {{ cookiecutter.timeout_s }} : 1;

/** Why a test that steers the service is skipped against a real one. */
const NEEDS_FAKE = 'needs the bundled fake service';

/**
 * The settings of the app under test, besides the base URL, by option: from
 * {{ cookiecutter.config_prefix }}_TEST_<SETTING> when set, else the value the fake expects.
 */
const TEST_SETTINGS = Object.fromEntries(
  SETTINGS.filter((setting) => setting.name !== '{{ "issuer" if cookiecutter.is_oidc else "base_url" }}').map((setting) => [
    setting.option,
    process.env[`{{ cookiecutter.config_prefix }}_TEST_${setting.name.toUpperCase()}`] ??
      SPEC_DATA.settings[setting.name],
  ]),
);

/** Milliseconds the fake may take to say where it listens. */
const FAKE_START_TIMEOUT_MS = 20_000;

const JSON_TYPE = 'application/json';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

/**
 * The users of a real deployment, from {{ cookiecutter.config_prefix }}_TEST_USERS: JSON, or the
 * path of a JSON file. Keys say what each user is for: `admin` has the role
 * that guards /admin ({{ cookiecutter.guard_role | jscomment }}), `user` lacks it, `disabled` is a
 * disabled account. Each gives `username` and `password`; `roles`, the roles
 * the user must have at least (the service may add its own); and optionally
 * `id`, `email`, `first_name` or `last_name` to check exactly. For example:
 *
 *     {"admin": {"username": "ada", "password": "...", "roles": ["{{ cookiecutter.guard_role | jscomment }}"]},
 *      "user": {"username": "alan", "password": "...", "roles": []},
 *      "disabled": {"username": "dana", "password": "..."}}
 */
function realUsers(config) {
  if (!config) {
    throw new Error(
      `${REAL_SERVICE_ENV} names a real service: set ${TEST_USERS_ENV} to its test users`,
    );
  }
  const text = config.trimStart().startsWith('{')
    ? config
    : fs.readFileSync(config, 'utf8');
  const users = {};
  for (const [key, given] of Object.entries(JSON.parse(text))) {
    const expected = Object.fromEntries(
      ['id', 'email', 'first_name', 'last_name']
        .filter((name) => Object.hasOwn(given, name))
        .map((name) => [name, given[name]]),
    );
    expected.username = given.username;
    expected.roles = given.roles ?? [];
    // The record's own fields are the service's business: they are not checked.
    users[key] = { key, ...given, expected, fields: {} };
  }
  for (const key of ['admin', 'user', 'disabled']) {
    if (!users[key]) {
      throw new Error(`${TEST_USERS_ENV} has no ${key} user`);
    }
  }
  return users;
}

/**
 * Assert that `seen` (me, or req.user) is `user` as the integration maps it.
 * Against the fake every value is known; against a real service only what
 * realUsers was told, and `roles` are the ones the user has at least.
 */
function assertUser(seen, user) {
  for (const [name, want] of Object.entries(user.expected)) {
    if (name !== 'roles') {
      assert.deepEqual(seen[name], want, name);
    } else if (REAL_SERVICE_URL) {
      const missing = want.filter((role) => !seen.roles.includes(role));
      assert.deepEqual(missing, [], `roles ${seen.roles} lack ${missing}`);
    } else {
      assert.deepEqual([...seen.roles].sort(), [...want].sort(), 'roles');
    }
  }
}

/** A JSON file beside the tests. */
function readJson(name) {
  return JSON.parse(fs.readFileSync(path.join(__dirname, name), 'utf8'));
}

/**
 * The identity service the tests talk to: the real one {{ cookiecutter.config_prefix }}_TEST_BASE_URL
 * names, or the bundled fake, started with `python3 -m fake` and steered
 * through /__fake__/.
 */
class Service {
  constructor() {
    /** The service's base URL, once started. */
    this.url = null;
    /** The fake's child process; null for a real service. */
    this.fake = null;
  }

  /** Whether the tests can steer the service: only the fake can be. */
  get steerable() {
    return this.fake !== null;
  }

  /**
   * Skip the running test `t`, which steers the service, unless the service
   * is the fake; true when skipped, and the test must then return:
   * `if (service.skipUnlessSteerable(t)) { return; }`.
   */
  skipUnlessSteerable(t) {
    if (!this.steerable) {
      t.skip(NEEDS_FAKE);
    }
    return !this.steerable;
  }

  /** Start the bundled fake, or take the real service's URL. */
  async start() {
    if (REAL_SERVICE_URL) {
      this.url = REAL_SERVICE_URL.replace(/\/$/, '');
      return;
    }
    const python = process.env.PYTHON ?? 'python3';
    const child = spawn(
      python,
      ['-m', 'fake', path.join('fake', 'spec.json'), '--port', '0'],
      { cwd: __dirname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const url = await new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        reject(new Error('the fake did not say where it listens'));
      }, FAKE_START_TIMEOUT_MS);
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const found = /fake listening on (http:\/\/\S+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1].replace(/\/$/, ''));
        }
      });
      child.once('error', reject);
      child.once('exit', (code) => {
        reject(
          new Error(`the fake exited with ${code}: is ${python} installed?`),
        );
      });
    });
    child.stdout.resume();
    this.url = url;
    this.fake = child;
  }

  /** Stop the fake; a real service is left alone. */
  async stop() {
    if (this.fake?.exitCode === null) {
      const exited = new Promise((resolve) => this.fake.once('exit', resolve));
      this.fake.kill('SIGTERM');
      await exited;
    }
  }

  async control(method, route, body) {
    // t.skip() does not stop a test, so a test that steers the service asks
    // skipUnlessSteerable(t) first; one that does not fails here rather than
    // pass against a real service.
    assert.ok(
      this.steerable,
      `${method} /__fake__/${route} ${NEEDS_FAKE}: call skipUnlessSteerable(t) first`,
    );
    const response = await fetch(`${this.url}/__fake__/${route}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': JSON_TYPE },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(
      response.ok,
      `${method} /__fake__/${route} answered ${response.status}`,
    );
    return response.json();
  }

  /** How often each operation was called, the recent requests, the password resets asked for. */
  calls() {
    return this.control('GET', 'calls');
  }

  /** How often `operation` was called since the last reset. */
  async count(operation) {
    return (await this.calls())[operation];
  }

  reset() {
    return this.control('POST', 'reset');
  }

  /** Make `operation` fail: { status }, { delay }, { drop: true } or { body }. */
  fault(operation, fault) {
    return this.control('POST', 'faults', { operation, ...fault });
  }

  /** Remove every fault; unlike reset(), the sessions the fake gave out stay valid. */
  clearFaults() {
    return this.control('DELETE', 'faults');
  }

  disable(key) {
    return this.control('POST', `users/${key}/disable`);
  }

  remove(key) {
    return this.control('DELETE', `users/${key}`);
  }
{%- if cookiecutter.has_refresh %}

  /** The lifetime, in seconds, of the access tokens the fake hands out from now on. */
  tokenLifetime(ttl) {
    return this.control('POST', 'tokens', { ttl });
  }

  /** The current access tokens of the user `key` expire now. */
  expireTokens(key) {
    return this.control('POST', `users/${key}/expire`);
  }
{%- endif %}
{%- if cookiecutter.has_logout %}

  /** How many sessions at the service each user has: `{ <user key>: <count> }`. */
  sessions() {
    return this.control('GET', 'sessions');
  }
{%- endif %}
{%- if cookiecutter.email_links %}

  /** The token of the newest mail of `kind` ('reset' or 'verify') sent to the user `key`. */
  async mailedToken(key, kind) {
    const outbox = await this.control('GET', 'outbox');
    const mail = outbox.findLast((m) => m.user === key && m.kind === kind);
    assert.ok(mail, `no ${kind} mail for ${key} in the outbox`);
    return mail.token;
  }

  /** The reset or verification token `token` expires now. */
  expireLinkToken(token) {
    return this.control('POST', `tokens/${encodeURIComponent(token)}/expire`);
  }
{%- endif %}
}

/**
 * The service of a test file: started before its first test, stopped after
 * its last, and, when it is the fake, reset to its fixtures before each test
 * (unless `reset` is false). Call it at the top level of the file.
 *
 * @returns {Service} started by the time the tests run
 */
function useService({ reset = true } = {}) {
  const service = new Service();
  before(() => service.start());
  after(() => service.stop());
  if (reset) {
    beforeEach(async () => {
      if (service.steerable) {
        await service.reset();
      }
    });
  }
  return service;
}

/** A logger that keeps what it is told, for the tests to read. */
class MemoryLogger {
  constructor() {
    this.lines = [];
  }

  warn(message) {
    this.lines.push(String(message));
  }
}

/** The options that point the integration at `service`, with the test settings. */
function optionsFor(service, extra = {}) {
  return {
    sessionSecret: 'test-session-secret-0123456789',
    logger: new MemoryLogger(),
    {{ "issuer" if cookiecutter.is_oidc else "baseUrl" }}: service.url,
    ...TEST_SETTINGS,
    ...extra,
  };
}

/** An app like the example: the integration (`app.integration`, to close), `/` and `/admin`, and `/whoami` for S04. */
function createApp(options) {
  const app = express();
  app.integration = {{ cookiecutter.slug }}(options);
  app.use(app.integration);
  app.get('/', requireLogin(), (req, res) => {
    const message = `Hello ${req.user.first_name ?? req.user.username}`;
    res.format({
      html: () => res.send(`<p>${message.replace(/[<&]/g, '')}</p>`),
      json: () => res.json({ message }),
      default: () => res.status(406).end(),
    });
  });
  app.get('/admin', requireRoles(ADMIN_ROLE), (req, res) => {
    res.format({
      html: () => res.send('<p>admin</p>'),
      json: () => res.json({ message: 'admin' }),
      default: () => res.status(406).end(),
    });
  });
  app.get('/whoami', requireLogin(), (req, res) => {
    res.json({
      instance: req.user instanceof UserClass,
      frozen: Object.isFrozen(req.user) && Object.isFrozen(req.user.roles),
      locals: res.locals.user === req.user,
      types: Object.fromEntries(
        Object.entries(req.user).map(([name, value]) => [name, typeOf(value)]),
      ),
      user: req.user,
    });
  });
  app.use({{ cookiecutter.slug }}.errorHandler());
  return app;
}

function typeOf(value) {
  if (value === null) {
    return 'null';
  }
  if (value instanceof Date) {
    return 'date';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}

/** A user agent of the app with its own cookies: an API client or a browser. */
class Client {
  constructor(app, { browser = false } = {}) {
    this.agent = request.agent(app);
    this.browser = browser;
    this.accept = browser ? BROWSER_ACCEPT : JSON_TYPE;
  }

  get(route, accept = this.accept) {
    const req = this.agent.get(route).redirects(0);
    return accept === null ? req : req.set('Accept', accept);
  }

  /** The CSRF token of this client's session, from /auth/csrf. */
  async csrf() {
    const res = await this.agent.get('/auth/csrf').set('Accept', JSON_TYPE);
    assert.equal(res.status, 200);
    return res.body;
  }

  /**
   * POST the way this client posts: a form with the CSRF field, or JSON with
   * the CSRF header. `csrf` false sends no token, a string sends that one.
   */
  async submit(route, fields, { csrf = true } = {}) {
    // the token first: the request takes the cookies the agent holds when it is made
    const names = csrf === false ? null : await this.csrf();
    const req = this.agent.post(route).redirects(0).set('Accept', this.accept);
    const token = typeof csrf === 'string' ? csrf : names?.csrf_token;
    if (this.browser) {
      const form = names ? { ...fields, [names.field]: token } : fields;
      return req.type('form').send(form);
    }
    if (names) {
      req.set(names.header, token);
    }
    return req.send(fields);
  }

  login(username, password, options = {}) {
    const fields = { username, password };
    if (options.next !== undefined) {
      fields.next = options.next;
    }
    return this.submit('/auth/login', fields, options);
  }

  /** Sign in as a fixture user; fails the test unless it works. */
  async signIn(user, options = {}) {
    const res = await this.login(user.username, user.password, options);
    assert.equal(res.status, this.browser ? 303 : 200, res.text);
    return res;
  }

  logout(options = {}) {
    return this.submit('/auth/logout', {}, options);
  }

  me() {
    return this.agent.get('/auth/me').set('Accept', JSON_TYPE);
  }

  async signedIn() {
    return (await this.me()).status === 200;
  }

  /** The value of each cookie the client holds. */
  cookies() {
    const jar = this.agent.jar;
    return Object.fromEntries(
      jar
        .getCookies({
          domain: '127.0.0.1',
          path: '/',
          secure: false,
          script: false,
        })
        .map((cookie) => [cookie.name, cookie.value]),
    );
  }
}

/** The cookies a response sets (name, value, attributes in lower case). */
function setCookies(res) {
  return (res.headers['set-cookie'] ?? []).map((header) => {
    const [pair, ...attributes] = header.split(';');
    const index = pair.indexOf('=');
    return {
      name: pair.slice(0, index).trim(),
      value: pair.slice(index + 1).trim(),
      attributes: attributes.map((a) => a.trim().toLowerCase()),
    };
  });
}

/** The JSON error body's code, after checking the body has the contract's shape. */
function errorCode(res) {
  assert.match(res.headers['content-type'] ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'message']);
  return res.body.error.code;
}

{% if cookiecutter.is_oidc -%}
/** The hidden and visible fields of the provider's login form, filled in for `user`. */
function filledForm(html, user) {
  const fields = new URLSearchParams();
  for (const [, attributes] of html.matchAll(/<input\b([^>]*)>/g)) {
    const name = /\bname="([^"]*)"/.exec(attributes)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(attributes)?.[1] ?? '';
    if (name !== undefined) {
      fields.set(
        name,
        value.replaceAll('&amp;', '&').replaceAll('&quot;', '"'),
      );
    }
  }
  fields.set('username', user.username);
  fields.set('password', user.password);
  return fields;
}

/**
 * Sign `client` in as `user` on the provider's own page, and come back to the
 * callback of the app at `url`: the callback's answer.
 */
async function signInThroughProvider(service, client, url, user) {
  const login = await client.get('/auth/login', 'text/html');
  assert.equal(login.status, 302, `login answered ${login.status}`);
  const page = await fetch(login.headers.location);
  const posted = await fetch(new URL('/authorize', service.url), {
    method: 'POST',
    body: filledForm(await page.text(), user),
    redirect: 'manual',
  });
  const back = new URL(posted.headers.get('location'));
  assert.equal(back.origin, url, 'the provider sent the browser elsewhere');
  return client.get(back.pathname + back.search);
}

{% endif -%}
function sleep(ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

module.exports = {
  ADMIN_ROLE,
  SERVICE_TIMEOUT_SECONDS,
  USERS,
  assertUser,
  Service,
  useService,
  MemoryLogger,
  optionsFor,
  createApp,
  Client,
  setCookies,
  errorCode,
{%- if cookiecutter.is_oidc %}
  filledForm,
  signInThroughProvider,
{%- endif %}
  sleep,
};
