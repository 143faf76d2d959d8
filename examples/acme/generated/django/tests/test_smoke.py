"""Smoke tests S1-S17: the example project against Acme Identity (the bundled fake), over real HTTP."""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.views.debug import SafeExceptionReporterFilter

from django_acme import defaults, usercache
from django_acme.backends import AcmeBackend
from django_acme.client import AcmeClient
from django_acme.models import AcmeProfile
from support import (
    FAKE,
    FIELDS,
    TIMEOUT,
    USERS,
    Agent,
    Service,
    assert_user,
    error_code,
    is_html,
    route,
    session_key,
    session_store,
)

pytestmark = pytest.mark.django_db

#: ``next`` values that lead off the site; the login form must send the browser to ``/`` instead.
UNSAFE_NEXT = (
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
)
#: JSON types of each field type.
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "email": (str,),
    "enum": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "datetime": (str,),
    "list<string>": (list,),
}


def expire_cache(agent: Agent) -> None:
    """Make the user the session holds older than the TTL, as if the TTL had passed."""
    session = agent.client.session
    cached = session[defaults.SESSION_KEY]
    cached["fetched_at"] = 0
    session[defaults.SESSION_KEY] = cached
    session.save()


# -- S1: anonymous users ------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/admin"])
def test_s01_anonymous_browser_is_sent_to_login(browser: Agent, path: str) -> None:
    response = browser.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{route('login')}?next={path}"


@pytest.mark.parametrize("path", ["/", "/admin"])
def test_s01_anonymous_api_client_gets_401(api: Agent, path: str) -> None:
    assert error_code(api.get(path), 401) == "unauthorized"
    assert error_code(api.me(), 401) == "unauthorized"


# -- S2: the session cookie and a safe next ------------------------------------


def test_s02_login_sets_httponly_samesite_cookie_and_follows_next(browser: Agent) -> None:
    response = browser.sign_in("user", next="/admin?tab=1")
    assert response["Location"] == "/admin?tab=1"
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"].lower() in ("lax", "strict")
    for name, morsel in response.cookies.items():
        assert morsel["httponly"], f"cookie {name} is readable by scripts"


def test_s02_login_without_next_goes_home(browser: Agent) -> None:
    assert browser.sign_in("user")["Location"] == "/"


def test_s02_json_login_answers_the_user_and_a_new_csrf_token(api: Agent) -> None:
    before = api.csrf()["csrf_token"]
    body = api.sign_in("user").json()
    assert set(body) == {"user", "csrf_token"} and body["csrf_token"] != before
    assert body["user"] == api.me().json()
    assert api.logout(csrf=body["csrf_token"]).status_code == 204


# -- S3: me -------------------------------------------------------------------


@pytest.mark.parametrize("key", ["user", "admin"])
def test_s03_me_returns_the_mapped_fields_with_their_types(api: Agent, key: str) -> None:
    user = USERS[key]
    api.sign_in(key)
    me = api.me().json()
    assert_user(me, user)
    for name, ftype in FIELDS.items():
        value, want = me[name], user["fields"].get(name)
        if name not in user["fields"]:
            assert value is None or isinstance(value, JSON_TYPES[ftype]), name
        elif value is None:
            assert want is None, name
        elif ftype == "datetime":
            assert _instant(value) == _instant(want), name
        elif ftype == "list<string>":
            assert sorted(value) == sorted(want), name
        else:
            assert value == want and isinstance(value, JSON_TYPES[ftype]), name


# -- S4: request.user ---------------------------------------------------------


@pytest.mark.parametrize("key", ["user", "admin"])
def test_s04_request_user_is_the_synced_django_user(api: Agent, key: str) -> None:
    api.sign_in(key)
    # A real service's users are only partly known: what me shows is checked against them in S3.
    expected = USERS[key]["expected"] if FAKE else api.me().json()
    user = api.get("/").wsgi_request.user
    assert user.is_authenticated and isinstance(user._wrapped, get_user_model())
    assert user.get_username() == expected["username"]
    assert user.email == (expected["email"] or "")
    assert (user.first_name, user.last_name) == (expected["first_name"] or "", expected["last_name"] or "")
    assert user.is_active
    assert user.is_staff == (expected["is_staff"] or expected["is_admin"]), "admins are staff in Django"
    assert user.is_superuser == expected["is_admin"]
    assert set(user.groups.values_list("name", flat=True)) == set(expected["roles"])
    assert not user.has_usable_password(), "passwords are checked by the service only"
    profile = user.acme_profile
    assert profile.service_id == str(expected["id"])
    assert profile.to_dict() == api.me().json()


