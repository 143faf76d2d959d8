"""The smoke cases S1–S17 of every authgen integration, as Flask sees them.

The app runs in Flask's test client; the identity service is reached over
real HTTP (the bundled fake, unless the environment names a real one).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import current_user

from {{ cookiecutter.package }} import {{ [cookiecutter.class_name ~ "User", "InvalidCredentials"] | sort | join(", ") }}, service_session
from {{ cookiecutter.package }}.config import SESSION_KEY
from support import (
    FIELDS,
    GUARD_ROLE,
    HTML,
    JSON,
    PREFIX,
{%- if cookiecutter.has_register %}
    RUN,
{%- endif %}
    SESSION_TTL,
    TIMEOUT,
    USERS,
    Clock,
    Service,
    assert_user,
    csrf_token,
    error_of,
    login_form,
    login_json,
    make_app,
    session_contents,
    session_cookie,
    sign_in,
    signed_in,
)

#: The JSON type of each spec field type, in ``me``.
JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "email": str,
    "enum": str,
    "datetime": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
    "list<string>": list,
}

#: The Python type of each spec field type, on ``current_user``.
PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "email": str,
    "enum": str,
    "datetime": datetime,
    "int": int,
    "float": float,
    "bool": bool,
    "list<string>": tuple,
}

#: Where the login form must not send anyone (S9).
UNSAFE_NEXT = (
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/\tevil",
)


def test_s01_anonymous_browser_is_sent_to_login(client: FlaskClient) -> None:
    for headers in (HTML, {}):
        response = client.get("/admin", query_string={"tab": "1"}, headers=headers)
        assert response.status_code in (302, 303)
        target = urlsplit(response.location)
        assert target.path == f"{PREFIX}/login"
        assert parse_qs(target.query) == {"next": ["/admin?tab=1"]}


def test_s01_anonymous_api_client_gets_401(client: FlaskClient) -> None:
    for path in ("/", "/admin", f"{PREFIX}/me"):
        response = client.get(path, headers=JSON)
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthorized"


def test_s02_login_sets_httponly_samesite_cookie_and_follows_safe_next(client: FlaskClient) -> None:
    user = USERS["user"]
    response = login_form(client, user["username"], user["password"], next="/admin?tab=1")
    assert response.status_code == 303
    assert response.location == "/admin?tab=1"
    (cookie,) = [header for header in response.headers.getlist("Set-Cookie") if header.startswith("session=")]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert client.get("/", headers=HTML).status_code == 200


def test_s02_login_without_next_goes_home(client: FlaskClient) -> None:
    user = USERS["user"]
    response = login_form(client, user["username"], user["password"])
    assert (response.status_code, response.location) == (303, "/")


@pytest.mark.parametrize("key", ["admin", "user"])
def test_s03_me_returns_the_mapped_fields_with_their_types(client: FlaskClient, key: str) -> None:
    user = sign_in(client, key)
    me = client.get(f"{PREFIX}/me").get_json()
    assert_user(me, user)
    for name, (kind, optional) in FIELDS.items():
        value, want = me[name], user["fields"].get(name)
        if name not in user["fields"]:
            assert isinstance(value, JSON_TYPES[kind]) or (optional and value is None), name
        elif value is None:
            assert optional and want is None, name
        elif kind == "datetime":
            assert isinstance(value, str)
            assert _instant(value) == _instant(want), name
        else:
            assert isinstance(value, JSON_TYPES[kind]) and value == want, name


def test_s04_current_user_is_the_typed_user(client: FlaskClient) -> None:
    user = sign_in(client, "admin")
    with client:
        assert client.get("/", headers=JSON).status_code == 200
        native = current_user._get_current_object()
    assert isinstance(native, {{ cookiecutter.class_name }}User)
    assert native.is_authenticated and native.is_active
    assert_user({name: getattr(native, name) for name in user["expected"]}, user)
    for name, (kind, optional) in FIELDS.items():
        value = getattr(native, name)
        assert isinstance(value, PYTHON_TYPES[kind]) or (optional and value is None), name
    assert native.has_roles(GUARD_ROLE)


def test_s05_user_without_the_role_gets_403(client: FlaskClient) -> None:
    sign_in(client, "user")
    response = client.get("/admin", headers=JSON)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    page = client.get("/admin", headers=HTML)
    assert page.status_code == 403
    assert page.mimetype == "text/html"


def test_s05_user_with_the_role_gets_200(client: FlaskClient) -> None:
    sign_in(client, "admin")
    assert client.get("/admin", headers=JSON).status_code == 200
    assert client.get("/admin", headers=HTML).status_code == 200


def test_s06_wrong_password_gets_a_generic_error_and_no_session(app: Flask, client: FlaskClient) -> None:
    user = USERS["user"]
    wrong = login_json(client, user["username"], user["password"] + "-wrong")
    unknown = login_json(app.test_client(), "nobody@example.invalid", user["password"])
    assert wrong.status_code == unknown.status_code == 401
    assert error_of(wrong) == error_of(unknown) == {
        "code": "invalid_credentials",
        "message": InvalidCredentials.public_message,
    }
    assert not signed_in(client)
    assert "_user_id" not in session_contents(app, client)


def test_s06_wrong_password_in_the_form_shows_the_page_again(client: FlaskClient) -> None:
    user = USERS["user"]
    page = login_form(client, user["username"], user["password"] + "-wrong")
    assert page.status_code == 401
    assert InvalidCredentials.public_message in page.text
    assert not signed_in(client)


def test_s07_logout_is_post_only(client: FlaskClient) -> None:
    sign_in(client)
    response = client.get(f"{PREFIX}/logout", headers=JSON)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert signed_in(client)


def test_s07_logout_ends_the_session(app: Flask, client: FlaskClient) -> None:
    sign_in(client)
    before = session_cookie(app, client)
    response = client.post(f"{PREFIX}/logout", headers={**JSON, "X-CSRFToken": csrf_token(client)})
    assert response.status_code == 204
    assert not signed_in(client)
    replayed = app.test_client()
    replayed.set_cookie(app.config["SESSION_COOKIE_NAME"], before)
    assert not signed_in(replayed), "the cookie from before logout must not sign in again"


def test_s07_logout_survives_a_restart(service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cookie copied before logout signs no one in after a restart: a new app, state and all, on the same instance folder."""
    monkeypatch.delenv("{{ cookiecutter.config_prefix }}_SIGNED_OUT_DB")  # the default: a file in the instance folder
    app = make_app(service, instance_path=tmp_path)
    client = app.test_client()
    sign_in(client)
    copied = session_cookie(app, client)
    assert client.post(f"{PREFIX}/logout", headers={**JSON, "X-CSRFToken": csrf_token(client)}).status_code == 204
    restarted = make_app(service, instance_path=tmp_path)
    replayed = restarted.test_client()
    replayed.set_cookie(restarted.config["SESSION_COOKIE_NAME"], copied)
    assert not signed_in(replayed), "the cookie from before logout must not sign in after a restart"
    assert (tmp_path / "{{ cookiecutter.slug }}-signed-out.sqlite3").is_file()


