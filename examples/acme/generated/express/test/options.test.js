'use strict';

/** Options: checked at start-up, with errors that name the option and its variable. */

const assert = require('node:assert/strict');
const { test } = require('node:test');
const acme = require('..');
const { SETTINGS } = require('../lib/config');
const { resolveOptions } = require('../lib/options');

const { ConfigurationError } = acme;

/** Every required option, set. */
function complete() {
  const options = { sessionSecret: 'test-session-secret-0123456789' };
  for (const setting of SETTINGS) {
    options[setting.option] =
      setting.name === 'base_url' ? 'http://127.0.0.1:1' : 'x';
  }
  return options;
}

test('complete options are accepted', () => {
  const settings = resolveOptions(complete(), {});
  assert.equal(settings.routePrefix, '/auth');
  assert.equal(settings.sessionTtlMs, 300_000);
  assert.ok(Object.isFrozen(settings));
});

test('every missing required option is named, with its variable', () => {
  const required = SETTINGS.filter((s) => s.required);
  let error;
  try {
    resolveOptions({}, {});
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigurationError);
  for (const setting of required) {
    assert.match(error.message, new RegExp(`${setting.option} is missing`));
    assert.match(error.message, new RegExp(setting.env));
  }
  assert.match(error.message, /sessionSecret is missing.*SESSION_SECRET/);
  assert.equal(error.problems.length, required.length + 1);
});

test('options fall back to environment variables', () => {
  const env = { SESSION_SECRET: 'from-the-environment-0123' };
  for (const setting of SETTINGS) {
    env[setting.env] =
      setting.name === 'base_url'
        ? 'https://id.example'
        : `env-${setting.name}`;
  }
  env['ACME_SESSION_TTL'] = '30';
  env['ACME_ROUTE_PREFIX'] = '/account/';
  const settings = resolveOptions({}, env);
  assert.equal(settings.sessionTtlMs, 30_000);
  assert.equal(settings.routePrefix, '/account');
  assert.equal(settings.sessionSecret, 'from-the-environment-0123');
  for (const setting of SETTINGS) {
    assert.equal(settings.service[setting.option], env[setting.env]);
  }
  const given = resolveOptions({ ...complete(), sessionTtlSeconds: 5 }, env);
  assert.equal(given.sessionTtlMs, 5000, 'an option wins over its variable');
});

test('the sign-in throttle is off by default, and set by option or variable', () => {
  const off = resolveOptions(complete(), {});
  assert.deepEqual(off.loginLimit, {
    perAccount: 0,
    perClient: 0,
    windowMs: 300_000,
  });
  const env = {
    ACME_LOGIN_LIMIT_PER_ACCOUNT: '8',
    ACME_LOGIN_LIMIT_PER_CLIENT: '20',
    ACME_LOGIN_LIMIT_WINDOW: '4',
  };
  assert.deepEqual(resolveOptions(complete(), env).loginLimit, {
    perAccount: 8,
    perClient: 20,
    windowMs: 4000,
  });
  const given = resolveOptions({ ...complete(), loginLimitPerAccount: 5 }, env);
  assert.equal(
    given.loginLimit.perAccount,
    5,
    'an option wins over its variable',
  );
});

test('routePrefix / puts the routes at the root', () => {
  const settings = resolveOptions({ ...complete(), routePrefix: '/' }, {});
  assert.equal(settings.routePrefix, '');
});

test('invalid options are refused with the reason', () => {
  const cases = [
    [{ timeoutSeconds: 'soon' }, /timeoutSeconds must be a number/],
    [{ routePrefix: 'auth' }, /routePrefix must be a path/],
    [{ primaryColor: 'red;}' }, /primaryColor must be a hex colour/],
    [{ logoUrl: 'javascript:alert(1)' }, /logoUrl must be an http\(s\) URL/],
    [{ sessionSecret: 'short' }, /sessionSecret must be text of at least 16/],
    [{ views: { home: 'x' } }, /views has no page home/],
    [{ baseUrl: 'ftp://id.example' }, /baseUrl must be an http/],
    [{ timeout: 3 }, /unknown option timeout; did you mean timeoutSeconds\?/],
    [
      { loginLimitPerAccount: 2.5 },
      /loginLimitPerAccount must be a whole number/,
    ],
    [
      { loginLimitPerClient: '-1' },
      /loginLimitPerClient must be a whole number/,
    ],
    [
      { loginLimitWindowSeconds: 0 },
      /loginLimitWindowSeconds must be a number/,
    ],
    [{ loginLimitWindowSeconds: 1e9 }, /at most 86400/],
    [{ passport: { use() {} } }, /passport must be the app's Passport/],
  ];
  for (const [bad, message] of cases) {
    assert.throws(() => resolveOptions({ ...complete(), ...bad }, {}), message);
  }
});

test('a secret option is never shown in an error', () => {
  const secret = SETTINGS.find((s) => s.secret);
  if (secret === undefined) {
    return;
  }
  const options = { ...complete(), [secret.option]: { value: 'hunter2' } };
  assert.throws(
    () => resolveOptions(options, {}),
    (err) =>
      !err.message.includes('hunter2') && /must be text/.test(err.message),
  );
});

test('session: false needs the app to mount its own session middleware', () => {
  const options = { ...complete(), sessionSecret: undefined, session: false };
  const settings = resolveOptions(options, {});
  assert.equal(settings.session, false);
  assert.equal(settings.sessionSecret, null);
});

test('ES modules import the package, default and named', async () => {
  const esm = await import('express-acme');
  assert.equal(esm.default, acme);
  assert.equal(esm.requireLogin, acme.requireLogin);
  assert.equal(esm.requireRoles, acme.requireRoles);
});
