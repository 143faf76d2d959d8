import type {
  ErrorRequestHandler,
  Request,
  RequestHandler,
  Router,
} from 'express';
import type { SessionOptions } from 'express-session';
import type { PassportStatic } from 'passport';
{%- if cookiecutter.is_oidc %}
import type { Strategy as PassportStrategy } from 'passport-strategy';
{%- else %}
import type { Strategy as LocalStrategy } from 'passport-local';
{%- endif %}

/**
 * Sign users in to an Express app with {{ cookiecutter.service_name | jscomment }}: mounts
 * express-session, Passport and the routes; `req.user` becomes the signed-in
 * {{ cookiecutter.class_name }}User.
 *
 * @throws {{ '{' }}{{ cookiecutter.slug }}.ConfigurationError} naming every missing or invalid option
 */
{{ [("options?: " ~ cookiecutter.slug ~ "." ~ cookiecutter.class_name ~ "Options")] | tssignature("declare function " ~ cookiecutter.slug, cookiecutter.slug ~ "." ~ cookiecutter.class_name ~ "Router") }}

declare namespace {{ cookiecutter.slug }} {
  /** The integration's router, to mount with `app.use()`. */
  interface {{ cookiecutter.class_name }}Router extends Router {
    /** Close the Redis client of `redisUrl`, once the server has stopped (a graceful shutdown, tests). */
    close(): Promise<void>;
  }

  /** The options of {{ cookiecutter.slug }}(); each falls back to the environment variable named. */
  interface {{ cookiecutter.class_name }}Options {
{%- for s in cookiecutter.settings %}
    /** {{ s.description | jscomment }} ({{ s.env }}{% if s.required %}, required{% endif %}{% if s.secret %}, secret{% endif %}). */
    {{ s.option }}?: string;
{%- endfor %}
    /** Seconds to wait for the service before answering 503 ({{ cookiecutter.config_prefix }}_TIMEOUT). */
    timeoutSeconds?: number;
    /** Seconds the user cached in the session is trusted before the service is asked again ({{ cookiecutter.config_prefix }}_SESSION_TTL). */
    sessionTtlSeconds?: number;
{%- if not cookiecutter.is_oidc %}
    /** Failed sign-ins for one username within the window before its sign-ins get 429; 0 (the default) is off ({{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT). */
    loginLimitPerAccount?: number;
    /** Failed sign-ins from one client address (`req.ip`) within the window before its sign-ins get 429; 0 (the default) is off ({{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT). */
    loginLimitPerClient?: number;
    /** Seconds failed sign-ins are counted for, 300 by default ({{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW). */
    loginLimitWindowSeconds?: number;
{%- endif %}
    /** Where the routes live, `/auth` by default; `/` for the root ({{ cookiecutter.config_prefix }}_ROUTE_PREFIX). */
    routePrefix?: string;
    /** The name at the top of the pages ({{ cookiecutter.config_prefix }}_BRAND_NAME). */
    brandName?: string;
    /** An image shown instead of the name: an http(s) URL or a path ({{ cookiecutter.config_prefix }}_LOGO_URL). */
    logoUrl?: string;
    /** Buttons, links and focus rings: a hex colour or a CSS colour name ({{ cookiecutter.config_prefix }}_PRIMARY_COLOR). */
    primaryColor?: string;
    /** Signs the session cookie: at least 16 characters, or several to rotate them (SESSION_SECRET). */
    sessionSecret?: string | string[];
    /** Keep the sessions in this Redis with connect-redis (npm install connect-redis redis), unless `session.store` is given ({{ cookiecutter.config_prefix }}_REDIS_URL). */
    redisUrl?: string;
    /** More express-session options (a `store` for production), or false when the app mounts its own session middleware. */
    session?: false | Omit<SessionOptions, 'secret'>;
    /** The app's own Passport: the integration's strategy and serializers join the app's. */
    passport?: PassportStatic;
    /** Pages to replace: a view name for `res.render`, or a function of the page's locals. */
    views?: Partial<Record<PageName, View>>;
    /** Where warnings go (the service failing): `console` by default. */
    logger?: { warn(message: string): void };
  }

