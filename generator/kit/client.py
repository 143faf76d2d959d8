"""HTTP clients for the kit's tests: simulated user agents of the app, and the fake's controls.

Nothing here knows a framework.  Route names come from the HTTP contract
(docs/http-contract.md), the CSRF header and field names from the app's own
``{prefix}/csrf`` answer, and the session cookie is whatever the app sets at
sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from .provider import Browser, RoundTrip, sign_in_through_provider

#: An account no fake knows: a username and an e-mail address at a reserved domain.
UNKNOWN_ACCOUNT = "nobody-kit@example.invalid"
#: Seconds any single request may take; longer than any service timeout a spec may set.
REQUEST_TIMEOUT = 330.0

JSON = "application/json"
HTML = "text/html"


@dataclass(frozen=True)
class Csrf:
    """What ``{prefix}/csrf`` says: the token, and where a request carries it."""

    token: str
    header: str
    field: str


@dataclass(frozen=True)
class SetCookie:
    """One ``Set-Cookie`` header, with attribute names in lower case (flags map to "")."""

    name: str
    value: str
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def http_only(self) -> bool:
        return "httponly" in self.attributes

    @property
    def same_site(self) -> str:
        return self.attributes.get("samesite", "").lower()

    @property
    def removes(self) -> bool:
        """Whether the header deletes the cookie rather than setting it (Max-Age wins over Expires)."""
        if not self.value:
            return True
        max_age = self.attributes.get("max-age")
        if max_age is not None and max_age.lstrip("-").isdigit():
            return int(max_age) <= 0
        try:
            expires = parsedate_to_datetime(self.attributes["expires"])
        except (KeyError, TypeError, ValueError):
            return False
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return expires <= datetime.now(UTC)


def parse_set_cookie(header: str) -> SetCookie:
    """Parse one ``Set-Cookie`` header value."""
    pair, *attributes = header.split(";")
    name, _, value = pair.partition("=")
    attrs = {}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        attrs[key.strip().lower()] = val.strip()
    return SetCookie(name.strip(), value.strip().strip('"'), attrs)


def set_cookies(response: requests.Response) -> list[SetCookie]:
    """Every cookie a response sets (not the ones it deletes)."""
    headers = response.raw.headers.getlist("Set-Cookie") if response.raw is not None else []
    return [c for c in map(parse_set_cookie, headers) if not c.removes]


@dataclass(frozen=True)
class FixtureUser:
    """A user to sign in as, with the canonical user and the typed fields the app should derive.

    The fake's fixture users are known exactly; a real service's test users only
    as far as its test-users file says (:mod:`generator.kit.service`).
    """

    key: str
    username: str
    #: never in a repr, so no failure message shows it
    password: str = field(repr=False)
    #: the canonical user ``me`` must return: id, username, email, ..., is_admin
    expected: dict[str, Any]
    #: every spec field by name, as JSON
    fields: dict[str, Any]
    #: whether the service refuses the user (a spec may have no way to say so in the record)
    disabled: bool = False
    #: whether the service refuses the user until the email address is verified (S22)
    unverified: bool = False
    #: whether ``expected`` is the whole canonical user (the fake's fixtures), or only what a real
    #: deployment's test-users file promises: some attributes, and roles the user has at least
    exact: bool = True


class AppClient:
    """One simulated user agent of the example app: its own cookie jar and ``Accept``.

    An ``api`` client asks for JSON and posts JSON with the CSRF header; a
    ``browser`` asks for HTML and posts forms with the CSRF field.  Redirects
    are never followed: the tests look at them.  With ``oidc`` the app signs
    users in through an OpenID provider: :meth:`sign_in` goes through the
    provider's login page.
    """

    def __init__(self, base_url: str, prefix: str, *, browser: bool, oidc: bool = False) -> None:
        self.base_url = base_url.rstrip("/")
        self.prefix = prefix.rstrip("/")
        self.browser = browser
        self.oidc = oidc
        self.http = Browser()
        self.http.headers["Accept"] = f"{HTML},application/xhtml+xml;q=0.9,*/*;q=0.8" if browser else JSON

    def route(self, name: str) -> str:
        """The path of a contract route: ``route("login")`` is ``/auth/login``."""
        return f"{self.prefix}/{name}"

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return self.http.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    # -- the contract's routes -------------------------------------------------

    def csrf(self) -> Csrf:
        """Ask ``{prefix}/csrf`` for a token for this client's session."""
        response = self.get(self.route("csrf"), headers={"Accept": JSON})
        assert response.status_code == 200, f"GET {self.route('csrf')} answered {response.status_code}"
        body = response.json()
        return Csrf(body["csrf_token"], body["header"], body["field"])

    def submit(self, name: str, fields: dict[str, Any], *, csrf: bool | str = True) -> requests.Response:
        """POST to a contract route the way this client posts: a form, or JSON.

        :param csrf: True sends this session's CSRF token (in the field or the
            header the app names), False sends none, a string sends that token.
        """
        path = self.route(name)
        if self.browser:
            data = dict(fields)
            if csrf is not False:
                names = self.csrf()
                data[names.field] = names.token if csrf is True else csrf
            return self.request("POST", path, data=data)
        headers = {}
        if csrf is not False:
            names = self.csrf()
            headers[names.header] = names.token if csrf is True else csrf
        return self.request("POST", path, json=fields, headers=headers)

    def post_raw(self, name: str, body: bytes | str, content_type: str) -> requests.Response:
        """POST a body exactly as given, with the CSRF header, and ``Accept: application/json``."""
        token = self.csrf()
        headers = {"Content-Type": content_type, token.header: token.token, "Accept": JSON}
        return self.request("POST", self.route(name), data=body, headers=headers)

    def login(
        self, username: str, password: str, *, next: str | None = None, csrf: bool | str = True
    ) -> requests.Response:
        fields = {"username": username, "password": password}
        if next is not None:
            fields["next"] = next
        return self.submit("login", fields, csrf=csrf)

    def through_provider(self, username: str, password: str, *, next: str | None = None) -> RoundTrip:
        """Open the login route as a browser, sign in on the provider's page, and come back to the app."""
        path = self.route("login") + (f"?{urlencode({'next': next})}" if next is not None else "")
        html = {"Accept": f"{HTML},application/xhtml+xml;q=0.9,*/*;q=0.8"}
        accept = self.http.headers["Accept"]
        self.http.headers.update(html)
        try:
            return sign_in_through_provider(self.http, self.url(path), username, password)
        finally:
            self.http.headers["Accept"] = accept

    def sign_in(self, user: FixtureUser, *, next: str | None = None) -> requests.Response:
        """Sign in as ``user``, which must succeed: 200 for JSON, 303 for a form.

        Through a provider, the answer is the app's callback's (where the
        session starts and its cookie is set), once the trip has ended on the app.
        """
        if self.oidc:
            trip = self.through_provider(user.username, user.password, next=next)
            app = urlsplit(self.base_url).netloc
            if urlsplit(trip.last.url).netloc != app or trip.last.status_code >= 400:
                raise AssertionError(
                    f"signing in as the fixture user {user.key!r} through the provider ended at {trip.last.url} "
                    f"({trip.last.status_code}): {trip.last.text[:300]!r}"
                )
            # The first answer of the app after the provider's: the callback. Apps that set the session
            # cookie only when the session changes (express-session, Django) set it there, not later.
            at_provider = [i for i, response in enumerate(trip.responses) if urlsplit(response.url).netloc != app]
            return trip.responses[at_provider[-1] + 1] if at_provider else trip.last
        response = self.login(user.username, user.password, next=next)
        expected = 303 if self.browser else 200
        if response.status_code != expected:
            raise AssertionError(
                f"signing in as the fixture user {user.key!r} answered {response.status_code}, "
                f"not {expected}: {response.text[:300]!r}"
            )
        return response

    def logout(self, *, csrf: bool | str = True) -> requests.Response:
        return self.submit("logout", {}, csrf=csrf)

    def me(self) -> requests.Response:
        return self.get(self.route("me"), headers={"Accept": JSON})

    def signed_in(self) -> bool:
        """Whether ``me`` knows this client, i.e. it holds a signed-in session."""
        return self.me().status_code == 200

    # -- cookies ---------------------------------------------------------------

    def cookies(self) -> dict[str, str]:
        return {c.name: c.value for c in self.http.cookies if c.value is not None}

    def with_cookies(self, cookies: dict[str, str]) -> AppClient:
        """A new client (say, an attacker's) that holds exactly ``cookies``."""
        other = AppClient(self.base_url, self.prefix, browser=self.browser, oidc=self.oidc)
        host = urlsplit(self.base_url).hostname or ""
        for name, value in cookies.items():
            # Host-only on the app's host with path /, like the app's own cookies: one the app sets
            # under the same name replaces it, as in a browser, instead of being sent beside it.
            other.http.cookies.set(name, value, domain=host, path="/")
        return other


