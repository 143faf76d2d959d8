"""HTTP client for {{ cookiecutter.service_name | pydoc }}.

Each method is the straight-line sequence of requests the service's API
needs. Only GET requests are retried, and only when the connection failed:
a POST is never sent twice. Anything unexpected fails closed, as
:class:`ServiceUnavailable`.
"""

from __future__ import annotations

{% if "_base64" in cookiecutter.helpers %}import base64
{% endif %}{% if "_expires_at" in cookiecutter.helpers %}import math
import time
{% endif %}from collections.abc import Mapping
from typing import Any
{% if "_quote" in cookiecutter.helpers %}from urllib.parse import quote
{% endif %}
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import (
{%- for name in cookiecutter.error_imports %}
    {{ name }},
{%- endfor %}
)


class _Rule:
    """A response status, and values in the error body, that mean one error."""

    def __init__(
        self,
        status: int,
        error: type[{{ cookiecutter.class_name }}Error],
        match: Mapping[str, object] | None = None,
{%- if "_service_message" in cookiecutter.helpers %}
        *,
        message: str | None = None,
{%- endif %}
    ) -> None:
        self.status = status
        self.error = error
        self.match = dict(match or {})
{%- if "_service_message" in cookiecutter.helpers %}
        #: where the error body holds the service's own message for users
        self.message = message
{%- endif %}

    def matches(self, status: int, body: object) -> bool:
        return status == self.status and all(_pointer(body, p) == v for p, v in self.match.items())


class _Step:
    """One request of the API: its method, its path as the spec writes it, success statuses, error rules.

    Messages name the request by this path, never by the URL sent, which may
    carry ids or tokens.
    """

    def __init__(self, method: str, path: str, *, ok: tuple[int, ...], errors: tuple[_Rule, ...]) -> None:
        self.method = method
        self.path = path
        self.ok = ok
        self.errors = errors

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


{% for op in cookiecutter.ops.values() %}{% for step in op.steps %}{{ step.constant }} = {{ step.definition }}
{% endfor %}{% endfor %}

