'use strict';

/**
 * Parts of docs/http-contract.md that an outside attack tried: the Accept
 * headers of common HTTP clients, over-long `next`, a CSRF token in the query
 * string, deeply nested JSON, and sign-ins at once.
 */

const assert = require('node:assert/strict');
const { beforeEach, test } = require('node:test');
const request = require('supertest');
const {
  Client,
  USERS,
  createApp,
  errorCode,
  optionsFor,
  useService,
} = require('./support');

/** What axios and jQuery's getJSON send: API clients, though they name `*\/*` too. */
const API_ACCEPTS = {
  axios: 'application/json, text/plain, */*',
  jquery: 'application/json, text/javascript, */*; q=0.01',
};

/** Longer than the 2,048 characters a `next` may have. */
const LONG_NEXT = `/${'a'.repeat(10 * 1024)}`;

const service = useService();
let app;

beforeEach(() => {
  app = createApp(optionsFor(service));
});

test('the Accept headers of axios and jQuery get JSON 401 and 403 from the guards, never a redirect', async () => {
  const plain = new Client(app);
  await plain.signIn(USERS.user);
  for (const [name, accept] of Object.entries(API_ACCEPTS)) {
    for (const route of ['/', '/admin']) {
      const anonymous = await new Client(app).get(route, accept);
      assert.equal(anonymous.status, 401, `${name} ${route}`);
      assert.equal(errorCode(anonymous), 'unauthorized');
    }
    const denied = await plain.get('/admin', accept);
    assert.equal(denied.status, 403, name);
    assert.equal(errorCode(denied), 'forbidden');
    const home = await plain.get('/', accept);
    assert.equal(home.status, 200, name);
    assert.match(home.headers['content-type'], /^application\/json/);
  }
});

test('a next over 2,048 characters is dropped: sign-in goes to /', async () => {
  const res = await new Client(app, { browser: true }).signIn(USERS.user, {
    next: LONG_NEXT,
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/');

  const page = await new Client(app, { browser: true }).get(
    `/auth/login?next=${LONG_NEXT}`,
  );
  assert.equal(page.status, 200);
  assert.ok(!page.text.includes(LONG_NEXT), 'the login form drops it');

  const fits = `/${'a'.repeat(2047)}`;
  const kept = await new Client(app, { browser: true }).signIn(USERS.user, {
    next: fits,
  });
  assert.equal(kept.headers.location, fits, '2,048 characters are kept');
});

test('a guard does not send a browser to the login page with an over-long next', async () => {
  const long = `/?pad=${'a'.repeat(10 * 1024)}`;
  const res = await new Client(app, { browser: true }).get(long);
  assert.equal(res.status, 302);
  assert.equal(res.headers.location, '/auth/login');
});

test('a CSRF token only in the query string is refused', async () => {
  for (const browser of [true, false]) {
    const client = new Client(app, { browser });
    const { csrf_token: token, field } = await client.csrf();
    const req = client.agent
      .post(`/auth/login?${field}=${encodeURIComponent(token)}`)
      .redirects(0)
      .set('Accept', client.accept);
    const fields = {
      username: USERS.user.username,
      password: USERS.user.password,
    };
    const res = await (browser ? req.type('form') : req).send(fields);
    assert.equal(res.status, 403, `browser: ${browser}`);
    if (!browser) {
      assert.equal(errorCode(res), 'csrf_failed');
    }
    assert.equal(await client.signedIn(), false);
  }
});

test('JSON nested 10,000 deep is a 400 invalid_input', async () => {
  const client = new Client(app);
  const { csrf_token: token, header } = await client.csrf();
  const bodies = [
    '['.repeat(10_000) + ']'.repeat(10_000),
    `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
  ];
  for (const body of bodies) {
    const res = await client.agent
      .post('/auth/login')
      .set('Accept', 'application/json')
      .set('Content-Type', 'application/json')
      .set(header, token)
      .send(body);
    assert.equal(res.status, 400, res.text.slice(0, 200));
    assert.equal(errorCode(res), 'invalid_input');
  }
});

test('20 sign-ins at once all succeed', async () => {
  const users = [USERS.user, USERS.admin];
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      new Client(app).login(users[i % 2].username, users[i % 2].password),
    ),
  );
  assert.deepEqual(
    answers.map((res) => res.status),
    Array(20).fill(200),
  );
  const plain = await request(app).get('/auth/me');
  assert.equal(plain.status, 401, 'and none of them leaks into another');
});
