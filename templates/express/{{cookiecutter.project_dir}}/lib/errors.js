'use strict';

/**
 * The errors of the {{ cookiecutter.service_name | jscomment }} integration.
 *
 * Every failure of the service is an {{ cookiecutter.class_name }}Error with a `code` (the error
 * kind, as JSON error bodies name it) and a `status` (the HTTP status the
 * routes answer with). Messages never hold a password, a token or a value a
 * user typed.
 */

const { SERVICE_NAME } = require('./config');

/** Base of every error the service client throws. */
class {{ cookiecutter.class_name }}Error extends Error {
  /**
   * @param {string} message what went wrong, without secrets
   * @param {{ '{{' }} serviceStatus?: number, serviceMessage?: string, cause?: unknown }} [details]
   */
  constructor(message, { serviceStatus, serviceMessage, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    /** The status the service answered with, when it answered. */
    this.serviceStatus = serviceStatus ?? null;
    /**
     * The service's own message for users (a password policy ...), when the
     * spec's rule points at one: show it escaped instead of the default.
     */
    this.serviceMessage = serviceMessage ?? null;
  }

  /** The error kind, as JSON error bodies name it. */
  get code() {
    return 'service_unavailable';
  }

  /** The HTTP status the routes answer with. */
  get status() {
    return 503;
  }
}

/** Wrong username or password; the same for an unknown user. */
class InvalidCredentials extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'invalid_credentials';
  }

  get status() {
    return 401;
  }
}

/** The account exists but the service has disabled it. */
class AccountDisabled extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'account_disabled';
  }

  get status() {
    return 403;
  }
}

/** The service does not know the user (any more). */
class UserNotFound extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'user_not_found';
  }

  get status() {
    return 404;
  }
}

/** The account already exists. */
class Conflict extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'conflict';
  }

  get status() {
    return 409;
  }
}

/** The service rejected the data sent to it. */
class InvalidInput extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'invalid_input';
  }

  get status() {
    return 400;
  }
}

/** The access token has expired: the integration refreshes the session and tries again. */
class Expired extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'expired';
  }

  get status() {
    return 401;
  }
}

/** The token of an emailed link is unknown, malformed or already used. */
class InvalidToken extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'invalid_token';
  }

  get status() {
    return 400;
  }
}

/** The token of an emailed link has expired. */
class ExpiredToken extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'expired_token';
  }

  get status() {
    return 400;
  }
}

/** The new password does not meet the service's password policy. */
class PasswordPolicy extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'password_policy';
  }

  get status() {
    return 422;
  }
}

/** The account's email address is not verified yet, so it may not sign in. */
class Unverified extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'unverified';
  }

  get status() {
    return 403;
  }
}

/**
 * The service is down, slow, or answered something the integration cannot
 * read. The integration fails closed on it: a 503, never a signed-in session.
 */
class ServiceUnavailable extends {{ cookiecutter.class_name }}Error {}

/**
 * The service answered with a status the spec does not expect, and not a
 * 5xx. Sign-in fails closed with a 503, as for an outage; at a refresh the
 * user is signed out, since the service no longer takes the session.
 */
class UnexpectedResponse extends {{ cookiecutter.class_name }}Error {}

/**
 * The service answered, but without something the integration needs, such
 * as a required field of the user record: a 502 `failed`, never a session.
 */
class UnexpectedAnswer extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'failed';
  }

  get status() {
    return 502;
  }
}

{% if cookiecutter.is_oidc -%}
/**
 * The provider's answer at the callback cannot start a session: a state this
 * browser did not send, a code the provider refuses (used twice, say), or an
 * ID token that fails a check (signature, issuer, audience, expiry, nonce).
 */
class SignInFailed extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'sign_in_failed';
  }

  get status() {
    return 400;
  }
}

/** The provider sent the browser back with `error=access_denied`: the user cancelled, or was refused. */
class AccessDenied extends {{ cookiecutter.class_name }}Error {
  get code() {
    return 'access_denied';
  }

  get status() {
    return 400;
  }
}

{% endif -%}
/** An option is missing or invalid; thrown by {{ cookiecutter.slug }}() when the app starts. */
class ConfigurationError extends Error {
  /** @param {string[]} problems one sentence each, naming the option and its variable */
  constructor(problems) {
    super(`${SERVICE_NAME} is not configured: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
    /** Every problem found, so all of them can be fixed at once. */
    this.problems = Object.freeze([...problems]);
  }
}

module.exports = {
  {{ cookiecutter.class_name }}Error,
  InvalidCredentials,
  AccountDisabled,
  UserNotFound,
  Conflict,
  InvalidInput,
  Expired,
  InvalidToken,
  ExpiredToken,
  PasswordPolicy,
  Unverified,
  ServiceUnavailable,
  UnexpectedResponse,
  UnexpectedAnswer,
{%- if cookiecutter.is_oidc %}
  SignInFailed,
  AccessDenied,
{%- endif %}
  ConfigurationError,
};
