'use strict';

/**
 * Several instances of the app on one Redis (redisUrl, ACME_REDIS_URL): a
 * session started on one works on the other without calling the service,
 * and signing out on one ends it on both. Each instance is an app of its
 * own, as in another process. The Redis is real: Debian's redis-server,
 * started here on a free loopback port, nothing written to disk.
 */

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const { after, before, beforeEach, test } = require('node:test');
const { createClient } = require('redis');
const request = require('supertest');
const {
  Client,
  USERS,
  createApp,
  optionsFor,
  sleep,
  useService,
} = require('./support');

/** Milliseconds redis-server may take to answer. */
const REDIS_START_TIMEOUT_MS = 10_000;

/** Why the tests are skipped where redis-server is missing. */
const NO_REDIS =
  spawnSync('redis-server', ['--version']).error === undefined
    ? false
    : 'redis-server is not installed (apt-get install redis-server): the Redis tests did NOT run';

const service = useService();
let redis;
let redisUrl;
let admin;

before(async () => {
  if (NO_REDIS) {
    return;
  }
  const port = await freePort();
  // prettier-ignore
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redisUrl = `redis://127.0.0.1:${port}/0`;
  admin = createClient({ url: redisUrl });
  admin.on('error', () => {}); // refused while redis-server starts
  const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
  for (;;) {
    try {
      await admin.connect();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        throw err;
      }
      await sleep(50);
    }
  }
});

after(async () => {
  await Promise.all(integrations.map((integration) => integration.close()));
  await admin?.close();
  redis?.kill();
});

