'use strict';

/**
 * The throttle of failed sign-ins (loginLimitPerAccount, loginLimitPerClient,
 * loginLimitWindowSeconds): 429 with Retry-After once a limit is reached,
 * the same for every username, without asking the service.
 */

const assert = require('node:assert/strict');
const { test } = require('node:test');
const {
  Client,
  USERS,
  createApp,
  optionsFor,
  sleep,
  useService,
} = require('./support');

/** The contract's answer to a throttled JSON sign-in. */
const TOO_MANY = {
  error: {
    code: 'too_many_attempts',
    message: 'Too many failed sign-in attempts. Try again later.',
  },
};

/** Refusals allowed within the window in these tests. */
const LIMIT = 3;
/** The window in these tests, in seconds. */
const WINDOW = 2;

const service = useService();

/** An app whose sign-ins are throttled as `limits` say. */
function throttled(limits) {
  return createApp(
    optionsFor(service, { loginLimitWindowSeconds: WINDOW, ...limits }),
  );
}

const { username, password } = USERS.user;
const wrong = `${password}-wrong`;

/** Assert `res` is the contract's 429: Retry-After in whole seconds within the window. */
function assertThrottled(res) {
  assert.equal(res.status, 429, res.text);
  const retryAfter = res.headers['retry-after'];
  assert.match(retryAfter ?? '', /^\d+$/, 'Retry-After is whole seconds');
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= WINDOW);
}

test('per account: after the limit, 429 with Retry-After and the JSON error, even with the right password', async () => {
  const app = throttled({ loginLimitPerAccount: LIMIT });
  for (let i = 0; i < LIMIT; i += 1) {
    const res = await new Client(app).login(username, wrong);
    assert.equal(res.status, 401, `refusal ${i + 1}`);
  }
  const more = await new Client(app).login(username, wrong);
  assertThrottled(more);
  assert.deepEqual(more.body, TOO_MANY);

  // The username as counted: trimmed and case-folded.
  const variant = await new Client(app).login(
    ` ${username.toUpperCase()} `,
    password,
  );
  assertThrottled(variant);

  const client = new Client(app);
  const right = await client.login(username, password);
  assertThrottled(right);
  assert.deepEqual(right.body, TOO_MANY);
  assert.equal(await client.signedIn(), false);

  const other = await new Client(app).signIn(USERS.admin);
  assert.equal(other.status, 200, 'other accounts are not throttled');
});

test('a throttled sign-in does not reach the service', async (t) => {
  if (service.skipUnlessSteerable(t)) {
    return;
  }
  const app = throttled({ loginLimitPerAccount: 1 });
  assert.equal((await new Client(app).login(username, wrong)).status, 401);
  const calls = await service.count('login');
  assertThrottled(await new Client(app).login(username, password));
  assertThrottled(await new Client(app).login(username, wrong));
  assert.equal(await service.count('login'), calls);
});

test('per account: the same answers for a known and an unknown username', async () => {
  const app = throttled({ loginLimitPerAccount: LIMIT });
  const answers = async (name) => {
    const seen = [];
    for (let i = 0; i <= LIMIT + 1; i += 1) {
      const res = await new Client(app).login(name, wrong);
      seen.push([res.status, res.body, 'retry-after' in res.headers]);
    }
    return seen;
  };
  const known = await answers(username);
  const unknown = await answers('nobody@example.invalid');
  assert.deepEqual(unknown, known);
  assert.deepEqual(known.at(-1), [429, TOO_MANY, true]);
});

test('per account: a success clears the count of its username', async () => {
  const app = throttled({ loginLimitPerAccount: LIMIT });
  for (let i = 0; i < LIMIT - 1; i += 1) {
    assert.equal((await new Client(app).login(username, wrong)).status, 401);
  }
  await new Client(app).signIn(USERS.user);
  for (let i = 0; i < LIMIT; i += 1) {
    const res = await new Client(app).login(username, wrong);
    assert.equal(res.status, 401, `refusal ${i + 1} after the success`);
  }
  assertThrottled(await new Client(app).login(username, password));
});

test('per account: sign-ins are allowed again after the window', async () => {
  const app = throttled({ loginLimitPerAccount: 1 });
  assert.equal((await new Client(app).login(username, wrong)).status, 401);
  assertThrottled(await new Client(app).login(username, password));
  await sleep(WINDOW * 1000 + 100);
  await new Client(app).signIn(USERS.user);
});

test('per client: refusals for any username count against the address, a success does not clear it', async () => {
  const app = throttled({ loginLimitPerClient: LIMIT });
  assert.equal((await new Client(app).login(username, wrong)).status, 401);
  assert.equal(
    (await new Client(app).login('nobody@example.invalid', wrong)).status,
    401,
  );
  await new Client(app).signIn(USERS.user);
  assert.equal(
    (await new Client(app).login(USERS.admin.username, wrong)).status,
    401,
  );
  const res = await new Client(app).login(
    USERS.admin.username,
    USERS.admin.password,
  );
  assertThrottled(res);
  assert.deepEqual(res.body, TOO_MANY);
});

test('browsers get the login page again with 429 and the message', async () => {
  const app = throttled({ loginLimitPerAccount: 1 });
  const browser = new Client(app, { browser: true });
  assert.equal((await browser.login(username, wrong)).status, 401);
  const page = await browser.login(username, password);
  assertThrottled(page);
  assert.match(page.headers['content-type'], /^text\/html/);
  assert.match(
    page.text,
    /Too many failed sign-in attempts\. Try again later\./,
  );
  assert.match(page.text, /<form/);
});

test('a service that is down counts for nothing', async (t) => {
  if (service.skipUnlessSteerable(t)) {
    return;
  }
  const app = throttled({ loginLimitPerAccount: 1, loginLimitPerClient: 1 });
  await service.fault('login', { status: 503 });
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await new Client(app).login(username, password)).status, 503);
  }
  await service.clearFaults();
  await new Client(app).signIn(USERS.user);
});

test('sign-ins at once of one user all succeed under a limit', async () => {
  const app = throttled({ loginLimitPerAccount: LIMIT });
  const clients = Array.from({ length: 20 }, () => new Client(app));
  const answers = await Promise.all(
    clients.map((client) => client.login(username, password)),
  );
  assert.deepEqual(
    answers.map((res) => res.status),
    Array(20).fill(200),
  );
});

test('guesses at once for one username: only the limit reaches the service', async (t) => {
  if (service.skipUnlessSteerable(t)) {
    return;
  }
  const app = throttled({ loginLimitPerAccount: LIMIT });
  const calls = await service.count('login');
  const guesses = await Promise.all(
    Array.from({ length: 10 }, () => new Client(app).login(username, wrong)),
  );
  const statuses = guesses.map((res) => res.status).sort();
  assert.deepEqual(statuses, [
    ...Array(LIMIT).fill(401),
    ...Array(10 - LIMIT).fill(429),
  ]);
  assert.equal(await service.count('login'), calls + LIMIT);
});
