"""Asynchronous HTTP client for Acme Identity.

Each method is the straight-line sequence of requests the service's API
needs, awaited on one shared ``httpx.AsyncClient`` (its connection pool
serves every request of the app). Only GET requests are retried, and only
when the connection could not be opened: a POST is never sent twice.
Anything unexpected fails closed, as :class:`ServiceUnavailable`.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from .errors import (
    AccountDisabled,
    AcmeError,
    Conflict,
    Expired,
    ExpiredToken,
    InvalidCredentials,
    InvalidInput,
    InvalidToken,
    PasswordPolicy,
    ServiceUnavailable,
    Unverified,
    UserNotFound,
)


class _Rule:
    """A response status, and values in the error body, that mean one error."""

    def __init__(
        self,
        status: int,
        error: type[AcmeError],
        match: Mapping[str, object] | None = None,
        *,
        message: str | None = None,
    ) -> None:
        self.status = status
        self.error = error
        self.match = dict(match or {})
        #: where the error body holds the service's own message for users
        self.message = message

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


_LOGIN = _Step(
    "POST",
    "/v1/sessions",
    ok=(201,),
    errors=(
        _Rule(401, InvalidCredentials),
        _Rule(403, Unverified, {"/error/code": "unverified"}),
        _Rule(403, AccountDisabled),
        _Rule(429, ServiceUnavailable),
    ),
)
_GET_USER = _Step(
    "GET", "/v1/users/{session.user_id}", ok=(200,), errors=(_Rule(401, InvalidCredentials), _Rule(404, UserNotFound))
)
_REGISTER = _Step("POST", "/v1/users", ok=(201,), errors=(_Rule(409, Conflict), _Rule(422, InvalidInput)))
_FORGOT_PASSWORD = _Step("POST", "/v1/password-resets", ok=(202,), errors=(_Rule(404, UserNotFound),))
_REFRESH = _Step("POST", "/v1/sessions/refresh", ok=(200,), errors=(_Rule(401, InvalidCredentials),))
_LOGOUT = _Step("DELETE", "/v1/sessions/current", ok=(204,), errors=(_Rule(401, InvalidCredentials),))
_RESET_PASSWORD = _Step(
    "POST",
    "/v1/password-resets/{input.token}",
    ok=(204,),
    errors=(_Rule(404, InvalidToken), _Rule(410, ExpiredToken), _Rule(422, PasswordPolicy, message="/error/message")),
)
_CHANGE_PASSWORD = _Step(
    "POST",
    "/v1/users/{session.user_id}/password",
    ok=(204,),
    errors=(
        _Rule(401, Expired, {"/error/code": "token_expired"}),
        _Rule(401, InvalidCredentials),
        _Rule(422, PasswordPolicy, message="/error/message"),
    ),
)
_VERIFY_EMAIL = _Step(
    "POST",
    "/v1/email-verifications/{input.token}",
    ok=(204,),
    errors=(_Rule(404, InvalidToken), _Rule(410, ExpiredToken)),
)


class AcmeClient:
    """Talks to Acme Identity; one instance per application, closed with :meth:`aclose`."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        application_id: str,
        timeout: float = 5.0,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.application_id = application_id
        self.retries = retries
        # One timeout for connecting, each read and each write; redirects are never followed.
        self.http = httpx.AsyncClient(timeout=timeout, follow_redirects=False, transport=transport)

    async def aclose(self) -> None:
        """Close the connection pool; call it when the app shuts down."""
        await self.http.aclose()

    async def login(self, username: str, password: str) -> dict[str, str]:
        """Sign a user in; return the service session values (secrets: keep them server-side)."""
        # POST /v1/sessions
        body = await self._send(
            _LOGIN,
            f"{self.base_url}/v1/sessions",
            json={"login": username, "password": password, "application": self.application_id},
        )
        token = _text(body, "/token")
        refresh_token = _text(body, "/refresh_token")
        expires_at = _expires_at(body, "/expires_in")
        user_id = _text(body, "/user/id")
        return {"token": token, "refresh_token": refresh_token, "expires_at": expires_at, "user_id": user_id}

    async def get_user(self, session: Mapping[str, str]) -> dict[str, Any]:
        """Fetch the user record for a service session made by :meth:`login`."""
        user_id = session["user_id"]
        token = session["token"]
        # GET /v1/users/{session.user_id}
        body = await self._send(
            _GET_USER, f"{self.base_url}/v1/users/{_quote(user_id)}", headers={"Authorization": f"Bearer {token}"}
        )
        return _record(body, "")

    async def register(self, *, email: str, password: str, first_name: str, last_name: str) -> None:
        """Create an account; the user signs in afterwards."""
        # POST /v1/users
        await self._send(
            _REGISTER,
            f"{self.base_url}/v1/users",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={
                "email": email,
                "password": password,
                "profile": {"firstName": first_name, "lastName": last_name},
                "application": self.application_id,
            },
        )

    async def forgot_password(self, *, email: str) -> None:
        """Ask the service to send a password reset message."""
        # POST /v1/password-resets
        await self._send(
            _FORGOT_PASSWORD,
            f"{self.base_url}/v1/password-resets",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={"email": email},
        )

    async def refresh(self, session: Mapping[str, str]) -> dict[str, str]:
        """Renew an expired service session; return the new one (values the service does not renew are kept)."""
        refresh_token = session["refresh_token"]
        # POST /v1/sessions/refresh
        body = await self._send(_REFRESH, f"{self.base_url}/v1/sessions/refresh", json={"refresh_token": refresh_token})
        return {
            "token": _text(body, "/token"),
            "refresh_token": _text(body, "/refresh_token"),
            "expires_at": _expires_at(body, "/expires_in"),
            "user_id": session["user_id"],
        }

    async def logout(self, session: Mapping[str, str]) -> None:
        """End the service session at the service."""
        token = session["token"]
        # DELETE /v1/sessions/current
        await self._send(_LOGOUT, f"{self.base_url}/v1/sessions/current", headers={"Authorization": f"Bearer {token}"})

    async def reset_password(self, input: Mapping[str, str]) -> None:
        """Set a new password with the token from the password reset email; signs nobody in."""
        token = input["token"]
        password = input["password"]
        # POST /v1/password-resets/{input.token}
        await self._send(
            _RESET_PASSWORD,
            f"{self.base_url}/v1/password-resets/{_quote(token)}",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={"password": password},
        )

    async def change_password(self, session: Mapping[str, str], input: Mapping[str, str]) -> None:
        """Change the signed-in user's password; the user must give the current one."""
        user_id = session["user_id"]
        token = session["token"]
        current_password = input["current_password"]
        new_password = input["new_password"]
        # POST /v1/users/{session.user_id}/password
        await self._send(
            _CHANGE_PASSWORD,
            f"{self.base_url}/v1/users/{_quote(user_id)}/password",
            headers={"Authorization": f"Bearer {token}"},
            json={"current_password": current_password, "new_password": new_password},
        )

    async def verify_email(self, input: Mapping[str, str]) -> None:
        """Confirm the user's email address with the token from the verification email."""
        token = input["token"]
        # POST /v1/email-verifications/{input.token}
        await self._send(
            _VERIFY_EMAIL,
            f"{self.base_url}/v1/email-verifications/{_quote(token)}",
            headers={"Authorization": f"Bearer {self.api_key}"},
        )

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


def _error_for(step: _Step, response: httpx.Response) -> AcmeError:
    try:
        body = response.json()
    except ValueError:
        body = None
    for rule in step.errors:
        if rule.matches(response.status_code, body):
            if rule.message is not None:
                public = _service_message(body, rule.message)
                return rule.error(f"{step}: {response.status_code}", public_message=public)
            return rule.error(f"{step}: {response.status_code}")
    if response.status_code >= 500:
        return ServiceUnavailable(f"{step}: {response.status_code}")
    return AcmeError(f"{step}: unexpected status {response.status_code}")


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


def _service_message(body: object, pointer: str) -> str | None:
    """The service's own message for users at ``pointer``, at most 300 characters; None when there is no text."""
    value = _pointer(body, pointer)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:300]


def _quote(value: str) -> str:
    """Percent-encode a value for one URL path segment or form field."""
    return quote(value, safe="")
