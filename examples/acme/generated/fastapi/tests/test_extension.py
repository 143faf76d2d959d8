"""The integration beyond the smoke cases: configuration, an existing app, content negotiation, pages."""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
import stat
import sys
import tempfile
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware

from fastapi_acme import Acme, AcmeUser, ConfigurationError
from fastapi_acme.config import SESSION_COOKIE
from fastapi_acme.store import SQLiteStore
from support import (
    BOTH_APPS,
    HTML,
    JSON,
    OWN_METHOD_NOT_ALLOWED,
    OWN_NOT_FOUND,
    PREFIX,
    SECRET_KEY,
    SESSION_TTL,
    SETTINGS,
    USERS,
    Clock,
    Service,
    browser,
    error_of,
    form_fields,
    get_without_accept,
    hidden_fields,
    json_headers,
    login_json,
    logout,
    make_app,
    mimetype,
    settings,
    sign_in,
    signed_in,
)

pytestmark = pytest.mark.anyio

#: The environment of an app configured by the environment alone, as in production.
ENVIRONMENT = {
    "ACME_SECRET_KEY": SECRET_KEY,
    "ACME_API_KEY": SETTINGS["api_key"],
    "ACME_APP_ID": SETTINGS["application_id"],
}


def configure(monkeypatch: pytest.MonkeyPatch, service: Service, **variables: str) -> None:
    """Put the settings of a test app in the environment, where ``Acme(app)`` reads them."""
    monkeypatch.setenv("ACME_BASE_URL", service.url)
    for name, value in {**ENVIRONMENT, **variables}.items():
        monkeypatch.setenv(name, str(value))


