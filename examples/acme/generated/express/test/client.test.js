'use strict';

/** The client of the service: timeouts, retries of GETs only, typed errors. */

const assert = require('node:assert/strict');
const { after, before, beforeEach, test } = require('node:test');
const acme = require('..');
const { Fake, optionsFor } = require('./support');

const { InvalidCredentials, ServiceUnavailable } = acme;
const ServiceClient = acme.AcmeClient;
const ServiceError = acme.AcmeError;
const User = acme.AcmeUser;

let fake;
let users;

/** Sign the plain user in with a client of the fake. */
function signIn(timeoutSeconds) {
  return client(timeoutSeconds).login(users.user.username, users.user.password);
}

/** A client of the fake, configured as the integration configures it. */
function client(timeoutSeconds = 2) {
  const { sessionSecret, logger, ...service } = optionsFor(fake);
  return new ServiceClient({ ...service, timeoutMs: timeoutSeconds * 1000 });
}

before(async () => {
  fake = await Fake.start();
  users = await fake.users();
});

after(async () => {
  await fake?.stop();
});

beforeEach(async () => {
  await fake.reset();
});

test('login and getUser return what the service knows', async () => {
  const service = await signIn();
  const record = await client().getUser(service);
  const user = User.fromRecord(record);
  assert.equal(user.id, users.user.expected.id);
  assert.equal(user.username, users.user.expected.username);
});

test('a wrong password is InvalidCredentials, with its code and status', async () => {
  await assert.rejects(
    client().login(users.user.username, 'wrong'),
    (err) =>
      err instanceof InvalidCredentials &&
      err instanceof ServiceError &&
      err.code === 'invalid_credentials' &&
      err.status === 401 &&
      !err.message.includes('wrong'),
  );
});

test('a 5xx is ServiceUnavailable', async () => {
  await fake.fault('login', { status: 503 });
  await assert.rejects(
    signIn(),
    (err) => err instanceof ServiceUnavailable && err.serviceStatus === 503,
  );
});

test('a slow service times out as ServiceUnavailable', async () => {
  await fake.fault('login', { delay: 1.5, times: 1 });
  const started = Date.now();
  await assert.rejects(
    signIn(0.3),
    (err) =>
      err instanceof ServiceUnavailable && /did not answer/.test(err.message),
  );
  assert.ok(Date.now() - started < 1400, 'gave up at the timeout');
});

test('a dropped connection is retried for a GET, never for a POST', async () => {
  const service = await signIn();
  await fake.fault('get_user', { drop: true, times: 1 });
  const before = await fake.count('get_user');
  await client().getUser(service);
  const tries = (await fake.count('get_user')) - before;
  assert.equal(tries, 2, 'the GET was tried again');

  await fake.fault('login', { drop: true, times: 1 });
  const logins = await fake.count('login');
  await assert.rejects(signIn(), ServiceUnavailable);
  const posts = (await fake.count('login')) - logins;
  assert.equal(posts, 1, 'the POST was not');
});

test('an answer that is not what the spec describes fails closed', async () => {
  await fake.fault('get_user', { body: 'not json' });
  const service = await signIn();
  await assert.rejects(client().getUser(service), ServiceUnavailable);
});
