'use strict';

/**
 * The forms of the pages and the fields each POST route reads, named after
 * the inputs of the spec's operations.
 */

const { MAX_INPUT_LENGTH } = require('./config');

/** Each form's fields: name, label, input type and autocomplete token. */
const FORMS = Object.freeze({
  login: Object.freeze([
    {
      name: 'username',
      label: 'Email',
      type: 'email',
      autocomplete: 'username',
    },
    {
      name: 'password',
      label: 'Password',
      type: 'password',
      autocomplete: 'current-password',
    },
  ]),
  register: Object.freeze([
    {
      name: 'email',
      label: 'Email',
      type: 'email',
      autocomplete: 'email',
    },
    {
      name: 'password',
      label: 'Password',
      type: 'password',
      autocomplete: 'new-password',
    },
    {
      name: 'first_name',
      label: 'First name',
      type: 'text',
      autocomplete: 'given-name',
    },
    {
      name: 'last_name',
      label: 'Last name',
      type: 'text',
      autocomplete: 'family-name',
    },
  ]),
  forgot: Object.freeze([
    {
      name: 'email',
      label: 'Email',
      type: 'email',
      autocomplete: 'email',
    },
  ]),
  reset: Object.freeze([
    {
      name: 'password',
      label: 'New password',
      type: 'password',
      autocomplete: 'new-password',
    },
    {
      name: 'password_confirm',
      label: 'New password, again',
      type: 'password',
      autocomplete: 'new-password',
    },
  ]),
  password: Object.freeze([
    {
      name: 'current_password',
      label: 'Current password',
      type: 'password',
      autocomplete: 'current-password',
    },
    {
      name: 'new_password',
      label: 'New password',
      type: 'password',
      autocomplete: 'new-password',
    },
    {
      name: 'new_password_confirm',
      label: 'New password, again',
      type: 'password',
      autocomplete: 'new-password',
    },
  ]),
});

/**
 * Read a form's fields out of a request body (a form or a JSON object).
 *
 * Every field is required text of at most MAX_INPUT_LENGTH characters;
 * passwords are kept as typed, other fields are trimmed.
 *
 * @param {string} form a form of FORMS: 'login', 'register', 'forgot'...
 * @param {Record<string, unknown>} body the parsed body
 * @returns {{ values: Record<string, string>, invalid: string[] }} the values, and the labels of the fields that are missing or invalid
 */
function readForm(form, body) {
  const values = {};
  const invalid = [];
  for (const field of FORMS[form]) {
    const raw = Object.hasOwn(body, field.name) ? body[field.name] : undefined;
    const value =
      field.type === 'password' || typeof raw !== 'string' ? raw : raw.trim();
    if (
      typeof value !== 'string' ||
      value === '' ||
      value.length > MAX_INPUT_LENGTH
    ) {
      invalid.push(field.label);
    } else {
      values[field.name] = value;
    }
  }
  return { values, invalid };
}

/**
 * The fields of a form as a page shows them: with the values typed so far,
 * never a password.
 */
function formFields(form, values = {}) {
  return FORMS[form].map((field) => ({
    ...field,
    value: field.type === 'password' ? '' : (values[field.name] ?? ''),
  }));
}

module.exports = { FORMS, readForm, formFields };