def test_s07_logout_form_goes_to_the_login_page(client: FlaskClient) -> None:
    sign_in(client)
    response = client.post(f"{PREFIX}/logout", data={"csrf_token": csrf_token(client)}, headers=HTML)
    assert response.status_code == 303
    assert urlsplit(response.location).path == f"{PREFIX}/login"
    assert not signed_in(client)


def test_s08_posts_without_a_csrf_token_are_refused(client: FlaskClient) -> None:
    user = USERS["user"]
    credentials = {"username": user["username"], "password": user["password"]}
    response = client.post(f"{PREFIX}/login", json=credentials, headers=JSON)
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    page = client.post(f"{PREFIX}/login", data=credentials, headers=HTML)
    assert page.status_code == 403
    assert page.mimetype == "text/html"
    assert not signed_in(client)


def test_s08_logout_without_a_csrf_token_is_refused(client: FlaskClient) -> None:
    sign_in(client)
    response = client.post(f"{PREFIX}/logout", headers=JSON)
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    assert signed_in(client)


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_s09_unsafe_next_is_not_followed(client: FlaskClient, next_url: str) -> None:
    user = USERS["user"]
    response = login_form(client, user["username"], user["password"], next=next_url)
    assert (response.status_code, response.location) == (303, "/")


def test_s09_an_over_long_next_is_dropped(client: FlaskClient) -> None:
    user = USERS["user"]
    response = login_form(client, user["username"], user["password"], next="/" + "a" * 10_240)
    assert (response.status_code, response.location) == (303, "/")
    longest = "/" + "a" * 2047
    assert login_form(client, user["username"], user["password"], next=longest).location == longest


def test_s10_the_session_changes_at_login(app: Flask, client: FlaskClient) -> None:
    client.get(f"{PREFIX}/login", headers=HTML)
    with client.session_transaction() as before_login:
        before_login["planted"] = "by whoever held the session before"
    before = session_cookie(app, client)
    sign_in(client)
    assert session_cookie(app, client) != before
    assert "planted" not in session_contents(app, client)
    attacker = app.test_client()
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], before)
    assert not signed_in(attacker)


