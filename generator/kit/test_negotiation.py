"""Content negotiation and request bodies: 406, 405, 415, 400, and which routes answer HTML or JSON."""

from __future__ import annotations

import pytest
import requests

from generator.kit.checks import (
    assert_html,
    assert_json,
    assert_json_error,
    assert_no_internals,
    assert_status,
    media_type,
)
from generator.kit.client import JSON, AppClient, FixtureUser


def assert_not_acceptable(response: requests.Response) -> None:
    """406; when the body is JSON, the contract's error with ``not_acceptable``."""
    assert_status(response, 406)
    if media_type(response) == JSON:
        assert_json_error(response, 406, "not_acceptable")


@pytest.mark.password_form
def test_login_page_without_accept_is_html(browser: AppClient) -> None:
    assert_html(browser.get(browser.route("login"), headers={"Accept": None}), 200)


def test_login_page_for_json_only_client_is_406(api: AppClient) -> None:
    assert_json_error(api.get(api.route("login")), 406, "not_acceptable")


@pytest.mark.parametrize("path", ["/", "/admin"])
def test_signed_in_page_for_an_accept_it_cannot_serve_is_406(
    api: AppClient, admin_user: FixtureUser, path: str
) -> None:
    """An image request to a page: 406, and no stack trace or file path in it (NODE_ENV unset too)."""
    api.sign_in(admin_user)
    response = api.get(path, headers={"Accept": "image/png"})
    assert_not_acceptable(response)
    assert_no_internals(response)


def test_me_without_accept_is_json(api: AppClient) -> None:
    assert_json_error(api.get(api.route("me"), headers={"Accept": None}), 401, "unauthorized")


def test_me_for_html_only_client_is_406(signed_in: AppClient) -> None:
    assert_not_acceptable(signed_in.get(signed_in.route("me"), headers={"Accept": "text/html"}))


def test_csrf_for_html_only_client_is_406(api: AppClient) -> None:
    assert_not_acceptable(api.get(api.route("csrf"), headers={"Accept": "text/html"}))


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("GET", "logout"),
        ("PUT", "login"),
        ("DELETE", "login"),
        ("POST", "me"),
        ("PUT", "me"),
        ("POST", "csrf"),
    ],
)
def test_wrong_method_is_405(signed_in: AppClient, method: str, route: str) -> None:
    """Sent with a valid CSRF header, so that only the method is wrong."""
    token = signed_in.csrf()
    response = signed_in.request(method, signed_in.route(route), headers={token.header: token.token})
    assert_json_error(response, 405, "method_not_allowed")


@pytest.mark.password_form
def test_post_with_other_content_type_is_415(api: AppClient) -> None:
    response = api.post_raw("login", "username=a&password=b", "text/plain")
    assert_json_error(response, 415, "unsupported_media_type")


@pytest.mark.password_form
@pytest.mark.parametrize(
    "body", ['{"username": "a", "password": ', "[1, 2]", '"text"', "null"], ids=["truncated", "array", "string", "null"]
)
def test_json_body_that_is_not_an_object_is_400(api: AppClient, body: str) -> None:
    assert_json_error(api.post_raw("login", body, JSON), 400, "invalid_input")
    assert not api.signed_in()


def test_signed_in_me_is_json(signed_in: AppClient) -> None:
    assert_json(signed_in.get(signed_in.route("me"), headers={"Accept": None}), 200)
