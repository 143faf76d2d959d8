'use strict';

/**
 * The client of the Acme Identity API, on Node's built-in fetch.
 *
 * Each method is the spec's steps written out: one request per step, no
 * interpreter. Every request has a timeout; only GET requests are retried,
 * and only when the connection failed. Anything unexpected fails closed as
 * ServiceUnavailable. Error messages name the step, never a value.
 */

const {
  AccountDisabled,
  Conflict,
  Expired,
  ExpiredToken,
  InvalidCredentials,
  InvalidInput,
  InvalidToken,
  PasswordPolicy,
  ServiceUnavailable,
  UnexpectedResponse,
  Unverified,
  UserNotFound,
} = require('./errors');

const LOGIN_ERRORS = [
  { status: 401, error: InvalidCredentials },
  { status: 403, match: { '/error/code': 'unverified' }, error: Unverified },
  { status: 403, error: AccountDisabled },
  { status: 429, error: ServiceUnavailable },
];
const GET_USER_ERRORS = [
  { status: 401, error: InvalidCredentials },
  { status: 404, error: UserNotFound },
];
const REGISTER_ERRORS = [
  { status: 409, error: Conflict },
  { status: 422, error: InvalidInput },
];
const FORGOT_PASSWORD_ERRORS = [{ status: 404, error: UserNotFound }];
const REFRESH_ERRORS = [{ status: 401, error: InvalidCredentials }];
const LOGOUT_ERRORS = [{ status: 401, error: InvalidCredentials }];
const RESET_PASSWORD_ERRORS = [
  { status: 404, error: InvalidToken },
  { status: 410, error: ExpiredToken },
  { status: 422, error: PasswordPolicy, message: '/error/message' },
];
const CHANGE_PASSWORD_ERRORS = [
  { status: 401, match: { '/error/code': 'token_expired' }, error: Expired },
  { status: 401, error: InvalidCredentials },
  { status: 422, error: PasswordPolicy, message: '/error/message' },
];
const VERIFY_EMAIL_ERRORS = [
  { status: 404, error: InvalidToken },
  { status: 410, error: ExpiredToken },
];

/** How often a GET is tried again when the connection fails, and the pauses before each try. */
const RETRY_DELAYS_MS = Object.freeze([50, 250]);

/** The largest answer read from the service. */
const MAX_BODY_BYTES = 1024 * 1024;

class AcmeClient {
  #options;

  /**
   * @param {object} options the service settings (baseUrl, apiKey, applicationId, timeoutMs)
   */
  constructor(options) {
    this.#options = Object.freeze({ ...options });
  }