async def test_a_missing_required_setting_fails_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_SECRET_KEY", raising=False)
    monkeypatch.delenv("ACME_API_KEY", raising=False)
    monkeypatch.delenv("ACME_APP_ID", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        Acme(FastAPI())
    message = str(caught.value)
    assert "ACME_SECRET_KEY" in message
    assert "ACME_API_KEY" in message
    assert "ACME_APP_ID" in message
    assert "pydantic" not in message, "the problems in the settings' own words, not a validation dump"


async def test_settings_fall_back_to_the_environment(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, service)
    app = FastAPI()
    Acme(app)
    client = browser(app)
    await sign_in(client)
    assert await signed_in(client)


@pytest.mark.parametrize(
    "variable, value",
    [
        ("ACME_SESSION_TTL", "soon"),
        ("ACME_TIMEOUT", "0"),
        ("ACME_PRIMARY_COLOR", "red;}</style>"),
        ("ACME_ROUTE_PREFIX", "auth"),
        ("ACME_LOGIN_LIMIT_PER_ACCOUNT", "many"),
        ("ACME_LOGIN_LIMIT_PER_CLIENT", "-1"),
        ("ACME_LOGIN_LIMIT_WINDOW", "0"),
        ("ACME_REDIS_URL", "localhost:6379"),
    ],
)
async def test_an_invalid_setting_fails_at_start_up(
    service: Service, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    configure(monkeypatch, service, **{variable: value})
    with pytest.raises(ConfigurationError, match=variable):
        Acme(FastAPI())


async def test_a_session_store_that_cannot_be_written_fails_at_start_up(
    service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    configure(monkeypatch, service, ACME_SESSION_DB=str(not_a_folder / "sessions.sqlite3"))
    with pytest.raises(ConfigurationError, match="ACME_SESSION_DB"):
        Acme(FastAPI())


async def test_the_session_file_is_private(service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Sessions hold the service's tokens: the file is the app's user's alone, by default in a folder of its own."""
    make_app(service)
    assert stat.S_IMODE((tmp_path / "sessions.sqlite3").stat().st_mode) == 0o600, "ACME_SESSION_DB"
    shared = tmp_path / "tmp"
    shared.mkdir(mode=0o777)
    monkeypatch.delenv("ACME_SESSION_DB")
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    await sign_in(browser(make_app(service)))
    (database,) = shared.rglob("*.sqlite3")
    assert database.parent != shared, "not in the temporary folder every local user can write to"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    database.parent.chmod(0o777)
    with pytest.raises(ConfigurationError, match="ACME_SESSION_DB"):
        make_app(service)


async def test_an_existing_apps_own_form_posts_need_no_token_of_the_integration(service: Service) -> None:
    client = browser(make_app(service, existing=True))
    assert (await client.post("/notes", data={"text": "hello"})).status_code == 201
    login = await client.post(f"{PREFIX}/login", data={"username": "a", "password": "b"}, headers=HTML)
    assert login.status_code == 403, "the integration's own posts still need their token"


async def test_an_existing_apps_error_pages_stay_and_the_integration_keeps_its_json_errors(service: Service) -> None:
    client = browser(make_app(service, existing=True))
    missing = await client.get("/nowhere")
    assert (missing.status_code, missing.text) == (404, OWN_NOT_FOUND)
    wrong = await client.put("/notes")
    assert (wrong.status_code, wrong.text) == (405, OWN_METHOD_NOT_ALLOWED)
    response = await client.get(f"{PREFIX}/logout", headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    anonymous = await client.get(f"{PREFIX}/me", headers=JSON)
    assert (anonymous.status_code, error_of(anonymous)["code"]) == (401, "unauthorized")


async def test_an_existing_apps_lifespan_still_runs(service: Service) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        events.append("started")
        yield
        events.append("stopped")

    app = FastAPI(lifespan=lifespan)
    integration = Acme(app, settings=settings(service))
    async with app.router.lifespan_context(app):
        assert events == ["started"]
        client = browser(app)
        await sign_in(client)
        assert not integration.client.http.is_closed
    assert events == ["started", "stopped"]
    assert integration.client.http.is_closed, "the connections to the service are closed at shutdown"


async def test_an_apps_own_session_middleware_is_shared(service: Service) -> None:
    """An app that has sessions of its own keeps its cookie; the integration keeps its values in that session."""
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=SECRET_KEY)

    @app.get("/visits")
    async def visits(request: Request) -> dict[str, int]:
        request.session["visits"] = request.session.get("visits", 0) + 1
        return {"visits": request.session["visits"]}

    Acme(app, settings=settings(service))
    assert sum(middleware.cls is SessionMiddleware for middleware in app.user_middleware) == 1
    client = browser(app)
    await client.get("/visits")
    await sign_in(client)
    assert await signed_in(client)
    assert set(client.cookies.keys()) == {"session"}, "one cookie: the app's"
    assert (await client.get("/visits")).json() == {"visits": 1}, "sign-in starts a new session"
    assert await logout(client) == 204
    assert not await signed_in(client)


async def test_a_user_signed_out_at_refresh_leaves_the_apps_own_session_values(service: Service, clock: Clock) -> None:
    """Only sign-in and sign-out start the session afresh; a sign-out found while loading the user drops the integration's values."""
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=SECRET_KEY)

    @app.post("/cart")
    async def add_to_cart(request: Request) -> dict[str, str]:
        request.session["cart"] = "3 apples"
        return {}

    @app.get("/cart")
    async def cart(request: Request) -> dict[str, str | None]:
        return {"cart": request.session.get("cart")}

    Acme(app, settings=settings(service))
    client = browser(app)
    await sign_in(client)
    await client.post("/cart")
    service.disable("user")
    clock.advance(SESSION_TTL + 1)
    assert (await client.get(f"{PREFIX}/me")).status_code == 401
    assert (await client.get("/cart")).json() == {"cart": "3 apples"}


async def test_an_unexpected_answer_when_the_user_is_fetched_again_is_502_and_signs_nobody_out(
    client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    await sign_in(client)
    service.fault(operation="get_user", status=418, times=1)
    clock.advance(SESSION_TTL + 1)
    response = await client.get("/", headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (502, "failed")
    assert await signed_in(client), "the service said nothing about the user: the next request asks again"


async def test_the_route_prefix_is_configurable(service: Service) -> None:
    client = browser(make_app(service, route_prefix="/account/"))
    assert (await client.get("/account/login", headers=HTML)).status_code == 200
    assert (await client.get(f"{PREFIX}/login", headers=HTML)).status_code == 404
    assert (await client.get("/admin", headers=HTML)).headers["location"].startswith("/account/login?next=")


@BOTH_APPS
async def test_routes_answer_406_for_what_they_cannot_produce(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"{PREFIX}/me", headers={"Accept": "text/html"})).status_code == 406
    response = await client.get(f"{PREFIX}/login", headers=JSON)
    assert response.status_code == 406
    assert error_of(response)["code"] == "not_acceptable"


async def test_no_accept_header_gets_html_pages_and_json_me(client: httpx.AsyncClient) -> None:
    assert mimetype(await get_without_accept(client, f"{PREFIX}/login")) == "text/html"
    assert mimetype(await get_without_accept(client, f"{PREFIX}/me")) == "application/json"
    assert (await get_without_accept(client, "/admin")).status_code in (302, 303), "a browser"


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1, 2]",
        "null",
        "[" * 5_000 + "]" * 5_000,
        '{"username": "' + "a" * 200_000 + '", "password": "b"}',
    ],
    ids=["not-json", "array", "null", "too-deep", "too-large"],
)
async def test_a_body_that_is_not_a_json_object_is_400(client: httpx.AsyncClient, body: str) -> None:
    headers = {**await json_headers(client), "Content-Type": "application/json"}
    response = await client.post(f"{PREFIX}/login", content=body, headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_input"


@BOTH_APPS
async def test_a_post_that_is_neither_json_nor_a_form_is_415(client: httpx.AsyncClient) -> None:
    headers = {**await json_headers(client), "Content-Type": "text/plain"}
    response = await client.post(f"{PREFIX}/login", content="username=a&password=b", headers=headers)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    multipart = await client.post(
        f"{PREFIX}/login", files={"username": (None, "a")}, headers=await json_headers(client)
    )
    assert (multipart.status_code, error_of(multipart)["code"]) == (415, "unsupported_media_type")


async def test_options_names_the_methods_of_a_route(client: httpx.AsyncClient) -> None:
    response = await client.options(f"{PREFIX}/logout")
    assert response.status_code in (200, 204)
    assert "POST" in response.headers["Allow"] and "GET" not in response.headers["Allow"]


async def test_head_is_answered_as_get_and_other_methods_are_405(client: httpx.AsyncClient) -> None:
    head = await client.head(f"{PREFIX}/me", headers=JSON)
    assert (head.status_code, head.content) == (401, b"")
    assert (await client.head(f"{PREFIX}/login", headers=HTML)).status_code == 200
    response = await client.delete(f"{PREFIX}/me", headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (405, "method_not_allowed")
    assert {"GET", "HEAD"} <= {method.strip() for method in response.headers["Allow"].split(",")}


async def test_the_api_docs_describe_the_posts_not_the_pages(app: FastAPI) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # FastAPI warns of what makes the schema invalid, e.g. a duplicate operation id
        paths = app.openapi()["paths"]
    login = paths[f"{PREFIX}/login"]
    assert "get" not in login, "a page is no API"
    assert {"application/json", "application/x-www-form-urlencoded"} <= login["post"]["requestBody"]["content"].keys()
    assert f"{PREFIX}/me" in paths


async def test_concurrent_sign_ins_all_succeed(app: FastAPI) -> None:
    clients = [browser(app) for _ in range(6)]
    users = await asyncio.gather(*(sign_in(client, ("user", "admin")[n % 2]) for n, client in enumerate(clients)))
    for client, user in zip(clients, users, strict=True):
        me = (await client.get(f"{PREFIX}/me")).json()
        assert me["username"] == user["expected"]["username"]


async def test_a_json_login_without_a_password_is_400(client: httpx.AsyncClient) -> None:
    body = {"username": USERS["user"]["username"]}
    response = await client.post(f"{PREFIX}/login", json=body, headers=await json_headers(client))
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_input"


async def test_login_answers_the_same_user_as_me_and_a_token_that_works(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    token = (await json_headers(client)).copy()
    body = {"username": user["username"], "password": user["password"]}
    answer = (await client.post(f"{PREFIX}/login", json=body, headers=token)).json()
    assert answer["user"] == (await client.get(f"{PREFIX}/me")).json()
    header = next(name for name in token if name != "Accept")
    response = await client.post(f"{PREFIX}/logout", headers={**JSON, header: answer["csrf_token"]})
    assert response.status_code == 204


async def test_the_pages_are_accessible_and_branded(service: Service) -> None:
    app = make_app(service, brand_name="Example & Co", logo_url="https://cdn.example/logo.svg", primary_color="#0a7d38")
    page = (await browser(app).get(f"{PREFIX}/login", headers=HTML)).text
    assert '<html lang="en">' in page
    assert '<img src="https://cdn.example/logo.svg" alt="Example &amp; Co">' in page
    assert "--primary: #0a7d38;" in page
    assert '<label for="username">' in page and '<label for="password">' in page
    assert 'autocomplete="current-password"' in page
    assert 'role="alert"' in page
    assert "<link" not in page and "<script" not in page, "no external assets"


async def test_a_page_is_overridden_by_the_app(service: Service, tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "login.html").write_text("<p>Our own login page</p>", encoding="utf-8")
    app = FastAPI()
    Acme(app, settings=settings(service), templates_dir=tmp_path)
    client = browser(app)
    assert (await client.get(f"{PREFIX}/login", headers=HTML)).text == "<p>Our own login page</p>"
    assert (await client.get("/nowhere-else", headers=HTML)).status_code == 404


async def test_the_session_cookie_is_secure_when_asked(service: Service) -> None:
    client = browser(make_app(service, cookie_secure=True), https=True)
    response = await login_json(client, USERS["user"]["username"], USERS["user"]["password"])
    (cookie,) = [
        header for header in response.headers.get_list("set-cookie") if header.startswith(f"{SESSION_COOKIE}=")
    ]
    assert "; secure" in cookie.lower()
    assert await signed_in(client)


async def test_a_form_error_is_announced_next_to_the_form(client: httpx.AsyncClient) -> None:
    page = await client.get(f"{PREFIX}/login", headers=HTML)
    assert 'aria-describedby="form-error"' in page.text
    data = {**hidden_fields(page), "username": USERS["user"]["username"], "password": ""}
    answer = await client.post(f"{PREFIX}/login", data=data, headers=HTML)
    assert answer.status_code == 400
    assert 'aria-invalid="true"' in answer.text


async def test_a_csrf_failure_offers_the_form_again(client: httpx.AsyncClient) -> None:
    page = await client.post(f"{PREFIX}/login", data={"username": "a", "password": "b"}, headers=HTML)
    assert page.status_code == 403
    assert "This form has expired. Open it again and resend it." in page.text
    assert 'name="password"' in page.text or "Open the form again" in page.text


async def test_the_example_app_answers_by_accept_and_406_for_what_it_cannot_produce(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, service)
    spec = importlib.util.spec_from_file_location("example", Path(__file__).parent.parent / "example.py")
    assert spec and spec.loader
    example = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "example", example)
    spec.loader.exec_module(example)
    client = browser(example.app)
    await sign_in(client)
    assert (await client.get("/", headers={"Accept": "image/png"})).status_code == 406
    assert mimetype(await get_without_accept(client, "/")) == "text/html"
    for api_client in ("application/json, text/plain, */*", "application/json, text/javascript, */*; q=0.01"):
        assert mimetype(await client.get("/", headers={"Accept": api_client})) == "application/json"
    admin = browser(example.app)
    await sign_in(admin, "admin")
    assert (await admin.get("/admin", headers=JSON)).status_code == 200
    assert (await client.get("/admin", headers=JSON)).status_code == 403
    assert await logout(client) == 204


async def test_a_session_store_that_fails_is_503_in_the_contracts_shape(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_in(client)

    def failing(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error in /var/lib/app/sessions")

    monkeypatch.setattr(SQLiteStore, "_load", failing)
    for headers in (JSON, HTML):
        response = await client.get("/", headers=headers)
        assert response.status_code == 503
        assert "disk" not in response.text and "/var" not in response.text
    assert error_of(await client.get(f"{PREFIX}/me", headers=JSON))["code"] == "service_unavailable"


async def test_the_user_is_rebuilt_once_per_fetch_from_the_service_not_per_request(
    client: httpx.AsyncClient, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_in(client)
    builds: list[object] = []
    from_dict = AcmeUser.from_dict.__func__

    def counted(cls: type[AcmeUser], data: dict[str, Any]) -> AcmeUser:
        builds.append(data)
        return from_dict(cls, data)

    monkeypatch.setattr(AcmeUser, "from_dict", classmethod(counted))
    for _ in range(5):
        assert (await client.get(f"{PREFIX}/me")).status_code == 200
    assert len(builds) <= 1, "within the TTL the user is not rebuilt at each request"
    clock.advance(SESSION_TTL + 1)
    for _ in range(3):
        assert (await client.get(f"{PREFIX}/me")).status_code == 200
    assert len(builds) <= 2


async def test_two_apps_with_their_own_prefixes_in_one_process(service: Service) -> None:
    auth, account = browser(make_app(service)), browser(make_app(service, route_prefix="/account"))
    assert (await auth.get(f"{PREFIX}/login", headers=HTML)).status_code == 200
    assert (await auth.get("/account/login", headers=HTML)).status_code == 404
    assert (await account.get("/account/login", headers=HTML)).status_code == 200
    assert (await account.get(f"{PREFIX}/login", headers=HTML)).status_code == 404


async def test_an_unexpected_failure_is_a_json_error_without_details(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_in(client)
    headers = await json_headers(client)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug, in /var/lib/app/sessions")

    monkeypatch.setattr(SQLiteStore, "delete", broken)
    response = await client.post(f"{PREFIX}/logout", headers=headers)
    assert response.status_code == 500
    assert error_of(response)["code"] == "failed"
    assert "bug" not in response.text and "/var" not in response.text


async def test_a_form_post_carries_the_csrf_field_the_csrf_route_names(client: httpx.AsyncClient) -> None:
    page = await client.get(f"{PREFIX}/login", headers=HTML)
    (field,) = (await form_fields(client)).keys()
    assert field in hidden_fields(page)
