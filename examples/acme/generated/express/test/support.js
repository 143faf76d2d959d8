'use strict';

/**
 * What the tests share: the bundled fake of Acme Identity (a child
 * process speaking real HTTP), an app wired to it, and a client that talks
 * to that app the way a browser or an API client does.
 */

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');
const request = require('supertest');
const acme = require('..');
const { SETTINGS } = require('../lib/config');

const { requireLogin, requireRoles } = acme;
const UserClass = acme.AcmeUser;

/** The role /admin requires. */
const ADMIN_ROLE = 'admins';

/** The spec and the settings the fake expects, beside the fake. */
const SPEC_DATA = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fake', 'spec.json'), 'utf8'),
);

/** Seconds the fake may take to say where it listens. */
const FAKE_START_TIMEOUT_MS = 20_000;

const JSON_TYPE = 'application/json';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

/** The fake identity service, started with `python3 -m fake` and steered through /__fake__/. */
class Fake {
  constructor(child, url) {
    this.child = child;
    this.url = url;
  }

  static async start() {
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
    return new Fake(child, url);
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
  }

  async control(method, route, body) {
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

  /** The fixture users by key: admin, user, disabled, staff. */
  users() {
    return this.control('GET', 'users');
  }

  /** How often `operation` was called since the last reset. */
  async count(operation) {
    return (await this.control('GET', 'calls'))[operation];
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

/** The options that point the integration at the fake, with the test settings. */
function optionsFor(fake, extra = {}) {
  const options = {
    sessionSecret: 'test-session-secret-0123456789',
    logger: new MemoryLogger(),
  };
  for (const setting of SETTINGS) {
    if (setting.name === 'base_url') {
      options[setting.option] = fake.url;
    } else if (Object.hasOwn(SPEC_DATA.settings, setting.name)) {
      options[setting.option] = SPEC_DATA.settings[setting.name];
    }
  }
  return { ...options, ...extra };
}

/** An app like the example: the integration, `/` and `/admin`, and `/whoami` for S04. */
function createApp(options) {
  const app = express();
  app.use(acme(options));
  app.get('/', requireLogin(), (req, res) => {
    const message = `Hello ${req.user.first_name ?? req.user.username}`;
    res.format({
      html: () => res.send(`<p>${message.replace(/[<&]/g, '')}</p>`),
      json: () => res.json({ message }),
    });
  });
  app.get('/admin', requireRoles(ADMIN_ROLE), (req, res) => {
    res.format({
      html: () => res.send('<p>admin</p>'),
      json: () => res.json({ message: 'admin' }),
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

function sleep(ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

module.exports = {
  ADMIN_ROLE,
  Fake,
  MemoryLogger,
  optionsFor,
  createApp,
  Client,
  setCookies,
  errorCode,
  sleep,
};
