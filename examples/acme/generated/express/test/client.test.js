'use strict';

/** The client of the service: timeouts, retries of GETs only, typed errors. */

const assert = require('node:assert/strict');
const { test } = require('node:test');
const acme = require('..');
const {
  SERVICE_TIMEOUT_SECONDS,
  USERS,
  assertUser,
  optionsFor,
  useService,
} = require('./support');

const { InvalidCredentials, ServiceUnavailable } = acme;
const ServiceClient = acme.AcmeClient;
const ServiceError = acme.AcmeError;
const User = acme.AcmeUser;

const service = useService();

/** Sign the plain user in with a client of the service. */
function signIn(timeoutSeconds) {
  return client(timeoutSeconds).login(USERS.user.username, USERS.user.password);
}

/** A client of the service, configured as the integration configures it. */
function client(timeoutSeconds = 2 * SERVICE_TIMEOUT_SECONDS) {
  const { sessionSecret, logger, ...options } = optionsFor(service);
  return new ServiceClient({ ...options, timeoutMs: timeoutSeconds * 1000 });
}

test('login and getUser return what the service knows', async () => {
  const session = await signIn();
  const record = await client().getUser(session);
  const user = User.fromRecord(record);
  assertUser(user, USERS.user);
});

test('a wrong password is InvalidCredentials, with its code and status', async () => {
  await assert.rejects(
    client().login(USERS.user.username, 'wrong'),
    (err) =>
      err instanceof InvalidCredentials &&
      err instanceof ServiceError &&
      err.code === 'invalid_credentials' &&
      err.status === 401 &&
      !err.message.includes('wrong'),
  );
});

test('a 5xx is ServiceUnavailable', async (t) => {
  if (service.skipUnlessSteerable(t)) {
    return;
  }
  await service.fault('login', { status: 503 });
  await assert.rejects(
    signIn(),
    (err) => err instanceof ServiceUnavailable && err.serviceStatus === 503,
  );
});

test('a slow service times out as ServiceUnavailable', async (t) => {
  if (service.skipUnlessSteerable(t)) {
    return;
  }
  await service.fault('login', { delay: 1.5, times: 1 });
  const started = Date.now();
  await assert.rejects(
    signIn(0.3),
    (err) =>
      err instanceof ServiceUnavailable && /did not answer/.test(err.message),
  );
  assert.ok(Date.now() - started < 1400, 'gave up at the timeout');
});

test('a dropped connection is retried for a GET, never for a POST', async (t) => {
  if (service.skipUnlessSteerable(t)) {
    return;
  }
  const session = await signIn();
  await service.fault('get_user', { drop: true, times: 1 });
  const before = await service.count('get_user');
  await client().getUser(session);
  const tries = (await service.count('get_user')) - before;
  assert.equal(tries, 2, 'the GET was tried again');

  await service.fault('login', { drop: true, times: 1 });
  const logins = await service.count('login');
  await assert.rejects(signIn(), ServiceUnavailable);
  const posts = (await service.count('login')) - logins;
  assert.equal(posts, 1, 'the POST was not');
});

test('an answer that is not what the spec describes fails closed', async (t) => {
  if (service.skipUnlessSteerable(t)) {
    return;
  }
  await service.fault('get_user', { body: 'not json' });
  const session = await signIn();
  await assert.rejects(client().getUser(session), ServiceUnavailable);
});
