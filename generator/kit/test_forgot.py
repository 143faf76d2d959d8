"""Forgot password: S15, the same answer for known and unknown accounts; skipped when the spec has none."""

from __future__ import annotations

import re

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
            values[name] = str(user.expected["email"])
        else:
            values[name] = user.username
    return values


def comparable_page(html: str, submitted: dict[str, str]) -> str:
    """A page without what may differ between two requests: the submitted values, form inputs and meta tags."""
    for value in submitted.values():
        html = html.replace(value, "...")
    return re.sub(r"<(input|meta)\b[^>]*>", r"<\1>", html)


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
    known = assert_html(new_client(browser=True).submit("forgot", known_values), 200)
    unknown = assert_html(new_client(browser=True).submit("forgot", unknown_values), 200)
    assert comparable_page(known, known_values) == comparable_page(unknown, unknown_values)
