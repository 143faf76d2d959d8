'use strict';

/**
 * The signed-in user, as Acme Identity describes it.
 *
 * `req.user` is a frozen AcmeUser: the canonical properties every
 * integration has (id, username, email, names, roles, active, is_staff,
 * is_admin), then every field of the service's user record, typed. Its JSON
 * is what `/auth/me` answers.
 */

const { ServiceUnavailable, UnexpectedAnswer } = require('./errors');

/** Roles that make a user an administrator (`is_admin`). */
const ADMIN_ROLES = Object.freeze(['admins']);

/** Roles that make a user staff (`is_staff`). */
const STAFF_ROLES = Object.freeze(['staff']);

/** The service's fields the user has besides the canonical properties. */
const FIELDS = Object.freeze([
  'given_name',
  'family_name',
  'groups',
  'status',
  'created',
]);

/** The fields that are dates, kept as ISO 8601 text in the session. */
const DATE_FIELDS = Object.freeze(['created']);

/** Marks a field that may be missing from the record (it is then null). */
const OPTIONAL = true;

class AcmeUser {
  /**
   * Build the user from the service's user record.
   *
   * @param {object} record the user record get_user returned
   * @returns {AcmeUser}
   * @throws {UnexpectedAnswer} when a required field is missing or null
   * @throws {ServiceUnavailable} when a field has the wrong type
   */
  static fromRecord(record) {
    const fields = {
      id: read(record, 'id', '/id', string),
      email: read(record, 'email', '/email', string),
      given_name: read(
        record,
        'given_name',
        '/profile/firstName',
        string,
        OPTIONAL,
      ),
      family_name: read(
        record,
        'family_name',
        '/profile/lastName',
        string,
        OPTIONAL,
      ),
      groups: read(record, 'groups', '/groups/*/name', strings),
      status: read(record, 'status', '/status', oneOf('ACTIVE', 'LOCKED')),
      created: read(record, 'created', '/created', dateTime, OPTIONAL),
    };
    return new AcmeUser({
      id: fields.id,
      username: fields.email,
      email: fields.email,
      first_name: fields.given_name,
      last_name: fields.family_name,
      roles: fields.groups,
      active: fields.status === 'ACTIVE',
      given_name: fields.given_name,
      family_name: fields.family_name,
      groups: fields.groups,
      status: fields.status,
      created: fields.created,
    });
  }

  /**
   * Rebuild a user cached in the session from its JSON.
   *
   * @param {object} data what `JSON.stringify(user)` wrote
   * @returns {AcmeUser}
   */
  static fromJSON(data) {
    const copy = { ...data };
    for (const name of DATE_FIELDS) {
      copy[name] = copy[name] === null ? null : new Date(copy[name]);
    }
    return new AcmeUser(copy);
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
    if (raw === '*') {
      if (!Array.isArray(current)) {
        return MISSING;
      }
      const rest = tokens.slice(index + 1);
      const items = current.map((item) => resolve(item, rest));
      return items.includes(MISSING) ? MISSING : items;
    }
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

function string(value) {
  if (typeof value === 'string') {
    return value;
  }
  if (Number.isInteger(value)) {
    return String(value);
  }
  throw new TypeError(`expected text, got ${typeof value}`);
}

function strings(value) {
  if (!Array.isArray(value)) {
    throw new TypeError(`expected an array, got ${typeof value}`);
  }
  return value.map(string);
}

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

module.exports = { AcmeUser };