def test_s04_local_user_is_keyed_by_the_service_id(api: Agent) -> None:
    api.sign_in("user")
    local = AcmeProfile.objects.get(service_id=api.service_id()).user
    local.username = "renamed-locally"
    local.save()
    Group.objects.create(name="given-locally").user_set.add(local)
    Agent(browser=False).sign_in("user")
    local.refresh_from_db()
    assert get_user_model().objects.count() == 1, "the second sign-in found the same user by the service's id"
    assert local.get_username() == USERS["user"]["expected"]["username"], "fields are rewritten at each sign-in"
    assert "given-locally" in set(local.groups.values_list("name", flat=True)), "local groups are kept"


def test_s04_signing_in_again_writes_nothing_but_last_login(api: Agent) -> None:
    api.sign_in("user")
    with CaptureQueriesContext(connection) as queries:
        Agent(browser=False).sign_in("user")
    writes = [q["sql"] for q in queries if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 1 and "last_login" in writes[0], "an unchanged user is not saved again: " + repr(writes)


# -- S5: roles ----------------------------------------------------------------


def test_s05_user_without_the_role_gets_403(api: Agent, browser: Agent) -> None:
    api.sign_in("user")
    assert error_code(api.get("/admin"), 403) == "forbidden"
    browser.sign_in("user")
    assert is_html(browser.get("/admin"), 403)


def test_s05_user_with_the_role_gets_200(api: Agent, browser: Agent) -> None:
    api.sign_in("admin")
    assert api.get("/admin").json()["message"]
    browser.sign_in("admin")
    assert is_html(browser.get("/admin"), 200)


# -- S6: wrong password -------------------------------------------------------


def test_s06_wrong_password_gets_a_generic_error_and_no_session(api: Agent) -> None:
    user = USERS["user"]
    wrong = api.login(user["username"], user["password"] + "-wrong")
    unknown = Agent(browser=False).login("nobody@example.invalid", user["password"])
    assert error_code(wrong, 401) == error_code(unknown, 401) == "invalid_credentials"
    assert wrong.json() == unknown.json(), "a wrong password and an unknown user read the same"
    assert not api.signed_in()


def test_s06_wrong_password_in_the_form_shows_the_page_again(browser: Agent) -> None:
    response = browser.login(USERS["user"]["username"], "wrong")
    assert is_html(response, 401) and b'role="alert"' in response.content
    assert not browser.signed_in()


# -- S7: logout ---------------------------------------------------------------


def test_s07_logout_is_a_post_that_ends_the_session(api: Agent) -> None:
    api.sign_in("user")
    assert error_code(api.get(route("logout")), 405) == "method_not_allowed"
    assert api.signed_in(), "a GET does not sign out"
    old_session = session_key(api)
    assert api.logout().status_code == 204
    assert error_code(api.me(), 401) == "unauthorized"
    assert not session_store().exists(old_session), "the old session is gone from the store"


def test_s07_logout_form_goes_to_the_login_page(browser: Agent) -> None:
    browser.sign_in("user")
    response = browser.logout()
    assert (response.status_code, response["Location"]) == (303, route("login"))
    assert not browser.signed_in()


def test_s07_a_sign_out_while_the_user_is_asked_for_again_stands(
    api: Agent, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another tab signs out while this request waits on the service: it goes on anonymous and saves nothing.

    Saving would make Django answer a bare 400 (its ``SessionInterrupted``) rather than the JSON 401.
    """
    settings.ACME = {**settings.ACME, "SESSION_TTL": 0}
    api.sign_in("user")
    key = session_key(api)
    get_user = AcmeClient.get_user

    def signed_out_meanwhile(client: AcmeClient, *args: Any) -> Any:
        record = get_user(client, *args)
        session_store().delete(key)  # the other tab's sign-out, while the service answered
        return record

    monkeypatch.setattr(AcmeClient, "get_user", signed_out_meanwhile)
    assert error_code(api.me(), 401) == "unauthorized"
    monkeypatch.undo()
    assert not session_store().exists(key), "the signed-out session was saved again"
    assert not api.signed_in()


# -- S8: CSRF -----------------------------------------------------------------


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s08_login_without_a_csrf_token_is_403(service: Service, as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    for csrf in (False, "not-the-token"):
        response = agent.login(USERS["user"]["username"], USERS["user"]["password"], csrf=csrf)
        if as_browser:
            assert is_html(response, 403)
        else:
            assert error_code(response, 403) == "csrf_failed"
    assert not agent.signed_in()
    assert service.count("login") == 0


def test_s08_logout_without_a_csrf_token_is_403(api: Agent) -> None:
    api.sign_in("user")
    assert error_code(api.logout(csrf=False), 403) == "csrf_failed"
    assert api.signed_in()


@pytest.mark.parametrize("name", ["register", "forgot"])
def test_s08_other_posts_without_a_csrf_token_are_403(api: Agent, name: str) -> None:
    assert error_code(api.post(route(name), {}, csrf=False), 403) == "csrf_failed"


# -- S9: unsafe next ----------------------------------------------------------


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_s09_unsafe_next_is_not_followed(browser: Agent, next_url: str) -> None:
    assert browser.sign_in("user", next=next_url)["Location"] == "/"


# -- S10: session rotation ----------------------------------------------------


def test_s10_the_session_key_changes_at_login(browser: Agent) -> None:
    anonymous = browser.client.session  # an anonymous session, saved, with its cookie
    anonymous["seen"] = True
    anonymous.save()
    before = session_key(browser)
    browser.sign_in("user")
    after = session_key(browser)
    assert after and after != before
    assert not session_store().exists(before), "the pre-login session no longer exists"
    assert browser.client.session["seen"], "what the anonymous session held is kept"


def test_s10_the_session_key_changes_when_signing_in_again(api: Agent) -> None:
    api.sign_in("user")
    before = session_key(api)
    api.sign_in("user")
    assert session_key(api) != before


# -- S11: the service down ----------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [{"status": 503}, {"status": 500}, {"drop": True}, {"delay": TIMEOUT + 1}],
    ids=["503", "500", "dropped", "timeout"],
)
def test_s11_service_failure_at_login_is_503_without_a_session(api: Agent, service: Service, fault: dict) -> None:
    service.fault("login", **fault)
    user = USERS["user"]
    assert error_code(api.login(user["username"], user["password"]), 503) == "service_unavailable"
    assert not api.signed_in()


def test_s11_garbage_from_the_service_fails_closed(api: Agent, service: Service) -> None:
    service.fault("login", body="<html>garbage</html>")
    user = USERS["user"]
    response = api.login(user["username"], user["password"])
    assert response.status_code in (502, 503)
    assert error_code(response, response.status_code) in ("service_unavailable", "failed")
    assert not api.signed_in()


def test_s11_service_failure_loading_the_user_at_login_is_503(browser: Agent, service: Service) -> None:
    service.fault("get_user", status=503)
    user = USERS["user"]
    assert is_html(browser.login(user["username"], user["password"]), 503)
    assert not browser.signed_in()


def test_s11_service_down_at_refresh_is_503_never_the_user(api: Agent, service: Service) -> None:
    api.sign_in("user")
    expire_cache(api)
    service.fault("get_user", status=503)
    assert error_code(api.get("/"), 503) == "service_unavailable"
    service.clear_faults()
    assert api.get("/").status_code == 200, "the session survives an outage of the service"


# -- S12: the cached user -----------------------------------------------------


def test_s12_no_service_calls_within_the_ttl_one_after(api: Agent, service: Service) -> None:
    api.sign_in("user")
    before = service.calls()
    for _ in range(5):
        assert api.get("/").status_code == 200
        assert api.me().status_code == 200
    after = service.calls()
    assert (after["login"], after["get_user"]) == (before["login"], before["get_user"])
    expire_cache(api)
    for _ in range(5):
        assert api.me().status_code == 200
    assert service.count("get_user") == before["get_user"] + 1


def test_s12_the_local_user_is_cached_until_the_project_changes_it(api: Agent, django_assert_num_queries: Any) -> None:
    api.sign_in("user")
    assert api.get("/").status_code == 200
    with django_assert_num_queries(0):  # the example's sessions are files; the user comes from the cache
        assert api.get("/").status_code == 200
    local = AcmeProfile.objects.get(service_id=api.service_id()).user
    local.first_name = "Renamed"
    local.save()
    assert api.get("/").json() == {"message": "Hello Renamed"}, "a saved user is taken from the database again"
    local.is_active = False
    local.save()
    assert error_code(api.get("/"), 401) == "unauthorized", "a user deactivated locally is signed out at once"


def test_s12_a_process_keeps_the_user_a_second_before_reading_the_cache_again(api: Agent) -> None:
    api.sign_in("user")
    greeting = api.get("/").json()
    local = AcmeProfile.objects.get(service_id=api.service_id()).user
    # What another process does: change the row without a signal here, and delete the shared entry.
    get_user_model().objects.filter(pk=local.pk).update(first_name="Elsewhere")
    caches[usercache.CACHE_ALIAS].delete(usercache.cache_key(local.pk))
    assert api.get("/").json() == greeting, "within the second, the process serves the user it took from the cache"
    time.sleep(usercache.LOCAL_TIMEOUT)
    assert api.get("/").json() == {"message": "Hello Elsewhere"}, "after it, the cache (here: the database) again"


def test_s12_every_request_gets_a_user_of_its_own(api: Agent) -> None:
    api.sign_in("user")
    assert api.get("/").status_code == 200  # the user is now kept by the process and the cache
    pk = AcmeProfile.objects.get(service_id=api.service_id()).pk
    backend = AcmeBackend()
    first = backend.get_user(pk)
    assert first is not None
    first.first_name = "Changed by one request"
    second = backend.get_user(pk)
    assert second is not None and second is not first
    assert second.first_name != first.first_name


def test_s12_the_process_keeps_a_bounded_number_of_users(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usercache, "LOCAL_SIZE", 2)
    users = usercache.LocalUsers()
    for name in ("a", "b", "c"):
        users.put(name, {"name": name}, 60)
    assert users.get("c") == {"name": "c"}
    assert sum(users.get(name) is not None for name in ("a", "b", "c")) <= 2


def test_s12_the_process_forgets_its_users_when_the_caches_change(settings: Any) -> None:
    usercache.local_users.put("key", {"name": "someone"}, 60)
    settings.CACHES = {**settings.CACHES}
    assert usercache.local_users.get("key") is None


@pytest.mark.parametrize("change", ["disable", "delete"])
def test_s12_user_disabled_or_deleted_at_the_service_is_signed_out_at_refresh(
    api: Agent, service: Service, change: str
) -> None:
    api.sign_in("user")
    getattr(service, change)("user")
    assert api.me().status_code == 200, "within the TTL the service is not asked"
    expire_cache(api)
    assert error_code(api.me(), 401) == "unauthorized"
    assert not api.signed_in()


# -- S13: disabled users ------------------------------------------------------


def test_s13_disabled_user_cannot_log_in(api: Agent, browser: Agent) -> None:
    disabled = USERS["disabled"]
    assert error_code(api.login(disabled["username"], disabled["password"]), 403) == "account_disabled"
    assert is_html(browser.login(disabled["username"], disabled["password"]), 403)
    assert not api.signed_in() and not browser.signed_in()


def test_s13_user_disabled_at_the_service_cannot_log_in(api: Agent, service: Service) -> None:
    service.disable("user")
    user = USERS["user"]
    assert error_code(api.login(user["username"], user["password"]), 403) == "account_disabled"
    assert not api.signed_in()


# -- S14: register ------------------------------------------------------------


#: The register operation's inputs.
REGISTER_INPUTS = ["email", "password", "first_name", "last_name"]
#: Whether users sign in with their email address.
SIGN_IN_BY_EMAIL = True
NEW_PASSWORD = "New-pass-1 +&%"


def new_account() -> tuple[dict[str, str], str | None]:
    """Values for every register input, and the username the new account signs in with (None when unknown)."""
    email = f"new-{uuid.uuid4().hex[:12]}@example.com"
    values = {}
    for name in REGISTER_INPUTS:
        if "password" in name:
            values[name] = NEW_PASSWORD
        elif "email" in name:
            values[name] = email
        elif name == "username":
            values[name] = f"new-{uuid.uuid4().hex[:12]}"
        else:
            values[name] = "New"
    if "username" in values:
        return values, values["username"]
    return values, email if SIGN_IN_BY_EMAIL and email in values.values() else None


def test_s14_register_answers_201(api: Agent, service: Service) -> None:
    response = api.post(route("register"), new_account()[0])
    assert (response.status_code, response.json()) == (201, {"status": "registered"})


def test_s14_register_creates_an_account_that_can_sign_in(api: Agent, service: Service) -> None:
    values, username = new_account()
    if username is None:
        pytest.skip("users do not sign in with their email and no register input is a username: cannot sign in")
    response = api.post(route("register"), values)
    assert (response.status_code, response.json()) == (201, {"status": "registered"})
    assert Agent(browser=False).login(username, NEW_PASSWORD).status_code == 200


def test_s14_register_form_sends_the_browser_to_login(browser: Agent, service: Service) -> None:
    assert is_html(browser.get(route("register")), 200)
    response = browser.post(route("register"), new_account()[0])
    assert (response.status_code, response["Location"]) == (303, route("login"))


def test_s14_register_an_existing_account_is_409(api: Agent, service: Service) -> None:
    values, username = new_account()
    if username is None:
        pytest.skip("users do not sign in with their email and no register input is a username: no account to repeat")
    taken = {name: USERS["user"]["username"] for name, value in values.items() if value == username}
    assert error_code(api.post(route("register"), {**values, **taken}), 409) == "conflict"


def test_s14_register_rejected_data_is_400(api: Agent) -> None:
    values, _ = new_account()
    values[REGISTER_INPUTS[0]] = ""
    assert error_code(api.post(route("register"), values), 400) == "invalid_input"


# -- S15: forgot password -----------------------------------------------------


#: The forgot_password operation's inputs.
FORGOT_INPUTS = ["email"]


def forgot_values(key: str | None) -> dict[str, str]:
    """The forgot-password inputs for a fixture user, or for nobody."""
    if key is None:
        return dict.fromkeys(FORGOT_INPUTS, "nobody@example.invalid")
    user = USERS[key]
    return {name: user["expected"]["email"] if "email" in name else user["username"] for name in FORGOT_INPUTS}


def test_s15_forgot_password_answers_the_same_for_known_and_unknown(api: Agent, service: Service) -> None:
    known = api.post(route("forgot"), forgot_values("user"))
    unknown = Agent(browser=False).post(route("forgot"), forgot_values(None))
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (202, {"status": "sent"})
    assert service.count("forgot_password") == 2


def test_s15_forgot_password_page_is_the_same_for_known_and_unknown(browser: Agent) -> None:
    assert is_html(browser.get(route("forgot")), 200)
    known = browser.post(route("forgot"), forgot_values("user"))
    unknown = Agent(browser=True).post(route("forgot"), forgot_values(None))
    assert is_html(known, 200) and is_html(unknown, 200)
    assert _masking_csrf_tokens(known.content) == _masking_csrf_tokens(unknown.content)


# -- S16: the password in logs ------------------------------------------------


def test_s16_passwords_never_reach_the_logs(
    api: Agent, browser: Agent, service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = USERS["user"]
    response = browser.sign_in("user")
    api.login(user["username"], user["password"] + "-wrong")
    service.fault("login", status=503)
    api.login(user["username"], user["password"])
    assert caplog.records, "the test saw the integration's logging"
    assert user["password"] not in caplog.text
    hidden = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert hidden["password"] != user["password"], "error reports hide the password"


def test_s16_error_reports_hide_the_password_of_a_new_account(browser: Agent) -> None:
    values, _ = new_account()
    response = browser.post(route("register"), values)
    hidden = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert {hidden[name] for name in values if "password" in name} == {SafeExceptionReporterFilter.cleansed_substitute}


# -- S17: tokens and cookies --------------------------------------------------


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s17_no_service_token_is_readable_in_cookies(service: Service, as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    response = agent.sign_in("user")
    issued = service.issued()
    assert issued, "the fake issued a token at sign-in"
    stored = agent.client.session[defaults.SESSION_KEY]["service"]
    assert set(stored.values()) & set(issued), "the tokens are kept in the server-side session"
    cookies = [morsel.value for morsel in agent.client.cookies.values()]
    for value in issued:
        assert not any(value in cookie for cookie in cookies), "a service token is in a cookie"
        assert value.encode() not in response.content, "a service token is in the sign-in answer"


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _masking_csrf_tokens(html: bytes) -> bytes:
    """A page with the value of each CSRF token field masked (it differs per session); everything else is kept."""
    field = re.escape(defaults.CSRF_FIELD.encode())
    return re.sub(rb'(<input type="hidden" name="' + field + rb'" value=")[^"]*(")', rb"\1TOKEN\2", html)
