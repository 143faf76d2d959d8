"""Forgot password: S15, the same answer for known and unknown accounts; skipped when the spec has none."""

from __future__ import annotations

import re

import pytest

from generator.kit.checks import assert_html, assert_json, media_type
from generator.kit.client import UNKNOWN_ACCOUNT, AppClient, ClientFactory, FakeControl, FixtureUser
from generator.model import Operation


def request_for(forgot_password: Operation, user: FixtureUser | None) -> dict[str, str]:
    """The forgot-password inputs for ``user`` (an e-mail address or username), or for nobody."""
    values = {}
    for name in forgot_password.inputs:
        if user is None:
            values[name] = UNKNOWN_ACCOUNT
        elif "email" in name:
            if "email" not in user.expected:
                pytest.skip(f"the test users give no email for {user.key!r}")
            values[name] = str(user.expected["email"])
        else:
            values[name] = user.username
    return values


def comparable_page(html: str, submitted: dict[str, str], csrf_field: str) -> str:
    """The page without what may rightly differ between two requests: the values the user
    submitted (echoed back) and the CSRF token's value (new for each session).

    Everything else is compared, hidden inputs included: a field that differs
    for a known account tells an attacker the account exists.
    """
    for value in submitted.values():
        html = html.replace(value, "...")
    return re.sub(r"<(?:input|meta)\b[^>]*>", lambda tag: _mask_csrf(tag.group(0), csrf_field), html)


def _mask_csrf(tag: str, csrf_field: str) -> str:
    """An ``<input>`` named ``csrf_field`` or a ``<meta>`` named like a CSRF token, its value masked."""
    name = re.search(r"""\bname\s*=\s*["']?([^"'\s>]+)""", tag)
    if name is None or not (name.group(1) == csrf_field or "csrf" in name.group(1).lower() and tag.startswith("<meta")):
        return tag
    return re.sub(r"""\b(value|content)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", r'\1="***"', tag)


def test_forgot_page_is_html(browser: AppClient, forgot_password: Operation) -> None:
    assert_html(browser.get(browser.route("forgot")), 200)


def test_s15_forgot_json_same_for_known_and_unknown(
    new_client: ClientFactory, fake: FakeControl, forgot_password: Operation, plain_user: FixtureUser
) -> None:
    known = new_client().submit("forgot", request_for(forgot_password, plain_user))
    unknown = new_client().submit("forgot", request_for(forgot_password, None))
    assert assert_json(known, 202) == {"status": "sent"}
    assert (unknown.status_code, media_type(unknown), unknown.json()) == (202, media_type(known), known.json())
    assert fake.count("forgot_password") >= 1, "the app never asked the service to send a reset"


def test_s15_forgot_form_same_page_for_known_and_unknown(
    new_client: ClientFactory, forgot_password: Operation, plain_user: FixtureUser
) -> None:
    known_values, unknown_values = request_for(forgot_password, plain_user), request_for(forgot_password, None)
    known_client, unknown_client = new_client(browser=True), new_client(browser=True)
    known = assert_html(known_client.submit("forgot", known_values), 200)
    unknown = assert_html(unknown_client.submit("forgot", unknown_values), 200)
    field = known_client.csrf().field
    assert comparable_page(known, known_values, field) == comparable_page(unknown, unknown_values, field)
