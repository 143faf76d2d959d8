"""Smoke tests S18-S22: the life of a session at {{ cookiecutter.service_name | pydoc }} (the bundled fake), over real HTTP.

Tokens renewed as they expire (S18), the sign-out that ends the session at
the service (S19), a password reset completed from the emailed link (S20), a
password change (S21) and an address to verify before signing in (S22); each
only when the spec has the operations, else the route is absent.
"""

from __future__ import annotations
{#- What the cases of the spec's operations use. #}
{%- set flows = cookiecutter.account_pages %}
{%- set passwords = cookiecutter.new_passwords %}
{%- set lifecycle = flows or cookiecutter.has_refresh or cookiecutter.has_logout %}
{%- if cookiecutter.has_refresh or cookiecutter.has_logout %}

import logging
{%- endif %}
{%- if cookiecutter.has_refresh %}
import time
{%- endif %}
{%- if lifecycle %}
from typing import Any
{%- endif %}

import pytest
{%- if cookiecutter.has_verify_email %}
from django.core.cache import caches
{%- endif %}
{%- if passwords %}
from django.views.debug import SafeExceptionReporterFilter
{%- endif %}

from support import {% if flows %}USERS, {% endif %}Agent{% if lifecycle %}, Service, error_code{% endif %}{% if flows %}, is_html{% endif %}{% if flows or cookiecutter.has_refresh %}, route{% endif %}{% if cookiecutter.has_change_password %}, session_key{% endif %}

pytestmark = pytest.mark.django_db
{%- if passwords %}

#: A new password the service accepts, and one its policy refuses (too short).
NEW_PASSWORD = "New-pass-2 +&%"
SHORT_PASSWORD = "short"
#: What the service says of a password its policy refuses.
POLICY_MESSAGE = "Password must be at least 8 characters."
#: What Django's error reports show of a sensitive field.
HIDDEN = SafeExceptionReporterFilter.cleansed_substitute
{%- endif %}
{%- if flows %}


def signs_in(key: str, password: str) -> bool:
    """Whether the user signs in with ``password``."""
    return Agent(browser=False).login(USERS[key]["username"], password).status_code == 200
{%- endif %}


# -- S18: tokens renewed as they expire -----------------------------------------
{%- if cookiecutter.has_refresh %}

#: Seconds an access token lives in these tests, and the user is trusted without asking the service.
TOKEN_TTL = 1.0
USER_TTL = 0.2


@pytest.fixture
def short_lives(service: Service, settings: Any) -> None:
    """Short-lived access tokens at the service, and a user asked for again after :data:`USER_TTL`."""
    service.token_ttl(TOKEN_TTL)
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, "SESSION_TTL": USER_TTL}


def test_s18_still_signed_in_across_several_token_lifetimes(api: Agent, service: Service, short_lives: None) -> None:
    api.sign_in("user")
    deadline = time.monotonic() + 3.5 * TOKEN_TTL
    views = 0
    while time.monotonic() < deadline:
        response = api.get("/")
        assert response.status_code == 200, f"view {views}: {response.content[:300]!r}"
        views += 1
        time.sleep(0.1)
    calls = service.calls()
    assert calls.get("login") == 1, "never signed in again"
    assert calls.get("refresh", 0) >= 2, f"{views} views over 3.5 token lifetimes: {calls}"


def test_s18_tokens_the_service_has_ended_are_renewed_once_and_the_user_asked_again(
    api: Agent, service: Service, settings: Any
) -> None:
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, "SESSION_TTL": 0}
    api.sign_in("user")
    service.expire_tokens("user")
    before = service.calls()
    assert api.me().status_code == 200
    after = service.calls()
    assert after.get("refresh", 0) - before.get("refresh", 0) == 1
    assert after["get_user"] - before["get_user"] == 2, "get_user refused, then asked once more with the new token"
    assert api.me().status_code == 200
    assert service.count("refresh") == after["refresh"], "the new tokens are kept in the session"


{%- if cookiecutter.session_expires %}


