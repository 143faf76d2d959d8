"""Signing in through an OpenID provider's own login page, as a browser would.

An app that signs users in with OpenID Connect sends the browser to the
provider, which shows its login form; the form posts back to the provider,
which redirects to the app's callback with a code.  This module plays that
browser for the kit and the real-Keycloak checks: it follows redirects one by
one (so each hop can be inspected), finds the provider's form by its password
field, fills in the username and password, keeps every hidden field, and
posts it where the form says.

It knows no provider: the fake's form and Keycloak's are both plain HTML
forms with one password input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

#: Redirects followed before giving up: a login round trip takes about five.
MAX_HOPS = 12
#: Seconds a single request may take (a provider's first page can be slow on a loaded machine).
REQUEST_TIMEOUT = 60.0


#: Hosts a browser treats as secure over plain HTTP.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class ProviderFlowError(AssertionError):
    """The round trip through the provider did not go as a browser's would."""


class Browser(requests.Session):
    """A session that sends ``Secure`` cookies to loopback hosts over plain HTTP, as browsers do.

    Keycloak marks its login cookies ``Secure; SameSite=None`` even when it is
    served over HTTP; browsers still send them to 127.0.0.1 (a "potentially
    trustworthy" origin), while Python's cookie jar would not, and the login
    would end in "Restart login cookie not found".  (A cookie policy on the
    jar would not do: requests copies the cookies into a new jar with the
    default policy for every request.)
    """

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            if cookie.secure and cookie.domain.lstrip(".") in LOOPBACK:
                cookie.secure = False
        return response


@dataclass
class Form:
    """One ``<form>`` of a page: where it posts, and its named inputs in order."""

    action: str
    method: str
    #: (name, type, value) of every named input
    inputs: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def has_password(self) -> bool:
        return any(kind == "password" for _, kind, _ in self.inputs)

    def filled(self, username: str, password: str) -> dict[str, str]:
        """The form's fields with the credentials in: the password input, and the first text or e-mail input."""
        values: dict[str, str] = {}
        user_field_done = False
        for name, kind, value in self.inputs:
            if kind == "password":
                values[name] = password
            elif kind in ("text", "email") and not user_field_done:
                values[name] = username
                user_field_done = True
            elif kind in ("hidden", "text", "email"):
                values[name] = value
            # submit buttons, checkboxes and the like are left out, as a browser leaves an unclicked one
        if not user_field_done:
            raise ProviderFlowError(f"the provider's form at {self.action} has no username field")
        return values


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attributes.get("name"):
            kind = attributes.get("type", "text").lower()
            self._current.inputs.append((attributes["name"], kind, attributes.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def login_form(page: requests.Response) -> Form | None:
    """The form of ``page`` that asks for a password (its action made absolute); None when there is none."""
    parser = _FormParser()
    parser.feed(page.text)
    for form in parser.forms:
        if form.has_password:
            form.action = urljoin(page.url, form.action or page.url)
            return form
    return None


@dataclass
class RoundTrip:
    """What a sign-in through the provider went through: every response, the last one at the end."""

    responses: list[requests.Response] = field(default_factory=list)

    @property
    def last(self) -> requests.Response:
        return self.responses[-1]

    def urls(self) -> list[str]:
        return [r.url for r in self.responses]

    def first_to(self, site: str) -> requests.Response | None:
        """The first response that came from ``site`` (scheme://host:port)."""
        return next((r for r in self.responses if origin(r.url) == site), None)


def follow(http: requests.Session, response: requests.Response, trip: RoundTrip) -> requests.Response:
    """Follow ``response``'s redirects one at a time, recording each answer in ``trip``."""
    for _ in range(MAX_HOPS):
        trip.responses.append(response)
        if not response.is_redirect:
            return response
        target = urljoin(response.url, response.headers["Location"])
        response = http.get(target, allow_redirects=False, timeout=REQUEST_TIMEOUT)
    raise ProviderFlowError(f"more than {MAX_HOPS} redirects: {' -> '.join(trip.urls()[-4:])}")


def sign_in_through_provider(http: requests.Session, start_url: str, username: str, password: str) -> RoundTrip:
    """Open ``start_url`` (the app's login route), sign in on the provider's page, come back.

    Returns every response on the way; the last is where the browser ends up
    (the app's page after its callback, or the provider's form again when it
    refused the password).

    :raises ProviderFlowError: when no login form comes up, or the redirects never end.
    """
    trip = RoundTrip()
    page = follow(http, http.get(start_url, allow_redirects=False, timeout=REQUEST_TIMEOUT), trip)
    form = login_form(page)
    if form is None:
        # A provider that still knows the browser signs it in without a form: the trip is complete.
        if origin(page.url) == origin(start_url) and page.status_code < 400:
            return trip
        raise ProviderFlowError(f"no login form at {page.url} ({page.status_code}): {page.text[:200]!r}")
    if form.method != "post":
        raise ProviderFlowError(f"the provider's login form at {page.url} does not post")
    posted = http.post(
        form.action, data=form.filled(username, password), allow_redirects=False, timeout=REQUEST_TIMEOUT
    )
    follow(http, posted, trip)
    return trip


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``: where a browser sends its cookies and what counts as one site."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
