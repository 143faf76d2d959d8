'use strict';

/**
 * The forms of the pages and the fields each POST route reads, named after
 * the inputs of the spec's operations.
 */

const { MAX_INPUT_LENGTH } = require('./config');

/** Each form's fields: name, label, input type and autocomplete token. */
{{ cookiecutter.express_forms | jsforms }}

/**
 * Read a form's fields out of a request body (a form or a JSON object).
 *
 * Every field is required text of at most MAX_INPUT_LENGTH characters;
 * passwords are kept as typed, other fields are trimmed.
 *
 * @param {string} form a form of FORMS: 'login', 'register', 'forgot'...
 * @param {Record<string, unknown>} body the parsed body
 * @returns {{ '{{' }} values: Record<string, string>, invalid: string[] }} the values, and the labels of the fields that are missing or invalid
 */
function readForm(form, body) {
  const values = {};
  const invalid = [];
  for (const field of FORMS[form]) {
    const raw = Object.hasOwn(body, field.name) ? body[field.name] : undefined;
    const value =
      field.type === 'password' || typeof raw !== 'string' ? raw : raw.trim();
{%- if cookiecutter.optional_form_inputs %}
    if (field.optional && (value === undefined || value === '')) {
      continue; // left empty: the client leaves it out of the request
    }
{%- endif %}
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
