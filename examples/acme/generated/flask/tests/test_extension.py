"""The extension beyond the smoke cases: configuration, content negotiation, pages."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from flask_acme import Acme, ConfigurationError
from flask_acme.config import SESSION_KEY
from flask_acme.signed_out import SignedOutSessions
from flask_acme.views import blueprint
from support import (
    HTML,
    JSON,
    OWN_METHOD_NOT_ALLOWED,
    OWN_NOT_FOUND,
    PREFIX,
    SESSION_TTL,
    SETTINGS,
    USERS,
    Clock,
    Service,
    add_own_routes,
    csrf_token,
    error_of,
    make_app,
    session_contents,
    sign_in,
    signed_in,
)


def test_a_missing_required_setting_fails_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Flask(__name__)
    monkeypatch.delenv("ACME_API_KEY", raising=False)
    monkeypatch.delenv("ACME_APP_ID", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        Acme(app)
    message = str(caught.value)
    assert "SECRET_KEY" in message
    assert "ACME_API_KEY" in message and "ACME_API_KEY" in message
    assert "ACME_APPLICATION_ID" in message and "ACME_APP_ID" in message


def test_settings_fall_back_to_the_environment(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_API_KEY", SETTINGS["ACME_API_KEY"])
    monkeypatch.setenv("ACME_APP_ID", SETTINGS["ACME_APPLICATION_ID"])
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", ACME_BASE_URL=service.url)
    Acme(app)
    client = app.test_client()
    sign_in(client)
    assert signed_in(client)


def test_a_setting_is_also_read_from_app_config_under_its_environment_name(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ACME_APP_ID`` works as an ``app.config`` key too, so ``from_prefixed_env()`` loads ``FLASK_ACME_APP_ID``."""
    monkeypatch.delenv("ACME_APP_ID", raising=False)
    config = {key: value for key, value in SETTINGS.items() if key != "ACME_APPLICATION_ID"}
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", ACME_BASE_URL=service.url, **config)
    app.config["ACME_APP_ID"] = SETTINGS["ACME_APPLICATION_ID"]
    extension = Acme(app)
    with app.app_context():
        assert extension.settings.application_id == SETTINGS["ACME_APPLICATION_ID"]


@pytest.mark.parametrize(
    "setting, value",
    [
        ("ACME_SESSION_TTL", "soon"),
        ("ACME_PRIMARY_COLOR", "red;}</style>"),
        ("ACME_ROUTE_PREFIX", "auth"),
        ("ACME_LOGIN_LIMIT_PER_ACCOUNT", "many"),
        ("ACME_LOGIN_LIMIT_PER_CLIENT", -1),
        ("ACME_LOGIN_LIMIT_WINDOW", "0"),
    ],
)
def test_an_invalid_setting_fails_at_start_up(service: Service, setting: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=setting):
        make_app(service, **{setting: value})