  /** The pages the `views` option can replace. */
{%- if cookiecutter.is_oidc %}
  type PageName = 'error';
{%- elif not (cookiecutter.account_pages) %}
  type PageName = 'login' | 'register' | 'forgot' | 'forgotSent' | 'error';
{%- else %}
  type PageName =
    | 'login'
    | 'register'
    | 'forgot'
    | 'forgotSent'
{%- if cookiecutter.has_reset_password %}
    | 'reset'
    | 'resetDone'
{%- endif %}
{%- if cookiecutter.has_verify_email %}
    | 'verify'
    | 'verifyDone'
{%- endif %}
{%- if cookiecutter.has_change_password %}
    | 'password'
    | 'passwordChanged'
{%- endif %}
    | 'error';
{%- endif %}

  /** A replacement page: a view name for `res.render`, or a function returning HTML. */
  type View = string | ((locals: PageLocals) => string);

  /** What a page is rendered with. */
  interface PageLocals {
    brand: { name: string; logoUrl: string | null; primaryColor: string };
    title: string;
    user: {{ cookiecutter.class_name }}User | null;
    links: {
      login: string;
      register: string | null;
      forgot: string | null;
{%- if cookiecutter.has_reset_password %}
      reset: string;
{%- endif %}
{%- if cookiecutter.has_verify_email %}
      verify: string;
{%- endif %}
{%- if cookiecutter.has_change_password %}
      password: string;
{%- endif %}
    };
    csrf: { field: string; token: string };
    /** Form pages: where the form posts, its fields, the page to go to after sign-in. */
    action?: string;
    fields?: Array<{
      name: string;
      label: string;
      type: string;
      autocomplete: string;
      value: string;
    }>;
    next?: string | null;
{%- if cookiecutter.email_links %}
    /** The pages of an emailed link: its token, null when the link cannot be used. */
    token?: string | null;
{%- endif %}
    error?: string | null;
    notice?: string | null;
    /** The error page: the status and what went wrong. */
    status?: number;
    message?: string;
  }

  /** A user of {{ cookiecutter.service_name | jscomment }}: `req.user` and `res.locals.user`, frozen. */
  class {{ cookiecutter.class_name }}User {
{{ cookiecutter.ts_user }}
    /** Build the user from the service's user record. */
{{ ["record: Record<string, unknown>"] | tssignature("static fromRecord", cookiecutter.class_name ~ "User", 4) }}
    /** Rebuild a user from its JSON, as the session keeps it. */
{{ ["data: Record<string, unknown>"] | tssignature("static fromJSON", cookiecutter.class_name ~ "User", 4) }}
    private constructor(data: Record<string, unknown>);
    /** Whether the user has every one of `roles`. */
    hasRoles(...roles: string[]): boolean;
  }
{% if cookiecutter.is_oidc %}
  /** The provider's tokens, as the server-side session keeps them. */
  interface {{ cookiecutter.class_name }}Tokens {
    accessToken: string;
    refreshToken?: string;
    idToken?: string;
    /** When the access token expires, in milliseconds since the epoch. */
    expiresAt?: number;
  }

  /** {{ cookiecutter.service_name | jscomment }} as an OpenID provider, through openid-client (the integration makes one from the options). */
  class {{ cookiecutter.class_name }}Provider {
    constructor(service: {
      issuer: string;
      clientId: string;
      clientSecret?: string | null;
      timeoutMs: number;
    });
    /** Userinfo's claims for `tokens`, refreshed first when the access token has expired. */
    currentClaims(
      tokens: {{ cookiecutter.class_name }}Tokens,
      subject: string,
    ): Promise<{ tokens: {{ cookiecutter.class_name }}Tokens; claims: Record<string, unknown> }>;
  }

  /** The Passport strategy `'{{ cookiecutter.slug }}'`: OpenID Connect's authorization-code flow with PKCE. */
  class {{ cookiecutter.class_name }}Strategy extends PassportStrategy {
    constructor(provider: {{ cookiecutter.class_name }}Provider);
  }
{%- else %}
  /** The client of the service's API (the integration makes one from the options). */
  class {{ cookiecutter.class_name }}Client {
    constructor(options: Record<string, string | number | null>);
    /** Sign a user in; what it returns stays in the server-side session. */
    login(username: string, password: string): Promise<Record<string, string>>;
    /** The signed-in user's record, with what login returned. */
    getUser(session: Record<string, string>): Promise<Record<string, unknown>>;
{%- if cookiecutter.has_register %}
    /** Create an account. */
    register(input: Record<string, string>): Promise<void>;
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
    /** Ask the service to send a password reset. */
    forgotPassword(input: Record<string, string>): Promise<void>;
{%- endif %}
{%- if cookiecutter.has_refresh %}
    /** Renew an expired service session; the new one (values the service does not renew are kept). */
    refresh(session: Record<string, string>): Promise<Record<string, string>>;
{%- endif %}
{%- if cookiecutter.has_logout %}
    /** End the service session at the service. */
    logout(session: Record<string, string>): Promise<void>;
{%- endif %}
{%- if cookiecutter.has_reset_password %}
    /** Set a new password with the token from the reset email (`token`, `password`). */
    resetPassword(input: Record<string, string>): Promise<void>;
{%- endif %}
{%- if cookiecutter.has_change_password %}
    /** Change the signed-in user's password (`current_password`, `new_password`). */
    changePassword(
      session: Record<string, string>,
      input: Record<string, string>,
    ): Promise<void>;
{%- endif %}
{%- if cookiecutter.has_verify_email %}
    /** Confirm the user's email address with the token from the verification email (`token`). */
    verifyEmail(input: Record<string, string>): Promise<void>;
{%- endif %}
  }