@pytest.mark.parametrize(
    "fault",
    [{"status": 503}, {"status": 500}, {"drop": True}, {"delay": TIMEOUT + 1, "times": 1}],
    ids=["503", "500", "dropped", "timeout"],
)
def test_s11_service_failure_at_login_is_503_without_a_session(
    client: FlaskClient, service: Service, fault: dict[str, Any]
) -> None:
    user = USERS["user"]
    service.fault(operation="login", **fault)
    response = login_json(client, user["username"], user["password"])
    assert response.status_code == 503
    assert error_of(response)["code"] == "service_unavailable"
    assert not signed_in(client)
    service.fault(operation="login", **fault)
    page = login_form(client, user["username"], user["password"])
    assert (page.status_code, page.mimetype) == (503, "text/html")
    assert not signed_in(client)


def test_s11_service_failure_loading_the_user_at_login_is_503(client: FlaskClient, service: Service) -> None:
    service.fault(operation="get_user", status=503)
    user = USERS["user"]
    assert login_json(client, user["username"], user["password"]).status_code == 503
    assert not signed_in(client)


def test_s11_service_down_at_refresh_is_503_never_the_user(
    client: FlaskClient, service: Service, clock: Clock
) -> None:
    sign_in(client)
    service.fault(operation="get_user", status=503)
    clock.advance(SESSION_TTL + 1)
    for headers in (JSON, HTML):
        response = client.get("/", headers=headers)
        assert response.status_code == 503
        assert "Hello" not in response.text


def test_s12_no_service_calls_within_the_ttl_one_after(client: FlaskClient, service: Service, clock: Clock) -> None:
    sign_in(client)
    before = service.calls()
    for _ in range(5):
        assert client.get(f"{PREFIX}/me").status_code == 200
        assert client.get("/", headers=JSON).status_code == 200
    within = service.calls()
    assert (within["login"], within["get_user"]) == (before["login"], before["get_user"])
    clock.advance(SESSION_TTL + 1)
    for _ in range(5):
        assert client.get(f"{PREFIX}/me").status_code == 200
    after = service.calls()
    assert (after["login"], after["get_user"]) == (before["login"], before["get_user"] + 1)


@pytest.mark.parametrize("change", ["disable", "delete"])
def test_s12_user_disabled_or_deleted_at_the_service_is_signed_out_at_refresh(
    client: FlaskClient, service: Service, clock: Clock, change: str
) -> None:
    sign_in(client)
    getattr(service, change)("user")
    assert signed_in(client), "within the TTL the cached user is trusted"
    clock.advance(SESSION_TTL + 1)
    response = client.get(f"{PREFIX}/me")
    assert response.status_code == 401
    assert not signed_in(client)


def test_s13_disabled_user_cannot_log_in(client: FlaskClient) -> None:
    user = USERS["disabled"]
    response = login_json(client, user["username"], user["password"])
    assert response.status_code == 403
    assert error_of(response)["code"] == "account_disabled"
    page = login_form(client, user["username"], user["password"])
    assert page.status_code == 403
    assert not signed_in(client)


def test_s13_user_disabled_at_the_service_cannot_log_in(client: FlaskClient, service: Service) -> None:
    service.disable("user")
    user = USERS["user"]
    assert login_json(client, user["username"], user["password"]).status_code in (401, 403)
    assert not signed_in(client)
{% if cookiecutter.has_register %}

#: The password of the account the tests register.
NEW_PASSWORD = "New-pass-5 +&%"

#: What the tests register a new account with.
NEW_ACCOUNT = {
{%- for input in cookiecutter.register_inputs %}
    {{ input.name | py }}: {% if input.html_type == "email" %}f"new.person.{RUN}@example.com"{% elif input.html_type == "password" %}NEW_PASSWORD{% else %}f"New {{ input.label | lower }} {RUN}"{% endif %},
{%- endfor %}
}


def test_s14_register_creates_an_account_that_can_sign_in(client: FlaskClient, service: Service) -> None:
    headers = {**JSON, "X-CSRFToken": csrf_token(client)}
    response = client.post(f"{PREFIX}/register", json=NEW_ACCOUNT, headers=headers)
    assert (response.status_code, response.get_json()) == (201, {"status": "registered"})
    (new,) = [user for key, user in service.users().items() if key not in USERS]
    assert login_json(client, new["username"], NEW_PASSWORD).status_code == 200


def test_s14_register_form_sends_the_browser_to_login(client: FlaskClient) -> None:
    page = client.get(f"{PREFIX}/register", headers=HTML)
    assert page.status_code == 200
    response = client.post(f"{PREFIX}/register", data={**NEW_ACCOUNT, "csrf_token": csrf_token(client)}, headers=HTML)
    assert response.status_code == 303
    assert urlsplit(response.location).path == f"{PREFIX}/login"