beforeEach(async () => {
  await admin?.flushDb();
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The integrations of the instances made so far, closed at the end. */
const integrations = [];

/** One instance of the app on the shared Redis. */
function instance(extra = {}) {
  const app = createApp(optionsFor(service, { redisUrl, ...extra }));
  integrations.push(app.integration);
  return app;
}

/** The session cookie a response set, as a Cookie header. */
function sessionCookie(res) {
  const cookie = (res.headers['set-cookie'] ?? []).find((c) =>
    c.startsWith('acme.sid='),
  );
  assert.ok(cookie, 'the sign-in set no session cookie');
  return cookie.split(';')[0];
}

function me(app, cookie) {
  return request(app)
    .get('/auth/me')
    .set('Accept', 'application/json')
    .set('Cookie', cookie);
}

/** Sign out on `app` with the session `cookie`, as an API client: the CSRF token of that session, then the POST. */
async function logout(app, cookie) {
  const csrf = await request(app)
    .get('/auth/csrf')
    .set('Accept', 'application/json')
    .set('Cookie', cookie);
  assert.equal(csrf.status, 200, csrf.text);
  return request(app)
    .post('/auth/logout')
    .set('Accept', 'application/json')
    .set('Cookie', cookie)
    .set(csrf.body.header, csrf.body.csrf_token);
}

test(
  'a session started on one instance lives in Redis and works on another without calling the service',
  { skip: NO_REDIS },
  async (t) => {
    if (service.skipUnlessSteerable(t)) {
      return;
    }
    const [a, b] = [instance(), instance()];
    const cookie = sessionCookie(await new Client(a).signIn(USERS.user));
    const sid = decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
    assert.equal(await admin.exists(`acme:sess:${sid}`), 1);
    const before = await service.count('get_user');
    const res = await me(b, cookie);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.username, USERS.user.expected.username);
    assert.equal(await service.count('get_user'), before);
  },
);

test(
  'signing out on one instance ends the session on every instance at once',
  { skip: NO_REDIS },
  async () => {
    const [a, b] = [instance(), instance()];
    const cookie = sessionCookie(await new Client(a).signIn(USERS.user));
    assert.equal((await logout(b, cookie)).status, 204);
    assert.equal((await me(a, cookie)).status, 401);
    assert.equal((await me(instance(), cookie)).status, 401);
  },
);

test(
  'a request that ran while another instance signed the session out does not bring it back',
  { skip: NO_REDIS },
  async () => {
    const { RedisStore } = require('connect-redis');
    const { sessionStore } = require('../lib/sessions');
    const [a, b] = [instance(), instance()];
    const cookie = sessionCookie(await new Client(a).signIn(USERS.user));
    const sid = decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
    // A's request reads the session as express-session does, with the store the integration uses.
    const SessionStore = sessionStore(RedisStore, {
      prefix: 'acme:signed-out:',
      seconds: 60,
    });
    const store = new SessionStore({
      client: admin,
      prefix: 'acme:sess:',
    });
    const running = await store.get(sid);
    assert.ok(running, 'the request on A sees the signed-in session');
    assert.equal((await logout(b, cookie)).status, 204);
    // Then it ends, and saves what it changed.
    await store.set(sid, { ...running, seen: true });
    assert.equal(await admin.exists(`acme:sess:${sid}`), 0);
    assert.equal((await me(a, cookie)).status, 401);
  },
);

test(
  'S18 requests at once on several instances after expiry share one refresh',
  { skip: NO_REDIS },
  async (t) => {
    if (service.skipUnlessSteerable(t)) {
      return;
    }
    await service.tokenLifetime(1);
    const apps = [1, 2, 3].map(() => instance({ sessionTtlSeconds: 1 }));
    const cookie = sessionCookie(await new Client(apps[0]).signIn(USERS.user));
    await sleep(1200); // the access token and the cached user have expired
    const answers = await Promise.all(
      [...apps, ...apps].map((app) => me(app, cookie)),
    );
    assert.deepEqual(
      answers.map((res) => res.status),
      Array(6).fill(200),
    );
    assert.equal(await service.count('refresh'), 1);
    // Whichever instance saved the session last, it holds the new tokens.
    await sleep(1200);
    assert.equal((await me(apps[1], cookie)).status, 200);
    assert.equal(await service.count('refresh'), 2);
  },
);

test(
  'S18 an instance that gets the lock just after another one finished takes its result, not a second refresh',
  { skip: NO_REDIS },
  async () => {
    const { Refresher } = require('../lib/refresh');
    const renewed = { access_token: 'renewed', refresh_token: 'next' };
    let refreshes = 0;
    const client = {
      async refresh() {
        refreshes += 1;
        return { access_token: 'twice', refresh_token: 'spent' };
      },
    };
    // Another instance leaves its result and frees the lock after this one last
    // looked for a result, and before it asks for the lock.
    let lookedFor = null;
    const racing = {
      get: (key) => {
        lookedFor = key;
        return admin.get(key);
      },
      async set(key, value, options) {
        if (options?.condition === 'NX' && lookedFor !== null) {
          await admin.set(lookedFor, JSON.stringify({ fresh: renewed }));
          await admin.del(key);
        }
        return admin.set(key, value, options);
      },
      del: (key) => admin.del(key),
    };
    const refresher = new Refresher(client, { warn() {} }, racing, 1000);
    const values = { access_token: 'old', refresh_token: 'once' };
    assert.deepEqual(await refresher.refresh('sid', values), renewed);
    assert.equal(refreshes, 0);
  },
);

test(
  'failed sign-ins count on every instance: the limit holds across them',
  { skip: NO_REDIS },
  async () => {
    const limits = { loginLimitPerAccount: 2, loginLimitWindowSeconds: 60 };
    const [a, b] = [instance(limits), instance(limits)];
    const { username, password } = USERS.user;
    const wrong = `${password}-wrong`;
    assert.equal((await new Client(a).login(username, wrong)).status, 401);
    assert.equal((await new Client(b).login(username, wrong)).status, 401);
    for (const app of [a, b, instance(limits)]) {
      const res = await new Client(app).login(username, password);
      assert.equal(res.status, 429, res.text);
      assert.match(res.headers['retry-after'] ?? '', /^\d+$/);
    }
    const keys = await admin.keys('acme:throttle:account:*');
    assert.equal(keys.length, 1, 'the count lives in Redis');
  },
);

test('a redisUrl that is not a redis:// URL is refused at start-up', () => {
  assert.throws(
    () => createApp(optionsFor(service, { redisUrl: 'http://127.0.0.1:6379' })),
    /redisUrl must be a redis:\/\/ or rediss:\/\/ URL/,
  );
});
