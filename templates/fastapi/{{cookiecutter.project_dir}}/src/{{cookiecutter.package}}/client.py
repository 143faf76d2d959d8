"""Asynchronous HTTP client for {{ cookiecutter.service_name | pydoc }}.

Each method is the straight-line sequence of requests the service's API
needs, awaited on one shared ``httpx.AsyncClient`` (its connection pool
serves every request of the app). Only GET requests are retried, and only
when the connection could not be opened: a POST is never sent twice.
Anything unexpected fails closed, as :class:`ServiceUnavailable`.
"""

from __future__ import annotations

import asyncio
{% if "_base64" in cookiecutter.helpers %}import base64
{% endif %}{% if "_expires_at" in cookiecutter.helpers %}import math
import time
{% endif %}from collections.abc import Mapping
from typing import Any
{% if "_quote" in cookiecutter.helpers %}from urllib.parse import quote
{% endif %}
import httpx

from .errors import (
{%- for name in cookiecutter.error_imports %}
    {{ name }},
{%- endfor %}
)


{% include "client_steps.py" %}

class {{ cookiecutter.class_name }}Client:
    """Talks to {{ cookiecutter.service_name | pydoc }}; one instance per application, closed with :meth:`aclose`."""

    def __init__(
        self,
        *,
{%- for s in cookiecutter.settings %}
        {{ s.attr }}: str{% if not s.required and s.default == "None" %} | None = None{% endif %},
{%- endfor %}
        timeout: float = {{ cookiecutter.timeout_s }},
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
{%- for s in cookiecutter.settings %}
        self.{{ s.attr }} = {{ s.attr }}{% if s.name == "base_url" %}.rstrip("/"){% endif %}
{%- endfor %}
        self.retries = retries
        # One timeout for connecting, each read and each write; redirects are never followed.
        self.http = httpx.AsyncClient(timeout=timeout, follow_redirects=False, transport=transport)

    async def aclose(self) -> None:
        """Close the connection pool; call it when the app shuts down."""
        await self.http.aclose()

{% set asynchronous = true %}{% include "client_methods.py" %}
    async def _send(self, step: _Step, url: str, **kwargs: Any) -> Any:
        """Send one request; return its JSON body or raise the error its status maps to."""
        response = await self._request(step, url, **kwargs)
        if response.status_code in step.ok:
            if not response.content:
                return {}
            try:
                return response.json()
            except ValueError:
                raise ServiceUnavailable(f"{step}: the response is not JSON") from None
        raise _error_for(step, response)

    async def _request(self, step: _Step, url: str, **kwargs: Any) -> httpx.Response:
        """The service's response; a GET whose connection could not be opened is tried again."""
        attempt = 0
        while True:
            try:
                return await self.http.request(step.method, url, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as err:
                # The request never left: only an idempotent GET goes again, after a short pause.
                if step.method != "GET" or attempt == self.retries:
                    raise ServiceUnavailable(f"{step}: {type(err).__name__}") from None
            except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeError):
                # Text HTTP cannot carry where it has to go (a header, a URL): the input's fault.
                raise InvalidInput(f"{step}: the request cannot carry this input") from None
            except httpx.HTTPError as err:
                raise ServiceUnavailable(f"{step}: {type(err).__name__}") from None
            await asyncio.sleep(0.1 * 2**attempt)
            attempt += 1


{% include "client_reads.py" %}
