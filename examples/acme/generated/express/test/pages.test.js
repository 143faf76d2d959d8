'use strict';

/** The pages: finished-looking HTML, branding options, and replacement through `views`. */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');
const express = require('express');
const request = require('supertest');
const acme = require('..');
const { optionsFor, useService } = require('./support');

const service = useService({ reset: false });

function appWith(extra) {
  const app = express();
  app.use(acme(optionsFor(service, extra)));
  return app;
}

test('the login page is accessible HTML with the brand and no external assets', async () => {
  const app = appWith({ brandName: 'Example <Shop>', primaryColor: '#0f766e' });
  const res = await request(app)
    .get('/auth/login?next=/orders')
    .set('Accept', 'text/html');
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/html/);
  assert.equal(res.headers['cache-control'], 'no-store');
  const html = res.text;
  assert.match(html, /<html lang="en">/);
  assert.match(html, /Example &lt;Shop&gt;/);
  assert.match(html, /--primary: #0f766e;/);
  assert.match(html, /<label for="username">/);
  assert.match(html, /name="_csrf" value="[0-9a-f]{64}"/);
  assert.match(html, /name="next" value="\/orders"/);
  assert.doesNotMatch(html, /<(script|link)\b/);
});

test('a logo replaces the brand name', async () => {
  const app = appWith({ logoUrl: 'https://cdn.example/logo.svg' });
  const res = await request(app).get('/auth/login');
  assert.match(res.text, /<img src="https:\/\/cdn.example\/logo.svg" alt="/);
});

test('views replace a page with a function of its locals', async () => {
  const app = appWith({
    views: { login: (locals) => `<p>${locals.title}|${locals.csrf.field}</p>` },
  });
  const res = await request(app).get('/auth/login');
  assert.equal(res.text, '<p>Sign in|_csrf</p>');
});

test("views replace a page with a view of the app's engine", async () => {
  const views = fs.mkdtempSync(path.join(os.tmpdir(), 'views-'));
  fs.writeFileSync(path.join(views, 'my-login.txt'), 'fields: ');
  const app = express();
  app.engine('txt', (file, locals, done) => {
    const names = locals.fields.map((f) => f.name).join(',');
    done(null, fs.readFileSync(file, 'utf8') + names);
  });
  app.set('view engine', 'txt');
  app.set('views', views);
  const options = optionsFor(service, { views: { login: 'my-login' } });
  app.use(acme(options));
  const res = await request(app).get('/auth/login');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'fields: username,password');
  fs.rmSync(views, { recursive: true });
});
