'use strict';

/**
 * The client of the {{ cookiecutter.service_name | jscomment }} API, on Node's built-in fetch.
 *
 * Each method is the spec's steps written out: one request per step, no
 * interpreter. Every request has a timeout; only GET requests are retried,
 * and only when the connection failed. Anything unexpected fails closed as
 * ServiceUnavailable. Error messages name the step, never a value.
 */

{{ cookiecutter.client_imports }}
{% for op in cookiecutter.ops.values() %}{% for rules in op.errors %}
{{ rules }}
{%- endfor %}{% endfor %}

/** How often a GET is tried again when the connection fails, and the pauses before each try. */
const RETRY_DELAYS_MS = Object.freeze([50, 250]);

/** The largest answer read from the service. */
const MAX_BODY_BYTES = 1024 * 1024;

class {{ cookiecutter.class_name }}Client {
  #options;

  /**
   * @param {object} options the service settings ({% for s in cookiecutter.settings %}{{ s.option }}, {% endfor %}timeoutMs)
   */
  constructor(options) {
    this.#options = Object.freeze({ ...options });
  }
{% for op in cookiecutter.ops.values() %}
  /** {{ op.doc | jscomment }} */
  async {{ op.method }}({{ op.params }}) {
{{ op.lines | join("\n") }}
  }
{% endfor %}
  /**
   * Send one request; return its JSON body, or throw the error its status maps to.
   *
   * @throws {{ '{' }}{{ cookiecutter.class_name }}Error}
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
{%- if "serviceMessage" in cookiecutter.helpers %}
      throw new rule.error(message, {
        serviceStatus: response.status,
        serviceMessage:
          rule.message === undefined
            ? undefined
            : serviceMessage(body, rule.message),
      });
{%- else %}
      throw new rule.error(message, { serviceStatus: response.status });
{%- endif %}
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
{%- if "deadline" in cookiecutter.helpers %}

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
{%- endif %}
{%- if "serviceMessage" in cookiecutter.helpers %}

/** The service's own message for users at a JSON pointer of an error answer, at most 300 characters. */
function serviceMessage(body, pointer) {
  const value = lookup(body, pointer);
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  return value.trim().slice(0, 300);
}
{%- endif %}
{%- if "urlencode" in cookiecutter.helpers %}

/** Percent-encode text for a URL path segment, a query or a form. */
function urlencode(value) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
{%- endif %}
{%- if "base64" in cookiecutter.helpers %}

/** Standard base64 of the UTF-8 text. */
function base64(value) {
  return Buffer.from(value, 'utf8').toString('base64');
}
{%- endif %}
{%- if "basic" in cookiecutter.helpers %}

/** An `Authorization` header value for HTTP basic authentication. */
function basic(username, password) {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
{%- endif %}
{%- if "bearer" in cookiecutter.helpers %}

/** An `Authorization` header value for a bearer token. */
function bearer(token) {
  return `Bearer ${token}`;
}
{%- endif %}

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

module.exports = { {{ cookiecutter.class_name }}Client };
