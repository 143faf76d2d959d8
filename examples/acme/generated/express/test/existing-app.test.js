'use strict';

/**
 * Dropping the integration into an app that already exists: the app's own
 * session, its own Passport with a strategy of its own, and a POST form
 * route of its own without a CSRF token. Adding acme({ passport }) changes
 * none of that, and the integration still signs its users in inside it.
 */

const assert = require('node:assert/strict');
const { test } = require('node:test');
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const { Strategy: LocalStrategy } = require('passport-local');
const request = require('supertest');
const acme = require('..');
const {
  Client,
  USERS,
  assertUser,
  errorCode,
  optionsFor,
  useService,
} = require('./support');

const service = useService();

/** The app's own users, who sign in with the app's own strategy. */
const OWN_USERS = Object.freeze([
  { id: 'own-1', username: 'grace', name: 'Grace', password: 'own-password' },
]);

/**
 * The app: its session, its Passport (as `require('passport')`), its sign-in
 * and a form route of its own. With `integrate`, the one change: the
 * integration takes the place of `passport.session()`, before the app's
 * serializers.
 */
function existingApp({ integrate }) {
  const app = express();
  const passport = new Passport();
  app.use(
    session({
      secret: 'the app own session secret',
      resave: false,
      saveUninitialized: false,
    }),
  );
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  passport.use(
    new LocalStrategy((username, password, done) => {
      const user = OWN_USERS.find((u) => u.username === username);
      done(null, user?.password === password ? user : false);
    }),
  );
  app.use(passport.initialize());
  if (integrate) {
    const options = { passport, session: false };
    app.use(acme(optionsFor(service, options)));
  } else {
    app.use(passport.session());
  }
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id, done) => {
    done(null, OWN_USERS.find((u) => u.id === id) ?? false);
  });

  app.post('/own/login', passport.authenticate('local'), (req, res) => {
    res.json({ name: req.user.name });
  });
  app.get('/own/me', (req, res) => {
    res.json({ id: req.user?.id ?? null });
  });
  app.post('/notes', (req, res) => {
    res.status(201).json({ note: req.body.note });
  });
  if (integrate) {
    // The app's own sign-in route, with the integration's strategy in the app's Passport.
    const signIn = passport.authenticate('acme');
    app.post('/own/service-login', signIn, (req, res) => {
      res.json({ id: req.user.id });
    });
  }
  return app;
}

/** What the app's own routes answer: a form posted without a token, its own sign-in. */
async function ownBehaviour(app) {
  const agent = request.agent(app);
  const note = await agent.post('/notes').type('form').send({ note: 'hello' });
  const signIn = await agent
    .post('/own/login')
    .send({ username: 'grace', password: 'own-password' });
  const me = await agent.get('/own/me');
  const wrong = await request(app)
    .post('/own/login')
    .send({ username: 'grace', password: 'wrong' });
  return {
    note: [note.status, note.body],
    signIn: [signIn.status, signIn.body],
    me: [me.status, me.body],
    wrong: wrong.status,
  };
}

test("the app's own routes answer the same with the integration as without it", async () => {
  const before = await ownBehaviour(existingApp({ integrate: false }));
  const after = await ownBehaviour(existingApp({ integrate: true }));
  assert.deepEqual(before, {
    note: [201, { note: 'hello' }],
    signIn: [200, { name: 'Grace' }],
    me: [200, { id: 'own-1' }],
    wrong: 401,
  });
  assert.deepEqual(after, before);
});

test("the integration signs its users in inside the app, beside the app's own", async () => {
  const app = existingApp({ integrate: true });
  for (const client of [new Client(app), new Client(app, { browser: true })]) {
    await client.signIn(USERS.user);
    const me = await client.me();
    assert.equal(me.status, 200);
    assertUser(me.body, USERS.user);
    const own = await client.get('/own/me', 'application/json');
    assert.equal(own.body.id, me.body.id);
    const out = await client.logout();
    assert.equal(out.status, client.browser ? 303 : 204);
    assert.equal(await client.signedIn(), false);
  }
  const anonymous = await new Client(app).me();
  assert.equal(errorCode(anonymous), 'unauthorized');
});

test("the integration's strategy works through the app's own Passport", async () => {
  const app = existingApp({ integrate: true });
  const agent = request.agent(app);
  const { username, password } = USERS.user;
  const res = await agent
    .post('/own/service-login')
    .send({ username, password });
  assert.equal(res.status, 200, res.text);
  const me = await agent.get('/auth/me').set('Accept', 'application/json');
  assert.equal(me.status, 200);
  assertUser(me.body, USERS.user);
  const refused = await request(app)
    .post('/own/service-login')
    .send({ username, password: `${password}-wrong` });
  assert.equal(refused.status, 401);
});

test("the app's users pass the integration's guards as signed in", async () => {
  const app = existingApp({ integrate: true });
  app.get('/private', acme.requireLogin(), (req, res) => {
    res.json({ id: req.user.id });
  });
  const agent = request.agent(app);
  await agent
    .post('/own/login')
    .send({ username: 'grace', password: 'own-password' });
  const res = await agent.get('/private').set('Accept', 'application/json');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { id: 'own-1' });
});