def test_s14_register_an_existing_account_is_409(client: FlaskClient) -> None:
    existing = USERS["user"]["username"]
    taken = {name: existing for name in NEW_ACCOUNT if name == "username" or ("email" in name and "@" in existing)}
    if not taken:
        pytest.skip("no register input names the account")
    headers = {**JSON, "X-CSRFToken": csrf_token(client)}
    response = client.post(f"{PREFIX}/register", json={**NEW_ACCOUNT, **taken}, headers=headers)
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
{% else %}

def test_s14_register_is_absent_because_the_service_has_none(client: FlaskClient) -> None:
    assert client.get(f"{PREFIX}/register", headers=HTML).status_code == 404
{% endif %}
{%- if cookiecutter.has_forgot_password %}

#: Who asks for a password reset: a known account and an unknown one.
FORGOT_INPUTS = {{ cookiecutter.forgot_inputs | map(attribute="name") | list | py }}


def forgot_details(user: dict[str, Any] | None) -> dict[str, str]:
    """The forgot-password inputs for a fixture user, or for nobody."""
    if user is None:
        return dict.fromkeys(FORGOT_INPUTS, "nobody@example.invalid")
    return {name: str(user["expected"]["email"] if "email" in name else user["username"]) for name in FORGOT_INPUTS}


def test_s15_forgot_password_answers_the_same_for_known_and_unknown(app: Flask, service: Service) -> None:
    answers = []
    for user in (USERS["user"], None):
        client = app.test_client()
        headers = {**JSON, "X-CSRFToken": csrf_token(client)}
        response = client.post(f"{PREFIX}/forgot", json=forgot_details(user), headers=headers)
        answers.append((response.status_code, response.get_json()))
    assert answers[0] == answers[1] == (202, {"status": "sent"})
    resets = [reset["user"] for reset in service.calls()["password_resets"]]
    assert "user" in resets, "the service was asked to send the known account a reset"


def test_s15_forgot_password_page_is_the_same_for_known_and_unknown(app: Flask) -> None:
    pages = []
    for user in (USERS["user"], None):
        client = app.test_client()
        data = {**forgot_details(user), "csrf_token": csrf_token(client)}
        response = client.post(f"{PREFIX}/forgot", data=data, headers=HTML)
        pages.append((response.status_code, response.text))
    assert pages[0] == pages[1]
    assert pages[0][0] == 200
{% else %}

def test_s15_forgot_password_is_absent_because_the_service_has_none(client: FlaskClient) -> None:
    assert client.get(f"{PREFIX}/forgot", headers=HTML).status_code == 404
{% endif %}

def test_s16_passwords_never_reach_the_logs(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = USERS["user"]
    login_json(app.test_client(), user["username"], user["password"] + "-wrong")
    login_form(app.test_client(), user["username"], user["password"])
    sign_in(client)
    client.post(f"{PREFIX}/logout", headers={**JSON, "X-CSRFToken": csrf_token(client)})
{%- if cookiecutter.has_register %}
    client.post(f"{PREFIX}/register", json=NEW_ACCOUNT, headers={**JSON, "X-CSRFToken": csrf_token(client)})
{%- endif %}
    assert caplog.records, "nothing was logged at all: the test would prove nothing"
    for password in (user["password"], user["password"] + "-wrong"{% if cookiecutter.has_register %}, NEW_PASSWORD{% endif %}):
        assert password not in caplog.text


@pytest.mark.parametrize("login", [login_json, login_form], ids=["json", "form"])
def test_s17_no_service_token_is_readable_in_cookies(app: Flask, client: FlaskClient, login: Any) -> None:
    user = USERS["user"]
    with client:
        response = login(client, user["username"], user["password"])
        assert client.get(f"{PREFIX}/me").status_code == 200
        tokens = service_session()
    assert tokens, "the service session is kept, encrypted"
{%- if cookiecutter.public_values %}
    for name in {{ cookiecutter.public_values | py }}:  # marked public in the spec (an id, a link): no secret
        tokens.pop(name)
{%- endif %}
    contents = session_contents(app, client)
    # Values the user's own record shows (such as the user's id) are not secrets.
    public = json.dumps(contents[SESSION_KEY]["user"])
    readable = [session_cookie(app, client), json.dumps(contents), response.text, *response.headers.getlist("Set-Cookie")]
    for token in tokens.values():
        if token not in public:
            assert not any(token in text for text in readable), "a service token is readable"


def _instant(text: str) -> datetime:
    """An ISO 8601 date-time, ``Z`` or an offset, as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