#: The ``new_client`` fixture: ``new_client()`` makes an API client, ``new_client(browser=True)`` a browser.
ClientFactory = Callable[..., AppClient]


#: Seconds waited beyond a user cache's TTL, so that it has surely expired.
TTL_MARGIN = 1.0
#: Seconds the fake keeps a request waiting that must still be in flight while its session signs out.
IN_FLIGHT_DELAY = 1.5
#: Seconds a slow service answers past the app's timeout, so that the app has surely given up on it.
PAST_TIMEOUT = 1.5


class FakeControl:
    """The fake identity service's control endpoints under ``/__fake__/``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.request(method, f"{self.base_url}/__fake__/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response

    def users(self) -> list[FixtureUser]:
        """The users the fake knows, fixtures first, as ``GET /__fake__/users`` lists them by key."""
        return [
            FixtureUser(
                key,
                u["username"],
                u["password"],
                u["expected"],
                u["fields"],
                bool(u.get("disabled")),
                bool(u.get("unverified")),
            )
            for key, u in self._call("GET", "users").json().items()
        ]

    def calls(self) -> dict[str, Any]:
        """Calls per operation since the last reset: ``{"login": 1, "get_user": 2, ..., "requests": [...]}``."""
        return self._call("GET", "calls").json()

    def count(self, operation: str) -> int:
        """How often ``operation`` was called since the last reset (counted at its first step)."""
        return int(self.calls().get(operation, 0))

    def issued(self) -> list[str] | None:
        """The values (tokens, ids, links) the fake handed out since the last reset; None when it does not say."""
        values = self.calls().get("issued")
        return None if values is None else [str(v["value"] if isinstance(v, dict) else v) for v in values]

    def reset(self) -> None:
        """Forget counts, faults and changes to the users."""
        self._call("POST", "reset")

    def fault(self, operation: str, **fault: Any) -> None:
        """Make ``operation`` fail: ``status=503``, ``delay=6``, ``drop=True`` or ``body="garbage"``."""
        self._call("POST", "faults", json={"operation": operation, **fault})

    # -- the OpenID provider's controls (a spec with [service.oidc]) ---------------

    def expire_access_tokens(self) -> int:
        """Make every access token the provider issued so far expire now; return how many."""
        return int(self._call("POST", "oidc/expire").json()["expired"])

    def tamper_next_id_token(self, how: str) -> None:
        """Make the next ID token wrong: ``issuer``, ``audience``, ``signature``, ``expired`` or ``nonce``."""
        self._call("POST", "oidc/tamper", json={"next_id_token": how})

    def provider_sessions(self) -> int:
        """How many sessions the provider holds (a sign-in opens one, RP-initiated logout ends it)."""
        return int(self._call("GET", "oidc/sessions").json()["sessions"])

    def disable(self, key: str) -> None:
        self._call("POST", f"users/{key}/disable")

    def delete(self, key: str) -> None:
        self._call("DELETE", f"users/{key}")

    # -- the session lifecycle (S18-S22) ---------------------------------------------

    def token_ttl(self, seconds: float) -> None:
        """Make the access tokens handed out from now on last ``seconds`` (until the next reset)."""
        self._call("POST", "tokens", json={"ttl": seconds})

    def expire(self, key: str | None = None) -> None:
        """Make the current access tokens of user ``key`` (None: of everyone) expire now."""
        self._call("POST", f"users/{key}/expire" if key is not None else "expire")

    def sessions(self, key: str) -> int:
        """How many live service sessions user ``key`` has: login opens one, logout ends it."""
        return int(self._call("GET", "sessions").json().get(key, 0))

    def mailed_token(self, key: str, kind: str) -> str:
        """The token of the newest ``kind`` mail ("reset" or "verify") the service sent to user ``key``."""
        tokens = [m["token"] for m in self._call("GET", "outbox").json() if m["user"] == key and m["kind"] == kind]
        if not tokens:
            raise AssertionError(f"the service sent user {key!r} no {kind} mail")
        return tokens[-1]

    def expire_mailed_token(self, token: str) -> None:
        """Make a reset or verification token expire: its next use answers ``expired_token``."""
        self._call("POST", f"tokens/{token}/expire")