class {{ cookiecutter.class_name }}Client:
    """Talks to {{ cookiecutter.service_name | pydoc }}; one instance per application."""

    def __init__(
        self,
        *,
{%- for s in cookiecutter.settings %}
        {{ s.attr }}: str{% if not s.required and s.default == "None" %} | None = None{% endif %},
{%- endfor %}
        timeout: float = {{ cookiecutter.timeout_s }},
        retries: int = 2,
    ) -> None:
{%- for s in cookiecutter.settings %}
        self.{{ s.attr }} = {{ s.attr }}{% if s.name == "base_url" %}.rstrip("/"){% endif %}
{%- endfor %}
        self.timeout = timeout
        self.http = requests.Session()
        # Retry connection failures of idempotent GETs only; never retry on a status.
        retry = Retry(total=retries, connect=retries, read=0, status=0, allowed_methods={"GET"}, backoff_factor=0.1)
        self.http.mount("http://", HTTPAdapter(max_retries=retry))
        self.http.mount("https://", HTTPAdapter(max_retries=retry))

    def login(self, username: str, password: str) -> dict[str, str]:
        """Sign a user in; return the service session values (secrets: keep them server-side)."""
{%- for step in cookiecutter.ops.login.steps %}
        # {{ step.comment }}
        {{ step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
        {{ cookiecutter.ops.login.returns }}

    def get_user(self, session: Mapping[str, str]) -> dict[str, Any]:
        """Fetch the user record for a service session made by :meth:`login`."""
{%- for local, key in cookiecutter.ops.get_user.session_locals %}
        {{ local }} = session[{{ key | py }}]
{%- endfor %}
{%- for step in cookiecutter.ops.get_user.steps %}
        # {{ step.comment }}
        {{ step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{% if cookiecutter.has_register %}
    def register(self, *, {{ cookiecutter.ops.register.params | join(": str, ") }}: str) -> None:
        """Create an account; the user signs in afterwards."""
{%- for step in cookiecutter.ops.register.steps %}
        # {{ step.comment }}
        {{ step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{% endif %}{% if cookiecutter.has_forgot_password %}
    def forgot_password(self, *, {{ cookiecutter.ops.forgot_password.params | join(": str, ") }}: str) -> None:
        """Ask the service to send a password reset message."""
{%- for step in cookiecutter.ops.forgot_password.steps %}
        # {{ step.comment }}
        {{ step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{% endif %}{% for op in cookiecutter.lifecycle_ops %}
    def {{ op.name }}({{ op.signature }}) -> {{ op.returns_type }}:
        """{{ op.doc }}"""
{%- for local, key in op.session_locals %}
        {{ local }} = session[{{ key | py }}]
{%- endfor %}
{%- for local, key in op.input_locals %}
        {{ local }} = input[{{ key | py }}]
{%- endfor %}
{%- for step in op.steps %}
        # {{ step.comment }}
        {{ step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{%- if op.returns %}
        {{ op.returns }}
{%- endif %}
{% endfor %}
    def _send(self, step: _Step, url: str, **kwargs: Any) -> Any:
        """Send one request; return its JSON body or raise the error its status maps to."""
        try:
            response = self.http.request(step.method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.RequestException as err:
            raise ServiceUnavailable(f"{step}: {type(err).__name__}") from None
        except (UnicodeError, ValueError):
            # Text HTTP cannot carry where it has to go (a header, a URL): the input's fault.
            raise InvalidInput(f"{step}: the request cannot carry this input") from None
        if response.status_code in step.ok:
            if not response.content:
                return {}
            try:
                return response.json()
            except ValueError:
                raise ServiceUnavailable(f"{step}: the response is not JSON") from None
        raise _error_for(step, response)


def _error_for(step: _Step, response: requests.Response) -> {{ cookiecutter.class_name }}Error:
    try:
        body = response.json()
    except ValueError:
        body = None
    for rule in step.errors:
        if rule.matches(response.status_code, body):
{%- if "_service_message" in cookiecutter.helpers %}
            if rule.message is not None:
                public = _service_message(body, rule.message)
                return rule.error(f"{step}: {response.status_code}", public_message=public)
{%- endif %}
            return rule.error(f"{step}: {response.status_code}")
    if response.status_code >= 500:
        return ServiceUnavailable(f"{step}: {response.status_code}")
    return {{ cookiecutter.class_name }}Error(f"{step}: unexpected status {response.status_code}")


_MISSING = object()


def _pointer(doc: object, pointer: str) -> object:
    """The value at a JSON pointer, or a sentinel when there is none."""
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and token in doc:
            doc = doc[token]
        elif isinstance(doc, list) and token.isdigit() and int(token) < len(doc):
            doc = doc[int(token)]
        else:
            return _MISSING
    return doc


def _text(body: object, pointer: str) -> str:
    """A text or number the service must have sent at ``pointer``."""
    value = _pointer(body, pointer)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ServiceUnavailable(f"the response has no value at {pointer or '/'}")
    return str(value)


def _record(body: object, pointer: str) -> dict[str, Any]:
    """The user record the service must have sent at ``pointer``."""
    value = _pointer(body, pointer)
    if not isinstance(value, dict):
        raise ServiceUnavailable(f"the response has no user record at {pointer or '/'}")
    return value


{% if "_expires_at" in cookiecutter.helpers %}
def _expires_at(body: object, pointer: str) -> str:
    """The deadline of an access token that lives ``expires_in`` seconds, in epoch seconds (as text).

    The deadline comes a little early (up to 5 seconds, a tenth of short
    lifetimes), so that no request sets out with a token about to expire.
    """
    value = _pointer(body, pointer)
    seconds = math.nan
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            seconds = float(value)  # a JSON number, or its text
        except ValueError:
            pass
    if not math.isfinite(seconds) or seconds < 0:
        raise ServiceUnavailable(f"the response has no lifetime in seconds at {pointer or '/'}")
    return str(int(time.time() + seconds - min(5.0, seconds / 10)))

{% endif %}{% if "_service_message" in cookiecutter.helpers %}
def _service_message(body: object, pointer: str) -> str | None:
    """The service's own message for users at ``pointer``, at most 300 characters; None when there is no text."""
    value = _pointer(body, pointer)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:300]

{% endif %}{% if "_quote" in cookiecutter.helpers %}
def _quote(value: str) -> str:
    """Percent-encode a value for one URL path segment or form field."""
    return quote(value, safe="")

{% endif %}{% if "_base64" in cookiecutter.helpers %}
def _base64(value: str) -> str:
    """Standard base64 of the UTF-8 text."""
    return base64.b64encode(value.encode()).decode("ascii")

{% endif %}
