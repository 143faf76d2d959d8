import type {
  ErrorRequestHandler,
  Request,
  RequestHandler,
  Router,
} from 'express';
import type { SessionOptions } from 'express-session';
import type { PassportStatic } from 'passport';
import type { Strategy as LocalStrategy } from 'passport-local';

/**
 * Sign users in to an Express app with Acme Identity: mounts
 * express-session, Passport and the routes; `req.user` becomes the signed-in
 * AcmeUser.
 *
 * @throws {acme.ConfigurationError} naming every missing or invalid option
 */
declare function acme(options?: acme.AcmeOptions): acme.AcmeRouter;

declare namespace acme {
  /** The integration's router, to mount with `app.use()`. */
  interface AcmeRouter extends Router {
    /** Close the Redis client of `redisUrl`, once the server has stopped (a graceful shutdown, tests). */
    close(): Promise<void>;
  }

  /** The options of acme(); each falls back to the environment variable named. */
  interface AcmeOptions {
    /** Root URL of the Acme Identity API (ACME_BASE_URL). */
    baseUrl?: string;
    /** bearer credential for the service (ACME_API_KEY, required, secret). */
    apiKey?: string;
    /** The Acme application this site signs users in to (ACME_APP_ID, required). */
    applicationId?: string;
    /** Seconds to wait for the service before answering 503 (ACME_TIMEOUT). */
    timeoutSeconds?: number;
    /** Seconds the user cached in the session is trusted before the service is asked again (ACME_SESSION_TTL). */
    sessionTtlSeconds?: number;
    /** Failed sign-ins for one username within the window before its sign-ins get 429; 0 (the default) is off (ACME_LOGIN_LIMIT_PER_ACCOUNT). */
    loginLimitPerAccount?: number;
    /** Failed sign-ins from one client address (`req.ip`) within the window before its sign-ins get 429; 0 (the default) is off (ACME_LOGIN_LIMIT_PER_CLIENT). */
    loginLimitPerClient?: number;
    /** Seconds failed sign-ins are counted for, 300 by default (ACME_LOGIN_LIMIT_WINDOW). */
    loginLimitWindowSeconds?: number;
    /** Where the routes live, `/auth` by default; `/` for the root (ACME_ROUTE_PREFIX). */
    routePrefix?: string;
    /** The name at the top of the pages (ACME_BRAND_NAME). */
    brandName?: string;
    /** An image shown instead of the name: an http(s) URL or a path (ACME_LOGO_URL). */
    logoUrl?: string;
    /** Buttons, links and focus rings: a hex colour or a CSS colour name (ACME_PRIMARY_COLOR). */
    primaryColor?: string;
    /** Signs the session cookie: at least 16 characters, or several to rotate them (SESSION_SECRET). */
    sessionSecret?: string | string[];
    /** Keep the sessions in this Redis with connect-redis (npm install connect-redis redis), unless `session.store` is given (ACME_REDIS_URL). */
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
  type PageName =
    | 'login'
    | 'register'
    | 'forgot'
    | 'forgotSent'
    | 'reset'
    | 'resetDone'
    | 'verify'
    | 'verifyDone'
    | 'password'
    | 'passwordChanged'
    | 'error';

  /** A replacement page: a view name for `res.render`, or a function returning HTML. */
  type View = string | ((locals: PageLocals) => string);

  /** What a page is rendered with. */
  interface PageLocals {
    brand: { name: string; logoUrl: string | null; primaryColor: string };
    title: string;
    user: AcmeUser | null;
    links: {
      login: string;
      register: string | null;
      forgot: string | null;
      reset: string;
      verify: string;
      password: string;
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
    /** The pages of an emailed link: its token, null when the link cannot be used. */
    token?: string | null;
    error?: string | null;
    notice?: string | null;
    /** The error page: the status and what went wrong. */
    status?: number;
    message?: string;
  }