  /** Sign a user in; what it returns is kept in the server-side session, never sent to the browser. */
  async login(username, password) {
    // POST /v1/sessions
    const body = await this.#send({
      method: 'POST',
      url: `${this.#options.baseUrl}/v1/sessions`,
      describe: 'POST /v1/sessions',
      json: {
        login: username,
        password,
        application: this.#options.applicationId,
      },
      ok: [201],
      errors: LOGIN_ERRORS,
    });
    const token = text(body, '/token');
    const refreshToken = text(body, '/refresh_token');
    const expiresAt = deadline(body, '/expires_in');
    const userId = text(body, '/user/id');
    return {
      token,
      refresh_token: refreshToken,
      expires_at: expiresAt,
      user_id: userId,
    };
  }

  /** Fetch the signed-in user's record with what login returned. */
  async getUser(session) {
    // GET /v1/users/{session.user_id}
    const body = await this.#send({
      method: 'GET',
      url: `${this.#options.baseUrl}/v1/users/${urlencode(session.user_id)}`,
      describe: 'GET /v1/users/{session.user_id}',
      headers: {
        Authorization: `Bearer ${session.token}`,
      },
      ok: [200],
      errors: GET_USER_ERRORS,
    });
    return record(body, '');
  }

  /** Create an account. */
  async register(input) {
    // POST /v1/users
    await this.#send({
      method: 'POST',
      url: `${this.#options.baseUrl}/v1/users`,
      describe: 'POST /v1/users',
      headers: {
        Authorization: `Bearer ${this.#options.apiKey}`,
      },
      json: {
        email: input.email,
        password: input.password,
        profile: {
          firstName: input.first_name,
          lastName: input.last_name,
        },
        application: this.#options.applicationId,
      },
      ok: [201],
      errors: REGISTER_ERRORS,
    });
  }

  /** Ask the service to send a password reset to the user. */
  async forgotPassword(input) {
    // POST /v1/password-resets
    await this.#send({
      method: 'POST',
      url: `${this.#options.baseUrl}/v1/password-resets`,
      describe: 'POST /v1/password-resets',
      headers: {
        Authorization: `Bearer ${this.#options.apiKey}`,
      },
      json: {
        email: input.email,
      },
      ok: [202],
      errors: FORGOT_PASSWORD_ERRORS,
    });
  }

  /** Renew an expired service session; return the new one (values the service does not renew are kept). */
  async refresh(session) {
    // POST /v1/sessions/refresh
    const body = await this.#send({
      method: 'POST',
      url: `${this.#options.baseUrl}/v1/sessions/refresh`,
      describe: 'POST /v1/sessions/refresh',
      json: {
        refresh_token: session.refresh_token,
      },
      ok: [200],
      errors: REFRESH_ERRORS,
    });
    return {
      token: text(body, '/token'),
      refresh_token: text(body, '/refresh_token'),
      expires_at: deadline(body, '/expires_in'),
      user_id: session.user_id,
    };
  }

  /** End the service session at the service. */
  async logout(session) {
    // DELETE /v1/sessions/current
    await this.#send({
      method: 'DELETE',
      url: `${this.#options.baseUrl}/v1/sessions/current`,
      describe: 'DELETE /v1/sessions/current',
      headers: {
        Authorization: `Bearer ${session.token}`,
      },
      ok: [204],
      errors: LOGOUT_ERRORS,
    });
  }

  /** Set a new password with the token from the password reset email; signs nobody in. */
  async resetPassword(input) {
    // POST /v1/password-resets/{input.token}
    await this.#send({
      method: 'POST',
      url: `${this.#options.baseUrl}/v1/password-resets/${urlencode(input.token)}`,
      describe: 'POST /v1/password-resets/{input.token}',
      headers: {
        Authorization: `Bearer ${this.#options.apiKey}`,
      },
      json: {
        password: input.password,
      },
      ok: [204],
      errors: RESET_PASSWORD_ERRORS,
    });
  }

  /** Change the signed-in user's password; the user must give the current one. */
  async changePassword(session, input) {
    // POST /v1/users/{session.user_id}/password
    await this.#send({
      method: 'POST',
      url: `${this.#options.baseUrl}/v1/users/${urlencode(session.user_id)}/password`,
      describe: 'POST /v1/users/{session.user_id}/password',
      headers: {
        Authorization: `Bearer ${session.token}`,
      },
      json: {
        current_password: input.current_password,
        new_password: input.new_password,
      },
      ok: [204],
      errors: CHANGE_PASSWORD_ERRORS,
    });
  }

  /** Confirm the user's email address with the token from the verification email. */
  async verifyEmail(input) {
    // POST /v1/email-verifications/{input.token}
    await this.#send({
      method: 'POST',
      url: `${this.#options.baseUrl}/v1/email-verifications/${urlencode(input.token)}`,
      describe: 'POST /v1/email-verifications/{input.token}',
      headers: {
        Authorization: `Bearer ${this.#options.apiKey}`,
      },
      ok: [204],
      errors: VERIFY_EMAIL_ERRORS,
    });
  }

  /**
   * Send one request; return its JSON body, or throw the error its status maps to.
   *
   * @throws {AcmeError}
   */
  async #send({
    method,
    url,
    describe,
    query,
    headers,
    json,
    form,
    ok,
    errors,
  }) {
    let target;
    try {
      target = new URL(url);
    } catch {
      throw new ServiceUnavailable(`${describe}: not a valid URL`);
    }
    for (const [name, value] of Object.entries(query ?? {})) {
      target.searchParams.append(name, value);
    }
    const init = {
      method,
      headers: { Accept: 'application/json', ...headers },
      redirect: 'manual',
    };
    if (json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    } else if (form !== undefined) {
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(form).toString();
    }
    const response = await this.#fetch(target, init, describe);
    const body = parse(response.text);
    if (ok.includes(response.status)) {
      return body;
    }
    const rule = errors.find(
      (r) => r.status === response.status && matches(body, r.match),
    );
    const message = `${describe} answered ${response.status}`;
    if (rule) {
      throw new rule.error(message, {
        serviceStatus: response.status,
        serviceMessage:
          rule.message === undefined
            ? undefined
            : serviceMessage(body, rule.message),
      });
    }
    const Unexpected =
      response.status >= 500 ? ServiceUnavailable : UnexpectedResponse;
    throw new Unexpected(`${message}, which the spec does not expect`, {
      serviceStatus: response.status,
    });
  }

  /** Fetch with a timeout; retry a GET whose connection failed. */
  async #fetch(target, init, describe) {
    const attempts = init.method === 'GET' ? RETRY_DELAYS_MS.length + 1 : 1;
    for (let attempt = 1; ; attempt += 1) {
      const signal = AbortSignal.timeout(this.#options.timeoutMs);
      try {
        const response = await fetch(target, { ...init, signal });
        const text = await readText(response, signal);
        return { status: response.status, text };
      } catch (err) {
        if (err instanceof ServiceUnavailable) {
          throw err;
        }
        if (err?.name === 'TimeoutError' || signal.aborted) {
          throw new ServiceUnavailable(
            `${describe} did not answer within ${this.#options.timeoutMs} ms`,
            { cause: err },
          );
        }
        if (attempt >= attempts) {
          throw new ServiceUnavailable(`${describe} failed: ${reason(err)}`, {
            cause: err,
          });
        }
        await sleep(RETRY_DELAYS_MS[attempt - 1]);
      }
    }
  }
}