def test_a_signed_out_db_that_cannot_be_written_fails_at_start_up(service: Service, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    with pytest.raises(ConfigurationError, match="ACME_SIGNED_OUT_DB"):
        make_app(service, ACME_SIGNED_OUT_DB=str(not_a_folder / "signed-out.sqlite3"))


def test_the_application_factory_pattern(service: Service) -> None:
    extension = Acme()
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", ACME_BASE_URL=service.url, **SETTINGS)
    extension.init_app(app)
    with app.app_context():
        assert extension.settings.base_url == service.url
        assert extension.client.base_url == service.url


def test_an_existing_apps_own_form_posts_need_no_token_of_the_integration(service: Service) -> None:
    client = make_app(service, existing=True).test_client()
    assert client.post("/notes", data={"text": "hello"}).status_code == 201
    login = client.post(f"{PREFIX}/login", data={"username": "a", "password": "b"}, headers=HTML)
    assert login.status_code == 403, "the integration's own posts still need their token"


def test_the_whole_app_is_protected_when_it_asks(service: Service) -> None:
    client = make_app(service, existing=True, ACME_CSRF_APP_WIDE="true").test_client()
    assert client.post("/notes", data={"text": "hello"}).status_code == 400
    assert client.post("/notes", data={"text": "hello", "csrf_token": csrf_token(client)}).status_code == 201


@pytest.mark.parametrize("exempt", [False, True], ids=["app-wide", "integration-exempted"])
def test_an_apps_own_csrfprotect_is_kept_and_the_integration_stays_protected(service: Service, exempt: bool) -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", ACME_BASE_URL=service.url, **SETTINGS)
    csrf = CSRFProtect(app)
    add_own_routes(app)
    if exempt:
        csrf.exempt(blueprint)
    Acme(app)
    assert app.extensions["csrf"] is csrf
    client = app.test_client()
    assert client.post("/notes", data={"text": "hello"}).status_code == 400, "the app's protection is in place"
    user = USERS["user"]
    login = client.post(
        f"{PREFIX}/login", json={"username": user["username"], "password": user["password"]}, headers=JSON
    )
    assert login.status_code == 403
    assert error_of(login)["code"] == "csrf_failed"
    sign_in(client)
    assert signed_in(client)


def test_no_error_handler_is_installed_beyond_the_blueprint(service: Service) -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", ACME_BASE_URL=service.url, **SETTINGS)
    Acme(app)
    assert not any(app.error_handler_spec[None].values())


def test_an_existing_apps_error_pages_stay_and_the_integration_keeps_its_json_errors(service: Service) -> None:
    client = make_app(service, existing=True).test_client()
    missing = client.get("/nowhere")
    assert (missing.status_code, missing.text) == (404, OWN_NOT_FOUND)
    wrong = client.put("/notes")
    assert (wrong.status_code, wrong.text) == (405, OWN_METHOD_NOT_ALLOWED)
    logout = client.get(f"{PREFIX}/logout", headers=JSON)
    assert (logout.status_code, error_of(logout)["code"]) == (405, "method_not_allowed")
    assert logout.headers["Allow"] == "OPTIONS, POST"
    assert client.options(f"{PREFIX}/logout").headers["Allow"] == "OPTIONS, POST"


def test_an_unexpected_answer_when_the_user_is_fetched_again_is_502_and_signs_nobody_out(
    client: FlaskClient, service: Service, clock: Clock
) -> None:
    sign_in(client)
    service.fault(operation="get_user", status=418, times=1)
    clock.advance(SESSION_TTL + 1)
    response = client.get("/", headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (502, "failed")
    assert signed_in(client), "the service said nothing about the user: the next request asks again"


def test_an_existing_login_manager_is_used(service: Service) -> None:
    app = Flask(__name__)
    manager = LoginManager(app)
    app.config.update(SECRET_KEY="test-secret-key", ACME_BASE_URL=service.url, **SETTINGS)
    Acme(app)
    assert app.login_manager is manager  # type: ignore[attr-defined]
    client = app.test_client()
    sign_in(client)
    assert signed_in(client)


def test_the_route_prefix_is_configurable(service: Service) -> None:
    client = make_app(service, ACME_ROUTE_PREFIX="/account/").test_client()
    assert client.get("/account/login", headers=HTML).status_code == 200
    assert client.get(f"{PREFIX}/login", headers=HTML).status_code == 404


def test_routes_answer_406_for_what_they_cannot_produce(client: FlaskClient) -> None:
    assert client.get(f"{PREFIX}/me", headers={"Accept": "text/html"}).status_code == 406
    response = client.get(f"{PREFIX}/login", headers=JSON)
    assert response.status_code == 406
    assert error_of(response)["code"] == "not_acceptable"


def test_no_accept_header_gets_html_pages_and_json_me(client: FlaskClient) -> None:
    assert client.get(f"{PREFIX}/login").mimetype == "text/html"
    assert client.get(f"{PREFIX}/me").mimetype == "application/json"


def test_a_body_that_is_not_a_json_object_is_400(client: FlaskClient) -> None:
    headers = {**JSON, "X-CSRFToken": csrf_token(client), "Content-Type": "application/json"}
    for body in ("{not json", "[1, 2]", "null"):
        response = client.post(f"{PREFIX}/login", data=body, headers=headers)
        assert response.status_code == 400, body
        assert error_of(response)["code"] == "invalid_input"


def test_a_post_that_is_neither_json_nor_a_form_is_415(client: FlaskClient) -> None:
    headers = {**JSON, "X-CSRFToken": csrf_token(client), "Content-Type": "text/plain"}
    response = client.post(f"{PREFIX}/login", data="username=a&password=b", headers=headers)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_a_json_login_without_a_password_is_400(client: FlaskClient) -> None:
    headers = {**JSON, "X-CSRFToken": csrf_token(client)}
    response = client.post(f"{PREFIX}/login", json={"username": USERS["user"]["username"]}, headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_input"


def test_login_answers_the_same_user_as_me_and_a_token_that_works(client: FlaskClient) -> None:
    user = USERS["user"]
    headers = {**JSON, "X-CSRFToken": csrf_token(client)}
    body = client.post(
        f"{PREFIX}/login", json={"username": user["username"], "password": user["password"]}, headers=headers
    ).get_json()
    assert body["user"] == client.get(f"{PREFIX}/me").get_json()
    logout = client.post(f"{PREFIX}/logout", headers={**JSON, "X-CSRFToken": body["csrf_token"]})
    assert logout.status_code == 204


def test_the_session_caches_the_users_fields_and_nothing_derived(app: Flask, client: FlaskClient) -> None:
    sign_in(client)
    me = client.get(f"{PREFIX}/me", headers=JSON).get_json()
    cached = session_contents(app, client)[SESSION_KEY]["user"]
    assert "is_staff" not in cached and "is_admin" not in cached
    assert {**cached, "is_staff": me["is_staff"], "is_admin": me["is_admin"]} == me
    # A cache written with the derived values (as versions before this one did) still loads.
    with client.session_transaction() as session:
        session[SESSION_KEY] = {**session[SESSION_KEY], "user": me}
    assert client.get(f"{PREFIX}/me", headers=JSON).get_json() == me


def test_the_pages_are_accessible_and_branded(service: Service) -> None:
    app = make_app(
        service,
        ACME_BRAND_NAME="Example & Co",
        ACME_LOGO_URL="https://cdn.example/logo.svg",
        ACME_PRIMARY_COLOR="#0a7d38",
    )
    page = app.test_client().get(f"{PREFIX}/login", headers=HTML).text
    assert '<html lang="en">' in page
    assert '<img src="https://cdn.example/logo.svg" alt="Example &amp; Co">' in page
    assert "--primary: #0a7d38;" in page
    assert '<label for="username">' in page and '<label for="password">' in page
    assert 'autocomplete="current-password"' in page
    assert 'role="alert"' in page
    assert "<link" not in page and "<script" not in page, "no external assets"


def test_a_page_is_overridden_by_the_app(service: Service, tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "login.html").write_text("<p>Our own login page</p>", encoding="utf-8")
    app = make_app(service)
    app.template_folder = str(tmp_path)
    assert app.test_client().get(f"{PREFIX}/login", headers=HTML).text == "<p>Our own login page</p>"


def test_a_form_error_is_announced_next_to_the_form(client: FlaskClient) -> None:
    page = client.get(f"{PREFIX}/login", headers=HTML).text
    assert 'aria-describedby="form-error"' in page
    user = USERS["user"]
    answer = client.post(
        f"{PREFIX}/login",
        data={"username": user["username"], "password": "", "csrf_token": csrf_token(client)},
        headers=HTML,
    )
    assert answer.status_code == 400
    assert 'aria-invalid="true"' in answer.text


def test_the_example_app_answers_by_accept_and_406_for_what_it_cannot_produce(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ACME_BASE_URL", service.url)
    monkeypatch.setenv("ACME_API_KEY", SETTINGS["ACME_API_KEY"])
    monkeypatch.setenv("ACME_APP_ID", SETTINGS["ACME_APPLICATION_ID"])
    spec = importlib.util.spec_from_file_location("example", Path(__file__).parent.parent / "example.py")
    assert spec and spec.loader
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    client = example.app.test_client()
    sign_in(client)
    assert client.get("/", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/").mimetype == "text/html"
    for api_client in ("application/json, text/plain, */*", "application/json, text/javascript, */*; q=0.01"):
        assert client.get("/", headers={"Accept": api_client}).is_json


def test_an_unexpected_failure_is_a_json_error_without_details(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client)
    token = csrf_token(client)

    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error in /var/lib/app/instance")

    monkeypatch.setattr(SignedOutSessions, "add", broken)
    response = client.post(f"{PREFIX}/logout", headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 500
    assert error_of(response)["code"] == "failed"
    assert "disk" not in response.text and "/var" not in response.text
