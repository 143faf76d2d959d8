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


{% include "client_steps.py" %}

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

{% set asynchronous = false %}{% include "client_methods.py" %}
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


{% include "client_reads.py" %}