def test_s18_a_token_past_its_deadline_is_renewed_before_the_user_is_asked(
    api: Agent, service: Service, settings: Any
) -> None:
    service.token_ttl(TOKEN_TTL)
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, "SESSION_TTL": 0}
    api.sign_in("user")
    time.sleep(TOKEN_TTL + 0.1)
    before = service.calls()
    assert api.me().status_code == 200
    after = service.calls()
    assert after.get("refresh", 0) - before.get("refresh", 0) == 1
    assert after["get_user"] - before["get_user"] == 1, "no request with a token past its deadline"
{%- endif %}


def test_s18_within_the_ttl_an_expired_token_costs_no_call(api: Agent, service: Service) -> None:
    api.sign_in("user")
    service.expire_tokens("user")
    before = service.calls()
    for _ in range(3):
        assert api.get("/").status_code == 200
    assert service.calls() == before, "S12: within the TTL the service is not asked, expired token or not"


@pytest.mark.parametrize("fault", [{"status": 401}, {"status": 503}, {"drop": True}], ids=["refused", "503", "down"])
def test_s18_a_failed_refresh_signs_the_browser_out_to_the_login_page(
    browser: Agent, service: Service, settings: Any, fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, "SESSION_TTL": 0}
    browser.sign_in("user")
    tokens = service.issued()
    service.expire_tokens("user")
    service.fault("refresh", **fault)
    response = browser.get("/admin?tab=1")
    assert response.status_code == 302
    assert response["Location"] == f"{route('login')}?next=/admin%3Ftab%3D1"
    assert not browser.signed_in()
    service.clear_faults()
    assert browser.get("/").status_code == 302, "signed out for good: no 503 at every view"
    assert "refresh" in caplog.text
    assert not any(token in caplog.text for token in tokens), "no token in the log"


def test_s18_a_failed_refresh_answers_an_api_client_401(api: Agent, service: Service, settings: Any) -> None:
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, "SESSION_TTL": 0}
    api.sign_in("user")
    service.expire_tokens("user")
    service.fault("refresh", status=401)
    assert error_code(api.get("/"), 401) == "unauthorized"
    assert error_code(api.me(), 401) == "unauthorized"
{%- else %}


def test_s18_tokens_are_not_renewed_because_the_service_has_no_refresh() -> None:
    from {{ cookiecutter.package }} import session

    assert not hasattr(session, "renew")
{%- endif %}


