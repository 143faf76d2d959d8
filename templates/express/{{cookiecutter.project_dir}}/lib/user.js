'use strict';

/**
 * The signed-in user, as {{ cookiecutter.service_name | jscomment }} describes it.
 *
 * `req.user` is a frozen {{ cookiecutter.class_name }}User: the canonical properties every
 * integration has (id, username, email, names, roles, active, is_staff,
 * is_admin), then every field of the service's user record, typed. Its JSON
 * is what `/auth/me` answers.
 */

const { ServiceUnavailable, UnexpectedAnswer } = require('./errors');

/** Roles that make a user an administrator (`is_admin`). */
{{ cookiecutter.user_code.admin_roles }}

/** Roles that make a user staff (`is_staff`). */
{{ cookiecutter.user_code.staff_roles }}

/** The service's fields the user has besides the canonical properties. */
{{ cookiecutter.user_code.field_names }}

/** The fields that are dates, kept as ISO 8601 text in the session. */
{{ cookiecutter.user_code.date_fields }}

/** Marks a field that may be missing from the record (it is then null). */
const OPTIONAL = true;

class {{ cookiecutter.class_name }}User {
  /**
   * Build the user from the service's user record.
   *
   * @param {object} record the user record get_user returned
   * @returns {{ '{' }}{{ cookiecutter.class_name }}User}
   * @throws {UnexpectedAnswer} when a required field is missing or null
   * @throws {ServiceUnavailable} when a field has the wrong type
   */
  static fromRecord(record) {
{{ cookiecutter.user_code.read_fields }}
{{ cookiecutter.user_code.build }}
  }

  /**
   * Rebuild a user cached in the session from its JSON.
   *
   * @param {object} data what `JSON.stringify(user)` wrote
   * @returns {{ '{' }}{{ cookiecutter.class_name }}User}
   */
  static fromJSON(data) {
    const copy = { ...data };
    for (const name of DATE_FIELDS) {
      copy[name] = copy[name] === null ? null : new Date(copy[name]);
    }
    return new {{ cookiecutter.class_name }}User(copy);
  }

  /** @param {object} data every property, as fromRecord and fromJSON assemble them */
  constructor(data) {
    const roles = Object.freeze([...data.roles]);
    this.id = data.id;
    this.username = data.username;
    this.email = data.email;
    this.first_name = data.first_name;
    this.last_name = data.last_name;
    this.roles = roles;
    this.active = data.active;
    this.is_staff = roles.some((role) => STAFF_ROLES.includes(role));
    this.is_admin = roles.some((role) => ADMIN_ROLES.includes(role));
    for (const name of FIELDS) {
      const value = data[name];
      this[name] = Array.isArray(value) ? Object.freeze([...value]) : value;
    }
    Object.freeze(this);
  }

  /**
   * Whether the user has every one of `roles`.
   *
   * @param {...string} roles
   * @returns {boolean}
   */
  hasRoles(...roles) {
    return roles.every((role) => this.roles.includes(role));
  }
{%- if "dateTime" in cookiecutter.converters %}

  /**
   * The user as JSON, for `/auth/me` and the session: date-times as ISO 8601
   * in UTC to the second (`2024-03-05T09:30:00+00:00`), the way every authgen
   * integration writes them.
   */
  toJSON() {
    const data = { ...this };
    for (const name of DATE_FIELDS) {
      data[name] = data[name] === null ? null : isoDateTime(data[name]);
    }
    return data;
  }
{%- endif %}
}

/**
 * Read the value of a field at its JSON pointer (`*` maps over an array) and
 * convert it.
 *
 * @throws {UnexpectedAnswer} when a required field is missing or null
 * @throws {ServiceUnavailable} when the value has the wrong type
 */
function read(record, field, pointer, convert, optional = false) {
  const value = resolve(
    record,
    pointer === '' ? [] : pointer.split('/').slice(1),
  );
  if (value === MISSING || value === null) {
    if (optional) {
      return null;
    }
    throw new UnexpectedAnswer(
      `get_user: field '${field}' (${pointer || '/'}) is missing or null`,
    );
  }
  try {
    return convert(value);
  } catch (err) {
    throw new ServiceUnavailable(
      `the user record has a wrong value at ${pointer}: ${err.message}`,
    );
  }
}

