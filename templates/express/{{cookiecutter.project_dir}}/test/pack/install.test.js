'use strict';

/**
 * The package as npm publishes it. `npm pack` makes the tarball; a new app,
 * in a folder of its own outside this package (so that nothing resolves from
 * this package's node_modules), installs it the way a user does; then a
 * CommonJS app and an ES module app each load it, and a user signs in to
 * each against the service.
 *
 * Run with `npm run test:pack` (it installs from npm's cache, or the registry).
 */

const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before, test } = require('node:test');
const { promisify } = require('node:util');
const { SETTINGS } = require('../../lib/config');
const {
  Client,
  USERS,
  assertUser,
  optionsFor,
{%- if cookiecutter.is_oidc %}
  signInThroughProvider,
{%- endif %}
  useService,
} = require('../support');

const run = promisify(execFile);

/** The package's own folder: what `npm pack` packs. */
const ROOT = path.join(__dirname, '..', '..');

/** Milliseconds an app may take to say where it listens. */
const APP_START_TIMEOUT_MS = 20_000;

/** Two apps, as a user writes them: the README's, in CommonJS and as an ES module. */
const APPS = {
  'app.cjs': `'use strict';
const express = require('express');
const {{ cookiecutter.slug }} = require('{{ cookiecutter.package }}');

const app = express();
app.use({{ cookiecutter.slug }}());
app.get('/', {{ cookiecutter.slug }}.requireLogin(), (req, res) => {
  res.json({ username: req.user.username });
});
app.use({{ cookiecutter.slug }}.errorHandler());
const server = app.listen(0, '127.0.0.1', () => {
  console.log(\`listening on \${server.address().port}\`);
});
`,
  'app.mjs': `import express from 'express';
import {{ cookiecutter.slug }}, { errorHandler, requireLogin } from '{{ cookiecutter.package }}';

const app = express();
app.use({{ cookiecutter.slug }}());
app.get('/', requireLogin(), (req, res) => {
  res.json({ username: req.user.username });
});
app.use(errorHandler());
const server = app.listen(0, '127.0.0.1', () => {
  console.log(\`listening on \${server.address().port}\`);
});
`,
};

const service = useService();

/** The temporary folder holding the tarball and the new app. */
let work;
/** What `npm pack --json` says it packed. */
let packed;
/** The new app's folder. */
let appDir;

/** npm, run in `cwd`; on Windows npm is a .cmd, which only a shell runs. */
function npm(args, cwd) {
  return run('npm', args, {
    cwd,
    shell: process.platform === 'win32',
    maxBuffer: 16 * 1024 * 1024,
  });
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-pack-'));
  const { stdout } = await npm(
    ['pack', '--json', '--pack-destination', work],
    ROOT,
  );
  [packed] = JSON.parse(stdout);
  appDir = path.join(work, 'app');
  fs.mkdirSync(appDir);
  fs.writeFileSync(
    path.join(appDir, 'package.json'),
    JSON.stringify({ name: 'new-app', private: true }),
  );
  await npm(
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      path.join(work, packed.filename),
    ],
    appDir,
  );
  for (const [name, source] of Object.entries(APPS)) {
    fs.writeFileSync(path.join(appDir, name), source);
  }
});

after(() => {
  if (work) {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

/**
 * The environment of an app pointed at the service: the variables the
 * README names, filled with the test settings.
 */
function appEnvironment() {
  const options = optionsFor(service);
  const env = { ...process.env, SESSION_SECRET: options.sessionSecret };
  for (const setting of SETTINGS) {
    if (options[setting.option] !== undefined) {
      env[setting.env] = String(options[setting.option]);
    }
  }
  return env;
}

/** Start the app `name` of the new app's folder; resolves to its URL and process. */
async function startApp(name) {
  const child = spawn(process.execPath, [name], {
    cwd: appDir,
    env: appEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not start: ${output}`));
    }, APP_START_TIMEOUT_MS);
    const read = (chunk) => {
      output += chunk;
      const found = /listening on (\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${found[1]}`);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output}`));
    });
  });
  return { url, child };
}

async function stopApp(child) {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

test('the tarball holds the code, types, README and LICENSE, and none of the tests', () => {
  const files = packed.files.map((file) => file.path).sort();
  const code = fs
    .readdirSync(path.join(ROOT, 'lib'))
    .map((name) => `lib/${name}`);
  for (const name of [
    'package.json',
    'README.md',
    'LICENSE',
    'index.js',
    'index.d.ts',
    ...code,
  ]) {
    assert.ok(files.includes(name), `${name} is not in ${files}`);
  }
  const extra = files.filter((name) =>
    /^(test|example|node_modules)\//.test(name),
  );
  assert.deepEqual(extra, []);
});

for (const name of Object.keys(APPS)) {
  test(`a new app (${name}) installs the tarball and signs a user in`, async () => {
    const { url, child } = await startApp(name);
    try {
      const client = new Client(url);
{%- if cookiecutter.is_oidc %}
      const callback = await signInThroughProvider(
        service,
        client,
        url,
        USERS.user,
      );
      assert.equal(callback.status, 200);
{%- else %}
      await client.signIn(USERS.user);
{%- endif %}
      const me = await client.me();
      assert.equal(me.status, 200);
      assertUser(me.body, USERS.user);
      const home = await client.get('/');
      assert.equal(home.status, 200);
      assert.equal(home.body.username, USERS.user.expected.username);
    } finally {
      await stopApp(child);
    }
  });
}