# -- S19: the sign-out ends the session at the service --------------------------
{%- if cookiecutter.has_logout %}


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s19_sign_out_ends_the_session_at_the_service(service: Service, as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    agent.sign_in("user")
    assert service.sessions("user") == 1
    assert agent.logout().status_code == (303 if as_browser else 204)
    assert service.sessions("user") == 0
    assert service.count("logout") == 1


def test_s19_sign_out_of_djangos_admin_ends_it_too(browser: Agent, service: Service) -> None:
    browser.sign_in("admin")
    assert service.sessions("admin") == 1
    browser.post("/django-admin/logout/", {})
    assert not browser.signed_in()
    assert service.sessions("admin") == 0


@pytest.mark.parametrize("fault", [{"status": 503}, {"drop": True}, {"status": 401}], ids=["503", "down", "refused"])
def test_s19_a_service_that_fails_at_sign_out_still_signs_out_here(
    api: Agent, service: Service, fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    api.sign_in("user")
    tokens = service.issued()
    service.fault("logout", **fault)
    assert api.logout().status_code == 204
    assert error_code(api.me(), 401) == "unauthorized"
    assert "logout" in caplog.text, "the failure is logged"
    assert not any(token in caplog.text for token in tokens), "no token in the log"
{%- if cookiecutter.has_refresh %}


def test_s19_sign_out_with_an_expired_token_renews_it_to_end_the_session(api: Agent, service: Service) -> None:
    api.sign_in("user")
    service.expire_tokens("user")
    assert api.logout().status_code == 204
    assert service.sessions("user") == 0
{%- endif %}
{%- else %}


def test_s19_sign_out_is_local_because_the_service_has_no_logout() -> None:
    from {{ cookiecutter.package }} import session

    assert not hasattr(session, "end_service_session")
{%- endif %}


# -- S20: password reset from the emailed link ----------------------------------
{%- if cookiecutter.has_reset_password %}

#: The forgot_password operation's inputs.
FORGOT_INPUTS = {{ cookiecutter.forgot_inputs | map(attribute="name") | list | py }}


def reset_token(agent: Agent, service: Service, key: str = "user") -> str:
    """Ask for a reset link for the user, and take its token from the service's outbox."""
    user = USERS[key]
    values = {name: user["expected"]["email"] if "email" in name else user["username"] for name in FORGOT_INPUTS}
    assert agent.post(route("forgot"), values).status_code in (200, 202)
    return service.mailed_token(key, "reset")


def reset(agent: Agent, token: str | None, password: str, confirm: str | None = None) -> Any:
    fields = {"password": password, "password_confirm": password if confirm is None else confirm}
    if token is not None:
        fields["token"] = token
    return agent.post(route("reset"), fields)


def test_s20_password_reset_from_the_emailed_link(browser: Agent, service: Service) -> None:
    token = reset_token(browser, service)
    page = browser.get(f"{route('reset')}?{{ cookiecutter.reset_token_query }}={token}")
    assert is_html(page, 200)
    html = page.content.decode()
    assert f'value="{token}"' in html and 'type="hidden"' in html
    assert html.count('autocomplete="new-password"') == 2 and "<label" in html
    done = reset(browser, token, NEW_PASSWORD)
    assert is_html(done, 200) and b"Your password has been changed. You can sign in now." in done.content
    hidden = SafeExceptionReporterFilter().get_post_parameters(done.wsgi_request)
    assert hidden["password"] == hidden["password_confirm"] == HIDDEN, "error reports hide the passwords"
    assert not browser.signed_in(), "a reset signs nobody in"
    assert signs_in("user", NEW_PASSWORD)
    assert not signs_in("user", USERS["user"]["password"])


def test_s20_password_reset_as_json(api: Agent, service: Service) -> None:
    token = reset_token(api, service)
    response = reset(api, token, NEW_PASSWORD)
    assert (response.status_code, response.json()) == (200, {"status": "reset"})
    assert signs_in("user", NEW_PASSWORD)


def test_s20_opening_the_link_uses_nothing(browser: Agent, service: Service) -> None:
    token = reset_token(browser, service)
    for _ in range(2):  # a mail scanner, then the user
        assert is_html(browser.get(f"{route('reset')}?{{ cookiecutter.reset_token_query }}={token}"), 200)
    assert service.count("reset_password") == 0
    assert reset(browser, token, NEW_PASSWORD).status_code == 200


def test_s20_a_used_link_is_invalid(api: Agent, service: Service) -> None:
    token = reset_token(api, service)
    assert reset(api, token, NEW_PASSWORD).status_code == 200
    assert error_code(reset(api, token, "Another-pass-3"), 400) == "invalid_token"
    assert signs_in("user", NEW_PASSWORD), "nothing changed"


def test_s20_a_made_up_link_is_invalid_and_the_page_offers_a_new_one(browser: Agent, service: Service) -> None:
    response = reset(browser, "made-up-token", NEW_PASSWORD)
    assert is_html(response, 400) and b"This link is not valid or was already used." in response.content
{%- if cookiecutter.has_forgot_password %}
    assert f'href="{route("forgot")}"'.encode() in response.content
{%- endif %}


def test_s20_an_expired_link_says_so(api: Agent, service: Service) -> None:
    token = reset_token(api, service)
    service.expire_token(token)
    response = reset(api, token, NEW_PASSWORD)
    assert error_code(response, 400) == "expired_token"
    assert response.json()["error"]["message"] == "This link has expired. Ask for a new one."
    assert signs_in("user", USERS["user"]["password"]), "nothing changed"


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s20_a_link_without_its_token_is_incomplete(service: Service, as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    page = agent.get(route("reset"))
    posted = reset(agent, None, NEW_PASSWORD)
    if as_browser:
        assert is_html(page, 400) and is_html(posted, 400)
        assert b"This link is incomplete." in page.content
    else:
        assert error_code(posted, 400) == "invalid_token"
    assert service.count("reset_password") == 0


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s20_two_different_new_passwords_are_refused_before_asking_the_service(
    service: Service, as_browser: bool
) -> None:
    agent = Agent(browser=as_browser)
    token = reset_token(agent, service)
    response = reset(agent, token, NEW_PASSWORD, NEW_PASSWORD + "x")
    if as_browser:
        assert is_html(response, 400) and b"The two passwords do not match." in response.content
    else:
        assert error_code(response, 400) == "invalid_input"
        assert response.json()["error"]["message"] == "The two passwords do not match."
    assert service.count("reset_password") == 0


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s20_a_password_the_policy_refuses_gets_the_services_message(service: Service, as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    token = reset_token(agent, service)
    response = reset(agent, token, SHORT_PASSWORD)
    if as_browser:
        assert is_html(response, 422) and POLICY_MESSAGE.encode() in response.content
        assert f'value="{token}"'.encode() in response.content, "the form again, with its token"
    else:
        assert error_code(response, 422) == "password_policy"
        assert response.json()["error"]["message"] == POLICY_MESSAGE
    assert signs_in("user", USERS["user"]["password"]), "nothing changed"


def test_s20_the_reset_post_needs_the_csrf_token(api: Agent, service: Service) -> None:
    token = reset_token(api, service)
    assert error_code(api.post(route("reset"), {"token": token, "password": NEW_PASSWORD}, csrf=False), 403) == "csrf_failed"
    assert service.count("reset_password") == 0
{%- else %}


def test_s20_password_reset_is_absent_because_the_service_has_none(api: Agent) -> None:
    assert api.get("/auth/reset").status_code == 404
{%- endif %}


# -- S21: password change -------------------------------------------------------
{%- if cookiecutter.has_change_password %}


def change(agent: Agent, current: str, new: str, confirm: str | None = None, **kwargs: Any) -> Any:
    fields = {"current_password": current, "new_password": new, "new_password_confirm": new if confirm is None else confirm}
    return agent.post(route("password"), fields, **kwargs)


def test_s21_change_password(api: Agent, service: Service) -> None:
    service.require_fake()
    api.sign_in("user")
    before = session_key(api)
    response = change(api, USERS["user"]["password"], NEW_PASSWORD)
    assert (response.status_code, response.json()) == (200, {"status": "changed"})
    assert api.signed_in(), "the user stays signed in"
    assert session_key(api) != before, "in a session with a new key"
    assert signs_in("user", NEW_PASSWORD)
    assert not signs_in("user", USERS["user"]["password"])


def test_s21_change_password_page(browser: Agent, service: Service) -> None:
    service.require_fake()
    browser.sign_in("user")
    page = browser.get(route("password"))
    assert is_html(page, 200)
    html = page.content.decode()
    assert html.count('autocomplete="new-password"') == 2 and html.count('autocomplete="current-password"') == 1
    done = change(browser, USERS["user"]["password"], NEW_PASSWORD)
    assert is_html(done, 200) and b"Your password has been changed." in done.content
    hidden = SafeExceptionReporterFilter().get_post_parameters(done.wsgi_request)
    assert {hidden[name] for name in ("current_password", "new_password")} == {HIDDEN}, "error reports hide the passwords"
    assert browser.signed_in()


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s21_a_wrong_current_password_is_400(as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    agent.sign_in("user")
    response = change(agent, USERS["user"]["password"] + "-wrong", NEW_PASSWORD)
    if as_browser:
        assert is_html(response, 400) and b"Your current password is not correct." in response.content
    else:
        assert error_code(response, 400) == "invalid_credentials"
    assert agent.signed_in(), "a wrong current password does not sign the user out"
    assert signs_in("user", USERS["user"]["password"])


def test_s21_two_different_new_passwords_are_refused_before_asking_the_service(api: Agent, service: Service) -> None:
    api.sign_in("user")
    response = change(api, USERS["user"]["password"], NEW_PASSWORD, NEW_PASSWORD + "x")
    assert error_code(response, 400) == "invalid_input"
    assert response.json()["error"]["message"] == "The two passwords do not match."
    assert service.count("change_password") == 0


def test_s21_a_password_the_policy_refuses_gets_the_services_message(api: Agent) -> None:
    api.sign_in("user")
    response = change(api, USERS["user"]["password"], SHORT_PASSWORD)
    assert error_code(response, 422) == "password_policy"
    assert response.json()["error"]["message"] == POLICY_MESSAGE


def test_s21_anonymous_users_are_sent_to_sign_in(api: Agent, browser: Agent) -> None:
    response = browser.get(route("password"))
    assert (response.status_code, response["Location"]) == (302, f"{route('login')}?next={route('password')}")
    assert error_code(api.get(route("password")), 401) == "unauthorized"
    assert error_code(change(api, "x", NEW_PASSWORD), 401) == "unauthorized"


def test_s21_the_change_needs_the_csrf_token(api: Agent, service: Service) -> None:
    api.sign_in("user")
    response = change(api, USERS["user"]["password"], NEW_PASSWORD, csrf=False)
    assert error_code(response, 403) == "csrf_failed"
    assert service.count("change_password") == 0
{%- if cookiecutter.django_ended.change_password %}


def test_s21_an_expired_token_is_renewed_for_the_change(api: Agent, service: Service) -> None:
    api.sign_in("user")
    service.expire_tokens("user")
    assert change(api, USERS["user"]["password"], NEW_PASSWORD).status_code == 200
    assert service.count("refresh") == 1
    assert signs_in("user", NEW_PASSWORD)
{%- endif %}
{%- else %}


def test_s21_password_change_is_absent_because_the_service_has_none(api: Agent) -> None:
    assert api.get("/auth/password").status_code == 404
{%- endif %}


# -- S22: an address to verify before signing in --------------------------------
{%- if cookiecutter.has_verify_email %}


@pytest.fixture
def unverified() -> dict[str, Any]:
    """The user whose email address is not verified yet."""
    if "unverified" not in USERS:
        pytest.skip("the test users name no unverified user")
    return USERS["unverified"]


def verify(agent: Agent, token: str | None) -> Any:
    return agent.post(route("verify"), {} if token is None else {"token": token})


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_s22_an_unverified_account_gets_its_own_message(unverified: dict[str, Any], as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    response = agent.login(unverified["username"], unverified["password"])
    message = "Verify your email address first: use the link we sent you."
    if as_browser:
        assert is_html(response, 403) and message.encode() in response.content
    else:
        assert error_code(response, 403) == "unverified"
        assert response.json()["error"]["message"] == message
    assert not agent.signed_in()


def test_s22_the_emailed_link_verifies_and_then_sign_in_works(
    browser: Agent, service: Service, unverified: dict[str, Any]
) -> None:
    token = service.mailed_token("unverified", "verify")
    page = browser.get(f"{route('verify')}?{{ cookiecutter.verify_token_query }}={token}")
    assert is_html(page, 200) and b"Verify my email address" in page.content
    assert browser.login(unverified["username"], unverified["password"]).status_code == 403, "opening the link verifies nothing"
    done = verify(browser, token)
    assert is_html(done, 200) and b"Your email address is verified. You can sign in now." in done.content
    assert browser.login(unverified["username"], unverified["password"]).status_code == 303


def test_s22_refused_unverified_sign_ins_count_as_failed_sign_ins(
    api: Agent, unverified: dict[str, Any], settings: Any
) -> None:
    caches["default"].clear()  # the counts live in the default cache
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, "LOGIN_LIMIT_PER_ACCOUNT": 2, "LOGIN_LIMIT_WINDOW": 60}
    for _ in range(2):
        assert error_code(api.login(unverified["username"], unverified["password"]), 403) == "unverified"
    assert error_code(api.login(unverified["username"], unverified["password"]), 429) == "too_many_attempts"
    caches["default"].clear()


def test_s22_verify_as_json(api: Agent, service: Service, unverified: dict[str, Any]) -> None:
    token = service.mailed_token("unverified", "verify")
    response = verify(api, token)
    assert (response.status_code, response.json()) == (200, {"status": "verified"})
    assert error_code(verify(api, token), 400) == "invalid_token", "a link works once"
    assert signs_in("unverified", unverified["password"])


def test_s22_an_expired_made_up_or_incomplete_link_verifies_nothing(
    api: Agent, browser: Agent, service: Service, unverified: dict[str, Any]
) -> None:
    token = service.mailed_token("unverified", "verify")
    service.expire_token(token)
    assert error_code(verify(api, token), 400) == "expired_token"
    assert error_code(verify(api, "made-up-token"), 400) == "invalid_token"
    assert error_code(verify(api, None), 400) == "invalid_token"
    assert is_html(browser.get(route("verify")), 400)
    assert not signs_in("unverified", unverified["password"])
{%- else %}


def test_s22_email_verification_is_absent_because_the_service_has_none(api: Agent) -> None:
    assert api.get("/auth/verify").status_code == 404
{%- endif %}
