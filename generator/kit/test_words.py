"""The words: the app says the catalogue's texts (``generator/plan/messages.py``), and dates in its one format.

Every authgen integration answers the same event with the same words; these
checks hold an app to the catalogue where the contract makes the event easy
to cause from outside: an anonymous API client (S1), a wrong password (S6),
a post without its CSRF token (S8), and the date-times of ``me`` (S3).
"""

from __future__ import annotations

import re

import pytest

from generator.kit.checks import assert_html, assert_json, assert_json_error
from generator.kit.client import AppClient, ClientFactory, FixtureUser
from generator.model import Spec
from generator.plan.messages import DATE_PATTERN, ERRORS


def test_s01_an_anonymous_api_client_is_told_to_sign_in(api: AppClient) -> None:
    """On ``me``, the integration's own route (test_guards checks the app's guarded routes answer 401 at all)."""
    assert assert_json_error(api.me(), 401, "unauthorized") == ERRORS["unauthorized"]


@pytest.mark.password_form
def test_s06_a_wrong_password_gets_the_catalogue_message(api: AppClient, plain_user: FixtureUser) -> None:
    response = api.login(plain_user.username, plain_user.password + "-wrong")
    assert assert_json_error(response, 401, "invalid_credentials") == ERRORS["invalid_credentials"]


@pytest.mark.password_form
def test_s08_a_post_without_csrf_says_the_form_expired(api: AppClient, plain_user: FixtureUser) -> None:
    response = api.login(plain_user.username, plain_user.password, csrf=False)
    assert assert_json_error(response, 403, "csrf_failed") == ERRORS["csrf_failed"]


@pytest.mark.password_form
def test_s08_the_csrf_failure_page_says_the_form_expired_and_offers_a_fresh_form(
    new_client: ClientFactory, plain_user: FixtureUser
) -> None:
    """A link back to the form, or the form itself again with a token in its CSRF field."""
    field = new_client().csrf().field
    browser = new_client(browser=True)
    page = assert_html(browser.login(plain_user.username, plain_user.password, csrf=False), 403)
    assert ERRORS["csrf_failed"] in page, "the page says the form expired, in the catalogue's words"
    login = re.escape(browser.route("login"))
    link = re.search(rf'<a [^>]*href="{login}(\?[^"]*)?"', page)
    form = re.search(rf'<form [^>]*action="{login}(\?[^"]*)?"', page) and re.search(
        rf'name="{re.escape(field)}"[^>]* value="[^"]+"|value="[^"]+"[^>]* name="{re.escape(field)}"', page
    )
    assert link or form, "the page links back to the login form, or shows it again with a fresh CSRF token"


def test_s03_me_gives_date_times_in_utc_to_the_second(api: AppClient, spec: Spec, plain_user: FixtureUser) -> None:
    given = [f.name for f in spec.user if f.type == "datetime" and plain_user.fields.get(f.name) is not None]
    if not given:
        pytest.skip("the user has no date-time field with a value")
    api.sign_in(plain_user)
    me = assert_json(api.me(), 200)
    dates = {name: me.get(name) for name in given}
    wrong = {
        name: value for name, value in dates.items() if not isinstance(value, str) or not re.match(DATE_PATTERN, value)
    }
    assert not wrong, f"date-times must read like 2024-03-05T09:30:00+00:00: {wrong}"
