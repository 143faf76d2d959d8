"""The smoke cases S1–S17 of every authgen integration, as FastAPI sees them.

The app runs in this process (``httpx.ASGITransport``); the identity service
is reached over real HTTP (the bundled fake, unless the environment names a
real one).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import Depends, FastAPI, Request

from fastapi_acme import (
    AcmeUser,
    CurrentUser,
    InvalidCredentials,
    OptionalUser,
    current_user,
    optional_user,
    service_session,
)
from fastapi_acme.config import SESSION_COOKIE, SESSION_KEY
from support import (
    BOTH_APPS,
    FIELDS,
    GUARD_ROLE,
    HTML,
    JSON,
    PREFIX,
    SESSION_TTL,
    TIMEOUT,
    USERS,
    Clock,
    Service,
    assert_user,
    browser,
    cookie_contents,
    error_of,
    form_fields,
    get_without_accept,
    json_headers,
    location,
    login_form,
    login_json,
    logout,
    make_app,
    mimetype,
    session_cookie,
    sign_in,
    signed_in,
)

pytestmark = pytest.mark.anyio

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

#: The Python type of each spec field type, on the user object.
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


@BOTH_APPS
async def test_s01_anonymous_browser_is_sent_to_login(client: httpx.AsyncClient) -> None:
    as_browser = await client.get("/admin", params={"tab": "1"}, headers=HTML)
    without_accept = await get_without_accept(client, "/admin?tab=1")
    for response in (as_browser, without_accept):
        target = urlsplit(location(response))
        assert target.path == f"{PREFIX}/login"
        assert parse_qs(target.query) == {"next": ["/admin?tab=1"]}


@BOTH_APPS
async def test_s01_anonymous_api_client_gets_401(client: httpx.AsyncClient) -> None:
    for path in ("/", "/admin", f"{PREFIX}/me"):
        response = await client.get(path, headers=JSON)
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthorized"


async def test_s01_the_headers_of_common_api_clients_get_401_not_a_redirect(client: httpx.AsyncClient) -> None:
    for accept in ("application/json, text/plain, */*", "application/json, text/javascript, */*; q=0.01"):
        response = await client.get("/", headers={"Accept": accept})
        assert response.status_code == 401, accept


@BOTH_APPS
async def test_s02_login_sets_httponly_samesite_cookie_and_follows_safe_next(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    response = await login_form(client, user["username"], user["password"], next="/admin?tab=1")
    assert response.status_code == 303
    assert location(response) == "/admin?tab=1"
    (cookie,) = [
        header for header in response.headers.get_list("set-cookie") if header.startswith(f"{SESSION_COOKIE}=")
    ]
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert (await client.get("/", headers=HTML)).status_code == 200


async def test_s02_login_without_next_goes_home(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    response = await login_form(client, user["username"], user["password"])
    assert (response.status_code, location(response)) == (303, "/")


@pytest.mark.parametrize("key", ["admin", "user"])
async def test_s03_me_returns_the_mapped_fields_with_their_types(client: httpx.AsyncClient, key: str) -> None:
    user = await sign_in(client, key)
    me = (await client.get(f"{PREFIX}/me")).json()
    assert_user(me, user)
    for name, (kind, optional) in FIELDS.items():
        value, want = me[name], user["fields"].get(name)
        if name not in user["fields"]:
            assert isinstance(value, JSON_TYPES[kind]) or (optional and value is None), name
        elif value is None:
            assert optional and want is None, name
        elif kind == "datetime":
            assert isinstance(value, str)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", value), (
                f"{name}: {value} is not UTC to the second"
            )
            assert _instant(value) == _instant(want), name
        else:
            assert isinstance(value, JSON_TYPES[kind]) and value == want, name


async def test_s04_the_dependency_gives_the_typed_user(app: FastAPI, client: httpx.AsyncClient) -> None:
    seen: list[Any] = []

    @app.get("/seen")
    async def seen_route(
        user: Annotated[AcmeUser, Depends(current_user)],
        maybe: Annotated[AcmeUser | None, Depends(optional_user)],
    ) -> dict[str, str]:
        seen.extend((user, maybe))
        return {}

    user = await sign_in(client, "admin")
    assert (await client.get("/seen", headers=JSON)).status_code == 200
    native, optional = seen
    assert isinstance(native, AcmeUser)
    assert optional == native
    assert native.active
    assert_user({name: getattr(native, name) for name in user["expected"]}, user)
    for name, (kind, optional_field) in FIELDS.items():
        value = getattr(native, name)
        assert isinstance(value, PYTHON_TYPES[kind]) or (optional_field and value is None), name
    assert native.has_roles(GUARD_ROLE)


async def test_s04_the_annotated_types_guard_and_give_the_user(app: FastAPI, client: httpx.AsyncClient) -> None:
    @app.get("/hello")
    async def hello(user: CurrentUser) -> dict[str, str]:
        return {"id": user.id}

    @app.get("/maybe")
    async def maybe(user: OptionalUser) -> dict[str, bool]:
        return {"anonymous": user is None}

    assert (await client.get("/hello", headers=JSON)).status_code == 401
    target = urlsplit(location(await client.get("/hello", headers=HTML)))
    assert (target.path, parse_qs(target.query)) == (f"{PREFIX}/login", {"next": ["/hello"]})
    assert (await client.get("/maybe", headers=JSON)).json() == {"anonymous": True}
    user = await sign_in(client)
    assert (await client.get("/maybe", headers=JSON)).json() == {"anonymous": False}
    me = (await client.get(f"{PREFIX}/me")).json()
    assert (await client.get("/hello", headers=JSON)).json() == {"id": me["id"]}
    assert me["username"] == user["expected"]["username"]


@BOTH_APPS
async def test_s05_user_without_the_role_gets_403(client: httpx.AsyncClient) -> None:
    await sign_in(client, "user")
    response = await client.get("/admin", headers=JSON)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    page = await client.get("/admin", headers=HTML)
    assert page.status_code == 403
    assert mimetype(page) == "text/html"


@BOTH_APPS
async def test_s05_user_with_the_role_gets_200(client: httpx.AsyncClient) -> None:
    await sign_in(client, "admin")
    assert (await client.get("/admin", headers=JSON)).status_code == 200
    assert (await client.get("/admin", headers=HTML)).status_code == 200


@BOTH_APPS
async def test_s06_wrong_password_gets_a_generic_error_and_no_session(app: FastAPI, client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    wrong = await login_json(client, user["username"], user["password"] + "-wrong")
    unknown = await login_json(browser(app), "nobody@example.invalid", user["password"])
    assert wrong.status_code == unknown.status_code == 401
    assert (
        error_of(wrong)
        == error_of(unknown)
        == {
            "code": "invalid_credentials",
            "message": InvalidCredentials.public_message,
        }
    )
    assert not await signed_in(client)


@BOTH_APPS
async def test_s06_wrong_password_in_the_form_shows_the_page_again(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    page = await login_form(client, user["username"], user["password"] + "-wrong")
    assert page.status_code == 401
    assert mimetype(page) == "text/html"
    assert InvalidCredentials.public_message in page.text
    assert not await signed_in(client)


@BOTH_APPS
async def test_s07_logout_is_post_only(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    response = await client.get(f"{PREFIX}/logout", headers=JSON)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert await signed_in(client)


@BOTH_APPS
async def test_s07_logout_ends_the_session(app: FastAPI, client: httpx.AsyncClient) -> None:
    await sign_in(client)
    before = session_cookie(client)
    assert await logout(client) == 204
    assert not await signed_in(client)
    assert not await signed_in(browser(app, cookie=before)), "the cookie from before logout must not sign in again"


async def test_s07_a_request_in_flight_during_logout_does_not_bring_the_session_back(
    app: FastAPI, client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    """A request that was fetching the user when the session signed out must not save it again at its end."""
    await sign_in(client)
    cookie = session_cookie(client)
    service.fault(operation="get_user", delay=TIMEOUT / 2, times=1)
    clock.advance(SESSION_TTL + 1)

    async def sign_out_meanwhile() -> int:
        await asyncio.sleep(TIMEOUT / 10)
        return await logout(browser(app, cookie=cookie))

    _, signed_out = await asyncio.gather(browser(app, cookie=cookie).get(f"{PREFIX}/me"), sign_out_meanwhile())
    assert signed_out == 204
    assert service.calls()["get_user"] >= 2, "the slow request was still fetching the user"
    assert not await signed_in(browser(app, cookie=cookie)), "the signed-out session came back"


async def test_s07_logout_survives_a_restart(service: Service) -> None:
    """A cookie copied before logout signs no one in after a restart: a new app on the same session store."""
    app = make_app(service)
    client = browser(app)
    await sign_in(client)
    copied = session_cookie(client)
    assert await logout(client) == 204
    restarted = make_app(service)
    assert not await signed_in(browser(restarted, cookie=copied)), (
        "the cookie from before logout must not sign in after a restart"
    )


async def test_s07_a_session_survives_a_restart(service: Service) -> None:
    """Sessions are on disk by default: a restart (a deploy) signs nobody out."""
    client = browser(make_app(service))
    await sign_in(client)
    assert await signed_in(browser(make_app(service), cookie=session_cookie(client)))


@BOTH_APPS
async def test_s07_logout_form_goes_to_the_login_page(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    response = await client.post(f"{PREFIX}/logout", data=await form_fields(client), headers=HTML)
    assert response.status_code == 303
    assert urlsplit(location(response)).path == f"{PREFIX}/login"
    assert not await signed_in(client)


@BOTH_APPS
async def test_s08_posts_without_a_csrf_token_are_refused(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    credentials = {"username": user["username"], "password": user["password"]}
    response = await client.post(f"{PREFIX}/login", json=credentials, headers=JSON)
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    page = await client.post(f"{PREFIX}/login", data=credentials, headers=HTML)
    assert page.status_code == 403
    assert mimetype(page) == "text/html"
    assert not await signed_in(client)


async def test_s08_a_token_of_another_session_or_in_the_query_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = USERS["user"]
    credentials = {"username": user["username"], "password": user["password"]}
    others = await json_headers(browser(app))
    response = await client.post(f"{PREFIX}/login", json=credentials, headers=others)
    assert (response.status_code, error_of(response)["code"]) == (403, "csrf_failed")
    (field, token), *_ = (await form_fields(client)).items()
    in_query = await client.post(f"{PREFIX}/login", params={field: token}, data=credentials, headers=HTML)
    assert in_query.status_code == 403
    assert not await signed_in(client)


async def test_s08_logout_without_a_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    response = await client.post(f"{PREFIX}/logout", headers=JSON)
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    assert await signed_in(client)


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
async def test_s09_unsafe_next_is_not_followed(client: httpx.AsyncClient, next_url: str) -> None:
    user = USERS["user"]
    response = await login_form(client, user["username"], user["password"], next=next_url)
    assert (response.status_code, location(response)) == (303, "/")


async def test_s09_an_over_long_next_is_dropped(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    response = await login_form(client, user["username"], user["password"], next="/" + "a" * 10_240)
    assert (response.status_code, location(response)) == (303, "/")
    longest = "/" + "a" * 2047
    assert location(await login_form(client, user["username"], user["password"], next=longest)) == longest


async def test_s10_the_session_changes_at_login(app: FastAPI, client: httpx.AsyncClient) -> None:
    await client.get(f"{PREFIX}/login", headers=HTML)
    before = session_cookie(client)
    assert before, "the login page started an anonymous session (for its CSRF token)"
    await sign_in(client)
    after = session_cookie(client)
    assert after != before
    assert cookie_contents(after)[SESSION_KEY]["csrf"] != cookie_contents(before)[SESSION_KEY]["csrf"]
    assert not await signed_in(browser(app, cookie=before)), "whoever planted the old cookie is not signed in"


async def test_s10_a_planted_session_is_not_the_one_signed_in(app: FastAPI) -> None:
    attacker = browser(app)
    await sign_in(attacker, "admin")
    victim = browser(app, cookie=session_cookie(attacker))
    user = await sign_in(victim, "user")
    assert (
        cookie_contents(session_cookie(victim))[SESSION_KEY]["id"]
        != cookie_contents(session_cookie(attacker))[SESSION_KEY]["id"]
    )
    seen = await attacker.get(f"{PREFIX}/me", headers=JSON)
    assert seen.status_code != 200 or seen.json()["username"] != user["expected"]["username"]


@pytest.mark.parametrize(
    "fault",
    [{"status": 503}, {"status": 500}, {"drop": True}, {"delay": TIMEOUT + 1, "times": 1}],
    ids=["503", "500", "dropped", "timeout"],
)
async def test_s11_service_failure_at_login_is_503_without_a_session(
    client: httpx.AsyncClient, service: Service, fault: dict[str, Any]
) -> None:
    user = USERS["user"]
    service.fault(operation="login", **fault)
    response = await login_json(client, user["username"], user["password"])
    assert response.status_code == 503
    assert error_of(response)["code"] == "service_unavailable"
    assert not await signed_in(client)
    service.fault(operation="login", **fault)
    page = await login_form(client, user["username"], user["password"])
    assert (page.status_code, mimetype(page)) == (503, "text/html")
    assert not await signed_in(client)


async def test_s11_service_failure_loading_the_user_at_login_is_503(
    client: httpx.AsyncClient, service: Service
) -> None:
    service.fault(operation="get_user", status=503)
    user = USERS["user"]
    assert (await login_json(client, user["username"], user["password"])).status_code == 503
    assert not await signed_in(client)


async def test_s11_service_down_at_refresh_is_503_never_the_user(
    client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    await sign_in(client)
    service.fault(operation="get_user", status=503)
    clock.advance(SESSION_TTL + 1)
    for headers in (JSON, HTML):
        response = await client.get("/", headers=headers)
        assert response.status_code == 503
        assert "Hello" not in response.text
    assert error_of(await client.get("/", headers=JSON))["code"] == "service_unavailable"


async def test_s12_no_service_calls_within_the_ttl_one_after(
    client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    await sign_in(client)
    before = service.calls()
    for _ in range(5):
        assert (await client.get(f"{PREFIX}/me")).status_code == 200
        assert (await client.get("/", headers=JSON)).status_code == 200
    within = service.calls()
    assert (within["login"], within["get_user"]) == (before["login"], before["get_user"])
    clock.advance(SESSION_TTL + 1)
    for _ in range(5):
        assert (await client.get(f"{PREFIX}/me")).status_code == 200
    after = service.calls()
    assert (after["login"], after["get_user"]) == (before["login"], before["get_user"] + 1)


@pytest.mark.parametrize("change", ["disable", "delete"])
async def test_s12_user_disabled_or_deleted_at_the_service_is_signed_out_at_refresh(
    client: httpx.AsyncClient, service: Service, clock: Clock, change: str
) -> None:
    await sign_in(client)
    getattr(service, change)("user")
    assert await signed_in(client), "within the TTL the cached user is trusted"
    clock.advance(SESSION_TTL + 1)
    response = await client.get(f"{PREFIX}/me")
    assert response.status_code == 401
    assert not await signed_in(client)


async def test_s13_disabled_user_cannot_log_in(client: httpx.AsyncClient) -> None:
    user = USERS["disabled"]
    response = await login_json(client, user["username"], user["password"])
    assert response.status_code == 403
    assert error_of(response)["code"] == "account_disabled"
    page = await login_form(client, user["username"], user["password"])
    assert page.status_code == 403
    assert not await signed_in(client)


async def test_s13_user_disabled_at_the_service_cannot_log_in(client: httpx.AsyncClient, service: Service) -> None:
    service.disable("user")
    user = USERS["user"]
    assert (await login_json(client, user["username"], user["password"])).status_code in (401, 403)
    assert not await signed_in(client)


#: The password of the account the tests register.
NEW_PASSWORD = "New-pass-5 +&%"


def new_account() -> dict[str, str]:
    """What the tests register a new account with: new details at each call, so no registration collides with another."""
    unique = uuid.uuid4().hex[:10]
    return {
        "email": f"new.person.{unique}@example.com",
        "password": NEW_PASSWORD,
        "first_name": f"New first name {unique}",
        "last_name": f"New last name {unique}",
    }


async def test_s14_register_creates_an_account_that_can_sign_in(client: httpx.AsyncClient, service: Service) -> None:
    response = await client.post(f"{PREFIX}/register", json=new_account(), headers=await json_headers(client))
    assert (response.status_code, response.json()) == (201, {"status": "registered"})
    (new,) = [user for key, user in service.users().items() if key not in USERS]
    assert (await login_json(client, new["username"], NEW_PASSWORD)).status_code == 200


async def test_s14_register_form_sends_the_browser_to_login(client: httpx.AsyncClient) -> None:
    page = await client.get(f"{PREFIX}/register", headers=HTML)
    assert page.status_code == 200
    response = await client.post(
        f"{PREFIX}/register", data={**new_account(), **await form_fields(client)}, headers=HTML
    )
    assert response.status_code == 303
    assert urlsplit(location(response)).path == f"{PREFIX}/login"


async def test_s14_register_an_existing_account_is_409(client: httpx.AsyncClient) -> None:
    existing = USERS["user"]["username"]
    account = new_account()
    taken = {name: existing for name in account if name == "username" or ("email" in name and "@" in existing)}
    if not taken:
        pytest.skip("no register input names the account")
    response = await client.post(f"{PREFIX}/register", json={**account, **taken}, headers=await json_headers(client))
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


#: Who asks for a password reset: a known account and an unknown one.
FORGOT_INPUTS = ["email"]


def forgot_details(user: dict[str, Any] | None) -> dict[str, str]:
    """The forgot-password inputs for a fixture user, or for nobody."""
    if user is None:
        return dict.fromkeys(FORGOT_INPUTS, "nobody@example.invalid")
    email = user["expected"].get("email", user["username"])
    return {name: str(email if "email" in name else user["username"]) for name in FORGOT_INPUTS}


async def test_s15_forgot_password_answers_the_same_for_known_and_unknown(app: FastAPI, service: Service) -> None:
    answers = []
    for user in (USERS["user"], None):
        client = browser(app)
        response = await client.post(f"{PREFIX}/forgot", json=forgot_details(user), headers=await json_headers(client))
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] == (202, {"status": "sent"})
    resets = [reset["user"] for reset in service.calls()["password_resets"]]
    assert "user" in resets, "the service was asked to send the known account a reset"


async def test_s15_forgot_password_page_is_the_same_for_known_and_unknown(app: FastAPI) -> None:
    pages = []
    for user in (USERS["user"], None):
        client = browser(app)
        data = {**forgot_details(user), **await form_fields(client)}
        response = await client.post(f"{PREFIX}/forgot", data=data, headers=HTML)
        pages.append((response.status_code, response.text))
    assert pages[0] == pages[1]
    assert pages[0][0] == 200


async def test_s16_passwords_never_reach_the_logs(
    app: FastAPI, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = USERS["user"]
    await login_json(browser(app), user["username"], user["password"] + "-wrong")
    await login_form(browser(app), user["username"], user["password"])
    await sign_in(client)
    await logout(client)
    await client.post(f"{PREFIX}/register", json=new_account(), headers=await json_headers(client))
    assert caplog.records, "nothing was logged at all: the test would prove nothing"
    for password in (user["password"], user["password"] + "-wrong", NEW_PASSWORD):
        assert password not in caplog.text


@pytest.mark.parametrize("login", [login_json, login_form], ids=["json", "form"])
async def test_s17_no_service_token_is_readable_in_cookies(app: FastAPI, client: httpx.AsyncClient, login: Any) -> None:
    tokens: list[dict[str, str] | None] = []

    @app.get("/tokens")
    async def tokens_route(request: Request) -> dict[str, str]:
        tokens.append(await service_session(request))
        return {}

    user = USERS["user"]
    response = await login(client, user["username"], user["password"])
    assert (await client.get("/tokens")).status_code == 200
    (values,) = tokens
    assert values, "the service session is kept on the server"
    cookie = session_cookie(client)
    readable = [cookie, json.dumps(cookie_contents(cookie)), response.text, *response.headers.get_list("set-cookie")]
    # Values the user's own record shows (such as the user's id) are not secrets.
    public = (await client.get(f"{PREFIX}/me")).text
    for token in values.values():
        if token not in public:
            assert not any(token in text for text in readable), "a service token is readable"


def _instant(text: str) -> datetime:
    """An ISO 8601 date-time, ``Z`` or an offset, as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
