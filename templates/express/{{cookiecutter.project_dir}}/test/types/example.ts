// A typed app: `npm run typecheck` (tsc --noEmit -p test/types) checks index.d.ts against it.
import express from 'express';
import passport from 'passport';
import {{ cookiecutter.slug }} = require('../..');

type User = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}User;
{%- if not cookiecutter.is_oidc %}
type Client = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}Client;
{%- endif %}
const ServiceError = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}Error;
const UserClass = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}User;
const {
  requireLogin,
  requireRoles,
  csrfToken,
  csrfProtection,
  errorHandler,
  ConfigurationError,
} = {{ cookiecutter.slug }};

const app = express();
app.use(
  {{ cookiecutter.slug }}({
    sessionSecret: 'a session secret of 16+ characters',
    timeoutSeconds: 5,
{%- if not cookiecutter.is_oidc %}
    loginLimitPerAccount: 10,
    loginLimitPerClient: 100,
    loginLimitWindowSeconds: 600,
{%- endif %}
    brandName: 'Example',
    primaryColor: '#0f766e',
    views: {
{%- if not cookiecutter.is_oidc %}
      login: 'my-login',
{%- endif %}
      error: (locals) => `<p>${locals.message}</p>`,
    },
  }),
);

app.get('/', requireLogin(), (req, res) => {
  const user: User | undefined = req.user;
  const id: string = req.user!.id;
  const roles: readonly string[] = req.user!.roles;
  const admin: boolean = req.user!.is_admin && req.user!.hasRoles('x');
  const fromLocals = res.locals.user;
  const token: string = csrfToken(req);
  res.json({ id, roles, admin, user, fromLocals, token });
});

app.post('/things', csrfProtection(), (req, res) => {
  res.status(204).end();
});

app.get('/admin', requireRoles('admins', 'staff'), (req, res) => {
  res.send('secret');
});

app.use(errorHandler());

try {
  {{ cookiecutter.slug }}({ session: false });
} catch (err) {
  if (err instanceof ConfigurationError) {
    const problems: readonly string[] = err.problems;
    console.log(problems);
  }
}
{% if cookiecutter.is_oidc %}
async function signIn(provider: {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}Provider): Promise<string> {
  try {
    const tokens = { accessToken: 'from-the-session' };
    const { claims } = await provider.currentClaims(tokens, 'someone');
    const user: User = UserClass.fromRecord(claims);
    return user.username;
  } catch (err) {
    if (err instanceof ServiceError) {
      return `${err.code} ${err.status}`;
    }
    throw err;
  }
}
{%- else %}
async function signIn(client: Client): Promise<string> {
  try {
    const session = await client.login('someone', 'secret');
    const record = await client.getUser(session);
    const user: User = UserClass.fromRecord(record);
    return user.username;
  } catch (err) {
    if (err instanceof ServiceError) {
      return `${err.code} ${err.status}`;
    }
    throw err;
  }
}
{%- endif %}

// @ts-expect-error: an unknown option is a type error
{{ cookiecutter.slug }}({ sessionSecrets: 'typo' });

// @ts-expect-error: requireRoles() needs at least one role
requireRoles();

// An app already on Passport: the strategy joins the app's own.
const StrategyClass = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}Strategy;
{%- if cookiecutter.is_oidc %}
const ProviderClass = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}Provider;
{%- else %}
const ClientClass = {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}Client;
{%- endif %}
const secret = 'a session secret of 16+ characters';
const existing = express();
existing.use({{ cookiecutter.slug }}({ passport, sessionSecret: secret }));
existing.post('/sign-in', passport.authenticate('{{ cookiecutter.slug }}'));
{%- if cookiecutter.is_oidc %}
const provider = new ProviderClass({
  issuer: 'http://127.0.0.1:1',
  clientId: 'my-app',
  timeoutMs: 5000,
});
const strategy: passport.Strategy = new StrategyClass(provider);
{%- else %}
const client = new ClientClass({ baseUrl: 'http://127.0.0.1:1' });
const strategy: passport.Strategy = new StrategyClass(client);
{%- endif %}

export { app, existing, signIn, strategy };