const MISSING = Symbol('missing');

function resolve(doc, tokens) {
  let current = doc;
  for (const [index, raw] of tokens.entries()) {
{%- if "where" in cookiecutter.converters %}
    if (raw === '*' || raw.startsWith('*[')) {
      if (!Array.isArray(current)) {
        return MISSING;
      }
      const rest = tokens.slice(index + 1);
      const kept =
        raw === '*' ? current : current.filter((item) => passes(item, raw));
      const items = kept.map((item) => resolve(item, rest));
      return items.includes(MISSING) ? MISSING : items;
    }
{%- else %}
    if (raw === '*') {
      if (!Array.isArray(current)) {
        return MISSING;
      }
      const rest = tokens.slice(index + 1);
      const items = current.map((item) => resolve(item, rest));
      return items.includes(MISSING) ? MISSING : items;
    }
{%- endif %}
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current) && /^(?:0|[1-9][0-9]*)$/.test(token)) {
      current =
        Number(token) < current.length ? current[Number(token)] : MISSING;
    } else if (
      current !== null &&
      typeof current === 'object' &&
      Object.hasOwn(current, token)
    ) {
      current = current[token];
    } else {
      return MISSING;
    }
    if (current === MISSING) {
      return MISSING;
    }
  }
  return current;
}
{%- if "where" in cookiecutter.converters %}

/**
 * Whether an array element passes a `*[member=value]` filter: its member is
 * exactly that text (a number or null never is).
 */
function passes(item, token) {
  const unescape = (part) => part.replaceAll('~1', '/').replaceAll('~0', '~');
  const split = token.indexOf('=');
  const member = unescape(token.slice(2, split));
  const value = unescape(token.slice(split + 1, -1));
  return (
    item !== null &&
    typeof item === 'object' &&
    Object.hasOwn(item, member) &&
    typeof item[member] === 'string' &&
    item[member] === value
  );
}
{%- endif %}
{%- if "string" in cookiecutter.converters %}

function string(value) {
  if (typeof value === 'string') {
    return value;
  }
  if (Number.isInteger(value)) {
    return String(value);
  }
  throw new TypeError(`expected text, got ${typeof value}`);
}
{%- endif %}
{%- if "lastSegment" in cookiecutter.converters %}

/** The text after the last `/`: the id at the end of an href. */
function lastSegment(value) {
  const text = string(value);
  return text.slice(text.lastIndexOf('/') + 1);
}
{%- endif %}
{%- if "integer" in cookiecutter.converters %}

function integer(value) {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (!Number.isSafeInteger(number)) {
    throw new TypeError(`expected an integer, got ${typeof value}`);
  }
  return number;
}
{%- endif %}
{%- if "number" in cookiecutter.converters %}

function number(value) {
  const result = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof result !== 'number' || !Number.isFinite(result)) {
    throw new TypeError(`expected a number, got ${typeof value}`);
  }
  return result;
}
{%- endif %}
{%- if "boolean" in cookiecutter.converters %}

function boolean(value) {
  if (typeof value !== 'boolean') {
    throw new TypeError(`expected true or false, got ${typeof value}`);
  }
  return value;
}
{%- endif %}
{%- if "strings" in cookiecutter.converters %}

function strings(value) {
  if (!Array.isArray(value)) {
    throw new TypeError(`expected an array, got ${typeof value}`);
  }
  return value.map(string);
}
{%- endif %}
{%- if "oneOf" in cookiecutter.converters %}

function oneOf(...values) {
  return (value) => {
    const text = string(value);
    if (!values.includes(text)) {
      throw new TypeError(
        `${JSON.stringify(text)} is not one of ${values.join(', ')}`,
      );
    }
    return text;
  };
}
{%- endif %}
{%- if "dateTime" in cookiecutter.converters %}

function dateTime(value) {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw new TypeError('expected an ISO 8601 date-time');
  }
  return date;
}

/** `2024-03-05T09:30:00+00:00`: ISO 8601 in UTC, to the second. */
function isoDateTime(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
{%- endif %}

module.exports = { {{ cookiecutter.class_name }}User };
