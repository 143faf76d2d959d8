"""CSRF: S8, every state-changing POST without the token from ``{prefix}/csrf`` is a 403.

Form posts carry the token in the field ``/csrf`` names, JSON posts in the
header it names; nothing else about the mechanism is assumed.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests

from generator.kit.checks import assert_html, assert_json, assert_json_error
from generator.kit.client import AppClient, ClientFactory, FixtureUser
from generator.model import Operation


def assert_csrf_refused(response: requests.Response, client: AppClient) -> None:
    """403: ``csrf_failed`` in JSON for API clients, a page for browsers."""
    if client.browser:
        assert_html(response, 403)
    else:
        assert_json_error(response, 403, "csrf_failed")


def test_csrf_route_names_the_token_header_and_field(api: AppClient) -> None:
    body = assert_json(api.get(api.route("csrf"), headers={"Accept": None}), 200)
    assert set(body) == {"csrf_token", "header", "field"}
    assert all(isinstance(value, str) and value for value in body.values())


@pytest.mark.password_form
def test_s08_login_without_csrf_is_403(either_client: AppClient, plain_user: FixtureUser) -> None:
    assert_csrf_refused(either_client.login(plain_user.username, plain_user.password, csrf=False), either_client)
    assert not either_client.signed_in()


@pytest.mark.password_form
def test_s08_login_with_a_wrong_csrf_token_is_403(either_client: AppClient, plain_user: FixtureUser) -> None:
    response = either_client.login(plain_user.username, plain_user.password, csrf="not-the-token")
    assert_csrf_refused(response, either_client)
    assert not either_client.signed_in()


@pytest.mark.password_form
def test_s08_csrf_token_only_in_the_query_string_is_403(either_client: AppClient, plain_user: FixtureUser) -> None:
    """The token counts only in the form field or the header: a URL leaks into logs and Referer headers."""
    names = either_client.csrf()
    path = either_client.route("login") + "?" + urlencode({names.field: names.token, names.header: names.token})
    fields = {"username": plain_user.username, "password": plain_user.password}
    if either_client.browser:
        response = either_client.request("POST", path, data=fields)
    else:
        response = either_client.request("POST", path, json=fields)
    assert_csrf_refused(response, either_client)
    assert not either_client.signed_in()


@pytest.mark.password_form
def test_s08_form_post_with_csrf_token_only_in_the_query_string_is_403_json(
    api: AppClient, plain_user: FixtureUser
) -> None:
    """A form body from a script that asks for JSON: ``csrf_failed``, whatever the body's type."""
    names = api.csrf()
    path = api.route("login") + "?" + urlencode({names.field: names.token})
    response = api.request("POST", path, data={"username": plain_user.username, "password": plain_user.password})
    assert_json_error(response, 403, "csrf_failed")
    assert not api.signed_in()


@pytest.mark.password_form
def test_s08_csrf_token_of_another_session_is_403(new_client: ClientFactory, plain_user: FixtureUser) -> None:
    other = new_client().csrf().token
    client = new_client()
    client.csrf()  # a session of its own, with another token
    assert_csrf_refused(client.login(plain_user.username, plain_user.password, csrf=other), client)
    assert not client.signed_in()


def test_s08_logout_without_csrf_is_403(either_client: AppClient, plain_user: FixtureUser) -> None:
    either_client.sign_in(plain_user)
    assert_csrf_refused(either_client.logout(csrf=False), either_client)
    assert either_client.signed_in(), "a refused sign-out leaves the session alone"


def test_s08_register_without_csrf_is_403(either_client: AppClient, register: Operation) -> None:
    fields = {name: "kit@example.com" if "email" in name else "Kit-value-1" for name in register.inputs}
    assert_csrf_refused(either_client.submit("register", fields, csrf=False), either_client)


def test_s08_forgot_without_csrf_is_403(either_client: AppClient, forgot_password: Operation) -> None:
    fields = dict.fromkeys(forgot_password.inputs, "kit@example.com")
    assert_csrf_refused(either_client.submit("forgot", fields, csrf=False), either_client)