  /** The Passport strategy `'{{ cookiecutter.slug }}'`: a username and a password, checked by the service. */
  class {{ cookiecutter.class_name }}Strategy extends LocalStrategy {
    constructor(client: {{ cookiecutter.class_name }}Client);
  }
{%- endif %}

  /** A guard: only signed-in users get through (401 for API clients, the login page for browsers). */
  function requireLogin(): RequestHandler;
  /** A guard: only signed-in users with every one of `roles` get through (403 otherwise). */
  function requireRoles(...roles: [string, ...string[]]): RequestHandler;
  /** The CSRF token of the request's session, for the app's own forms and API clients. */
  function csrfToken(req: Request): string;
  /** A guard for the app's own state-changing routes: 403 without the session's CSRF token. */
  function csrfProtection(): RequestHandler;
  /** The app's last error handler: the JSON error shape or a short page, never a stack trace; errors logged. */
  function errorHandler(): ErrorRequestHandler;

  /** Base of the errors of the service client. */
  class {{ cookiecutter.class_name }}Error extends Error {
    constructor(
      message: string,
      details?: {
        serviceStatus?: number;
        serviceMessage?: string;
        cause?: unknown;
      },
    );
    /** The error kind, as JSON error bodies name it. */
    readonly code: string;
    /** The HTTP status the routes answer with. */
    readonly status: number;
    /** The status the service answered with, when it answered. */
    readonly serviceStatus: number | null;
    /** The service's own message for users (a password policy ...), when the spec points at one. */
    readonly serviceMessage: string | null;
  }
  class InvalidCredentials extends {{ cookiecutter.class_name }}Error {}
  class AccountDisabled extends {{ cookiecutter.class_name }}Error {}
  class UserNotFound extends {{ cookiecutter.class_name }}Error {}
  class Conflict extends {{ cookiecutter.class_name }}Error {}
  class InvalidInput extends {{ cookiecutter.class_name }}Error {}
  class Expired extends {{ cookiecutter.class_name }}Error {}
  class InvalidToken extends {{ cookiecutter.class_name }}Error {}
  class ExpiredToken extends {{ cookiecutter.class_name }}Error {}
  class PasswordPolicy extends {{ cookiecutter.class_name }}Error {}
  class Unverified extends {{ cookiecutter.class_name }}Error {}
  class ServiceUnavailable extends {{ cookiecutter.class_name }}Error {}
  class UnexpectedResponse extends {{ cookiecutter.class_name }}Error {}
  /** The service answered without something the integration needs (a required field): 502 `failed`. */
  class UnexpectedAnswer extends {{ cookiecutter.class_name }}Error {}
{%- if cookiecutter.is_oidc %}
  /** The callback starts no session: a wrong state, a refused code, an ID token that fails a check (400). */
  class SignInFailed extends {{ cookiecutter.class_name }}Error {}
  /** The provider answered the sign-in with `error=access_denied` (400). */
  class AccessDenied extends {{ cookiecutter.class_name }}Error {}
{%- endif %}
  /** An option is missing or invalid; thrown by {{ cookiecutter.slug }}() when the app starts. */
  class ConfigurationError extends Error {
    readonly problems: readonly string[];
  }
}

declare global {
  namespace Express {
    /** The signed-in user, as Passport puts it on `req.user`. */
    interface User extends {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}User {}

    interface Request {
      user?: User;
    }

    interface Locals {
      /** The signed-in user, for views; null when nobody is signed in. */
      user?: {{ cookiecutter.slug }}.{{ cookiecutter.class_name }}User | null;
    }
  }
}

export = {{ cookiecutter.slug }};