/** Read a response's body as text, refusing one larger than MAX_BODY_BYTES. */
async function readText(response, signal) {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new ServiceUnavailable(
      'the service sent an answer too large to read',
    );
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new ServiceUnavailable(
        'the service sent an answer too large to read',
      );
    }
    chunks.push(chunk);
    signal.throwIfAborted();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON in `text`, or null when it is not JSON: reading a value from it then fails closed. */
function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Whether `body` holds every value of `match` at its JSON pointer. */
function matches(body, match) {
  if (match === undefined) {
    return true;
  }
  return Object.entries(match).every(
    ([pointer, expected]) => lookup(body, pointer) === expected,
  );
}

/** The value at a JSON pointer, or undefined. */
function lookup(doc, pointer) {
  let current = doc;
  for (const raw of pointer === '' ? [] : pointer.split('/').slice(1)) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (
      current === null ||
      typeof current !== 'object' ||
      !Object.hasOwn(current, token)
    ) {
      return undefined;
    }
    current = current[token];
  }
  return current;
}

/** The text at a JSON pointer of an answer: a token, an id, a link. */
function text(body, pointer) {
  const value = lookup(body, pointer);
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  throw new ServiceUnavailable(
    `the service's answer has no value at ${pointer || '/'}`,
  );
}

/** The user record at a JSON pointer of an answer. */
function record(body, pointer) {
  const value = lookup(body, pointer);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ServiceUnavailable(
      `the service's answer has no user record at ${pointer || '/'}`,
    );
  }
  return value;
}

/**
 * The deadline of an access token that lives `expires_in` seconds (at a JSON
 * pointer of an answer), in epoch seconds, as text. It comes a little early (up
 * to 5 seconds, a tenth of short lifetimes), so that no request sets out with a
 * token about to expire.
 */
function deadline(body, pointer) {
  const value = lookup(body, pointer);
  const seconds =
    typeof value === 'number' ||
    (typeof value === 'string' && value.trim() !== '')
      ? Number(value)
      : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ServiceUnavailable(
      `the service's answer has no lifetime in seconds at ${pointer || '/'}`,
    );
  }
  const now = Date.now() / 1000;
  return String(Math.floor(now + seconds - Math.min(5, seconds / 10)));
}

/** The service's own message for users at a JSON pointer of an error answer, at most 300 characters. */
function serviceMessage(body, pointer) {
  const value = lookup(body, pointer);
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  return value.trim().slice(0, 300);
}

/** Percent-encode text for a URL path segment, a query or a form. */
function urlencode(value) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Why a connection failed, without the URL (which may hold an id). */
function reason(err) {
  const cause = err?.cause;
  return cause?.code ?? cause?.message ?? err?.message ?? 'unknown error';
}

function sleep(ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

module.exports = { AcmeClient };
