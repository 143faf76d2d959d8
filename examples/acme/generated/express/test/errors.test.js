'use strict';

/**
 * No answer ever shows a stack trace or a file path, whatever NODE_ENV says:
 * errors end in the contract's JSON error shape (or a short page) and are
 * logged on the server. Express shows the stack of an unhandled error unless
 * NODE_ENV is 'production', so these tests run with NODE_ENV unset.
 */

delete process.env.NODE_ENV;

const assert = require('node:assert/strict');
const path = require('node:path');
const { before, describe, test } = require('node:test');
const express = require('express');
const request = require('supertest');
const acme = require('..');
const { SETTINGS } = require('../lib/config');
const {
  Client,
  MemoryLogger,
  USERS,
  errorCode,
  optionsFor,
  useService,
} = require('./support');

/** What gives away the code: a stack frame, the package's folder, a file path. */
const LEAKS = [
  /\bat [^\n]+\(/,
  /node_modules/,
  new RegExp(
    path.resolve(__dirname, '..').replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'),
  ),
  /\.js:\d+/,
];

function assertNoLeak(res) {
  for (const leak of LEAKS) {
    assert.doesNotMatch(res.text, leak, `the answer shows ${leak}`);
  }
}

const service = useService({ reset: false });

describe('the example app', () => {
  let app;

  before(() => {
    // The example reads its settings from the environment, as the README runs it.
    const options = optionsFor(service);
    process.env.SESSION_SECRET = options.sessionSecret;
    for (const setting of SETTINGS) {
      process.env[setting.env] = options[setting.option];
    }
    app = require('../example/app');
  });

  test('an Accept it cannot answer is a 406 in the JSON error shape, without a stack', async () => {
    for (const user of [USERS.user, USERS.admin]) {
      const client = new Client(app);
      await client.signIn(user);
      for (const route of ['/', '/admin']) {
        if (route === '/admin' && user === USERS.user) {
          continue;
        }
        const res = await client.get(route, 'image/png');
        assertNoLeak(res);
        assert.equal(res.status, 406, `${route}: ${res.text}`);
        assert.equal(errorCode(res), 'not_acceptable');
      }
    }
  });
});

describe('errors the routes do not answer themselves', () => {
  test('an error thrown in an app route is a 500 in the JSON error shape, logged', async () => {
    const logger = new MemoryLogger();
    const app = express();
    app.use(acme(optionsFor(service, { logger })));
    app.get('/broken', () => {
      throw new Error('a bug in the app');
    });
    app.use(acme.errorHandler());

    const json = await request(app)
      .get('/broken')
      .set('Accept', 'application/json');
    assert.equal(json.status, 500);
    assert.equal(errorCode(json), 'failed');
    assertNoLeak(json);
    assert.ok(
      logger.lines.some((line) => line.includes('a bug in the app')),
      'the error is logged on the server',
    );

    const page = await request(app).get('/broken').set('Accept', 'text/html');
    assert.equal(page.status, 500);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.doesNotMatch(page.text, /a bug in the app/);
    assertNoLeak(page);
  });

  test('a failing session store is a 500 in the JSON error shape, even without the app handler', async () => {
    const store = new (require('express-session').MemoryStore)();
    store.get = (sid, done) => done(new Error('the session store is down'));
    const logger = new MemoryLogger();
    const options = optionsFor(service, { logger, session: { store } });
    const app = express();
    app.use(acme(options));
    const client = new Client(app);
    await client.csrf(); // a session cookie, so the store is asked next time
    for (const route of ['/auth/me', '/auth/csrf']) {
      const res = await client.get(route);
      assertNoLeak(res);
      assert.equal(res.status, 500, `${route}: ${res.text}`);
      assert.equal(errorCode(res), 'failed');
    }
    assert.ok(logger.lines.some((line) => line.includes('store is down')));
  });

  test("res.format without a default is a 406 in the JSON error shape through the app's handler", async () => {
    const app = express();
    app.use(acme(optionsFor(service)));
    app.get('/plain', (req, res) => {
      res.format({ html: () => res.send('<p>hello</p>') });
    });
    app.use(acme.errorHandler());
    const res = await request(app).get('/plain').set('Accept', 'image/png');
    assertNoLeak(res);
    assert.equal(res.status, 406);
    assert.equal(errorCode(res), 'not_acceptable');
  });
});