  /** A user of Acme Identity: `req.user` and `res.locals.user`, frozen. */
  class AcmeUser {
    /** The service's id for the user. From the field id. */
    readonly id: string;
    /** What the user signs in with. From the field email. */
    readonly username: string;
    /** The user's email address. From the field email. */
    readonly email: string;
    /** Given name. From the field given_name. */
    readonly first_name: string | null;
    /** Family name. From the field family_name. */
    readonly last_name: string | null;
    /** Role names, checked by requireRoles(). */
    readonly roles: readonly string[];
    /** False when the service has disabled the account. */
    readonly active: boolean;
    /** Has a staff role (staff). */
    readonly is_staff: boolean;
    /** Has an admin role (admins). */
    readonly is_admin: boolean;
    /** Read from /profile/firstName in the user record. */
    readonly given_name: string | null;
    /** Read from /profile/lastName in the user record. */
    readonly family_name: string | null;
    /** Read from /groups/* /name in the user record. */
    readonly groups: readonly string[];
    /** Read from /status in the user record. */
    readonly status: 'ACTIVE' | 'LOCKED';
    /** Read from /created in the user record. */
    readonly created: Date | null;
    /** Build the user from the service's user record. */
    static fromRecord(record: Record<string, unknown>): AcmeUser;
    /** Rebuild a user from its JSON, as the session keeps it. */
    static fromJSON(data: Record<string, unknown>): AcmeUser;
    private constructor(data: Record<string, unknown>);
    /** Whether the user has every one of `roles`. */
    hasRoles(...roles: string[]): boolean;
  }

  /** The client of the service's API (the integration makes one from the options). */
  class AcmeClient {
    constructor(options: Record<string, string | number | null>);
    /** Sign a user in; what it returns stays in the server-side session. */
    login(username: string, password: string): Promise<Record<string, string>>;
    /** The signed-in user's record, with what login returned. */
    getUser(session: Record<string, string>): Promise<Record<string, unknown>>;
    /** Create an account. */
    register(input: Record<string, string>): Promise<void>;
    /** Ask the service to send a password reset. */
    forgotPassword(input: Record<string, string>): Promise<void>;
    /** Renew an expired service session; the new one (values the service does not renew are kept). */
    refresh(session: Record<string, string>): Promise<Record<string, string>>;
    /** End the service session at the service. */
    logout(session: Record<string, string>): Promise<void>;
    /** Set a new password with the token from the reset email (`token`, `password`). */
    resetPassword(input: Record<string, string>): Promise<void>;
    /** Change the signed-in user's password (`current_password`, `new_password`). */
    changePassword(
      session: Record<string, string>,
      input: Record<string, string>,
    ): Promise<void>;
    /** Confirm the user's email address with the token from the verification email (`token`). */
    verifyEmail(input: Record<string, string>): Promise<void>;
  }

  /** The Passport strategy `'acme'`: a username and a password, checked by the service. */
  class AcmeStrategy extends LocalStrategy {
    constructor(client: AcmeClient);
  }

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
  class AcmeError extends Error {
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
  class InvalidCredentials extends AcmeError {}
  class AccountDisabled extends AcmeError {}
  class UserNotFound extends AcmeError {}
  class Conflict extends AcmeError {}
  class InvalidInput extends AcmeError {}
  class Expired extends AcmeError {}
  class InvalidToken extends AcmeError {}
  class ExpiredToken extends AcmeError {}
  class PasswordPolicy extends AcmeError {}
  class Unverified extends AcmeError {}
  class ServiceUnavailable extends AcmeError {}
  class UnexpectedResponse extends AcmeError {}
  /** The service answered without something the integration needs (a required field): 502 `failed`. */
  class UnexpectedAnswer extends AcmeError {}
  /** An option is missing or invalid; thrown by acme() when the app starts. */
  class ConfigurationError extends Error {
    readonly problems: readonly string[];
  }
}

declare global {
  namespace Express {
    /** The signed-in user, as Passport puts it on `req.user`. */
    interface User extends acme.AcmeUser {}

    interface Request {
      user?: User;
    }

    interface Locals {
      /** The signed-in user, for views; null when nobody is signed in. */
      user?: acme.AcmeUser | null;
    }
  }
}

export = acme;
