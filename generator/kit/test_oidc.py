"""S23-S26 from outside: an app that signs users in through an OpenID provider (``[service.oidc]``).

The kit plays the browser: it follows the app's redirect to the provider,
fills in the provider's own login form and comes back to the app's callback
(:mod:`generator.kit.provider`). What it can steer (an ID token wrong in one
way, every access token expired) it asks of the bundled fake provider; those
checks are skipped against a real one.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest

from generator.kit.checks import assert_json_error
from generator.kit.client import PAST_TIMEOUT, TTL_MARGIN, AppClient, FakeControl, FixtureUser
from generator.kit.conftest import KitOptions
from generator.kit.provider import REQUEST_TIMEOUT, login_form, origin
from generator.model import Spec
from generator.plan.messages import ERRORS, OIDC_ERRORS

#: How the fake can make an ID token wrong; the app must refuse each one (S25).
TAMPERS = ("issuer", "audience", "signature", "expired", "nonce")


@pytest.fixture(autouse=True)
def _oidc_only(spec: Spec) -> None:
    if spec.oidc is None:
        pytest.skip("the spec has no [service.oidc]: the app signs users in with the password operations")


def to_callback(browser: AppClient, user: FixtureUser, *, next: str | None = None) -> str:
    """Start a sign-in and post the provider's form, but stop at the redirect to the app's callback: its URL."""
    path = browser.route("login") + (f"?{urlencode({'next': next})}" if next else "")
    answer = browser.get(path)
    while answer.is_redirect and origin(urljoin(answer.url, answer.headers["Location"])) != origin(browser.base_url):
        answer = browser.http.get(
            urljoin(answer.url, answer.headers["Location"]), allow_redirects=False, timeout=REQUEST_TIMEOUT
        )
    form = login_form(answer)
    assert form is not None, f"no login form at the provider: {answer.status_code} {answer.text[:200]!r}"
    posted = browser.http.post(
        form.action, data=form.filled(user.username, user.password), allow_redirects=False, timeout=REQUEST_TIMEOUT
    )
    assert posted.is_redirect, f"the provider did not send the browser back: {posted.status_code}"
    return urljoin(posted.url, posted.headers["Location"])


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def assert_signed_out(client: AppClient) -> None:
    me = client.me()
    assert me.status_code == 401, f"me answered {me.status_code} after a refused sign-in: {me.text[:200]}"


# -- S23 the code flow signs in ------------------------------------------------------------------


def test_S23_login_sends_the_browser_to_the_provider_with_state_nonce_and_an_s256_challenge(
    browser: AppClient, kit: KitOptions
) -> None:
    answer = browser.get(browser.route("login"))
    assert answer.status_code in (302, 303), f"login answered {answer.status_code}, not a redirect"
    location = urlsplit(answer.headers["Location"])
    query = parse_qs(location.query)
    if kit.fake_url is not None:
        assert origin(answer.headers["Location"]) == kit.fake_url, "login does not send the browser to the provider"
    assert query.get("response_type") == ["code"]
    assert query.get("code_challenge_method") == ["S256"], "no PKCE S256 challenge"
    assert len(query.get("code_challenge", [""])[0]) >= 43, "the PKCE challenge is not a SHA-256 digest"
    assert "code_verifier" not in query, "the PKCE verifier must stay on the server"
    assert query.get("state", [""])[0] and query.get("nonce", [""])[0], "the request carries no state or no nonce"
    assert query["redirect_uri"][0].startswith(kit.app_url), "the callback is not on the app"
    assert "openid" in query["scope"][0].split()


def test_S23_the_code_flow_signs_in_and_lands_on_next(browser: AppClient, admin_user: FixtureUser) -> None:
    trip = browser.through_provider(admin_user.username, admin_user.password, next="/admin")
    assert trip.last.status_code == 200, f"the round trip ended with {trip.last.status_code}: {trip.last.text[:200]}"
    assert trip.last.url == browser.url("/admin"), f"the round trip ended at {trip.last.url}, not /admin"
    me = browser.me()
    assert me.status_code == 200
    assert me.json()["username"] == admin_user.username


@pytest.mark.parametrize("target", ["https://evil.example/steal", "//evil.example/steal"])
def test_S23_next_is_only_ever_a_local_path(browser: AppClient, plain_user: FixtureUser, target: str) -> None:
    trip = browser.through_provider(plain_user.username, plain_user.password, next=target)
    assert origin(trip.last.url) == origin(browser.base_url), f"the round trip left the app for {trip.last.url}"
    assert browser.me().status_code == 200


def test_S23_an_api_client_that_is_not_signed_in_gets_401_json_never_a_redirect(api: AppClient) -> None:
    for path in (api.route("me"), "/admin"):
        answer = api.get(path)
        assert answer.status_code == 401, f"{path} answered {answer.status_code}"
        assert "Location" not in answer.headers, f"{path} redirects an API client"
        assert answer.json()["error"]["code"] == "unauthorized"


def test_S23_a_signed_in_browser_keeps_its_session_for_api_calls(browser: AppClient, plain_user: FixtureUser) -> None:
    browser.sign_in(plain_user)
    me = browser.get(browser.route("me"), headers={"Accept": "application/json"})
    assert me.status_code == 200 and me.json()["username"] == plain_user.username


# -- S24 a callback the browser did not start ------------------------------------------------------


def test_S24_a_callback_whose_state_was_changed_starts_no_session(browser: AppClient, plain_user: FixtureUser) -> None:
    callback = to_callback(browser, plain_user)
    answer = browser.http.get(with_query(callback, state="forged-state"), allow_redirects=False, timeout=60)
    assert answer.status_code == 400, f"a forged state answered {answer.status_code}"
    assert OIDC_ERRORS["sign_in_failed"] in answer.text
    assert_signed_out(browser)


def test_S24_a_callback_without_state_starts_no_session(browser: AppClient, plain_user: FixtureUser) -> None:
    callback = urlsplit(to_callback(browser, plain_user))
    code = parse_qs(callback.query)["code"][0]
    answer = browser.http.get(
        urlunsplit(callback._replace(query=urlencode({"code": code}))), allow_redirects=False, timeout=60
    )
    assert answer.status_code == 400, f"a callback without state answered {answer.status_code}"
    assert_signed_out(browser)


def test_S24_a_code_used_once_is_refused_the_second_time(
    new_client, browser: AppClient, plain_user: FixtureUser
) -> None:
    first = to_callback(browser, plain_user)
    assert browser.http.get(first, allow_redirects=False, timeout=60).status_code in (302, 303)
    # A second browser starts its own sign-in (so its state is good) and is handed the first code.
    other: AppClient = new_client(browser=True)
    started = other.get(other.route("login"))
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    replay = other.http.get(with_query(first, state=state), allow_redirects=False, timeout=60)
    assert replay.status_code == 400, f"a replayed code answered {replay.status_code}"
    assert_signed_out(other)


# -- S25 ID tokens that fail a check ---------------------------------------------------------------


@pytest.mark.parametrize("how", TAMPERS)
def test_S25_an_id_token_that_fails_a_check_starts_no_session(
    browser: AppClient, plain_user: FixtureUser, fake: FakeControl, how: str
) -> None:
    fake.tamper_next_id_token(how)
    trip = browser.through_provider(plain_user.username, plain_user.password)
    assert trip.last.status_code == 400, f"an ID token with a wrong {how} answered {trip.last.status_code}"
    assert OIDC_ERRORS["sign_in_failed"] in trip.last.text
    assert_signed_out(browser)


# -- S26 RP-initiated logout -----------------------------------------------------------------------


def test_S26_logout_ends_the_session_at_the_provider_and_comes_back(
    browser: AppClient, plain_user: FixtureUser, fake: FakeControl
) -> None:
    browser.sign_in(plain_user)
    assert fake.provider_sessions() == 1
    answer = browser.logout()
    assert answer.status_code in (302, 303), f"logout answered {answer.status_code}, not a redirect"
    end_session = urlsplit(answer.headers["Location"])
    query = parse_qs(end_session.query)
    assert origin(answer.headers["Location"]) == fake.base_url, "logout does not go to the provider's end-session"
    assert query.get("id_token_hint"), "the end-session request names no ID token"
    assert query["post_logout_redirect_uri"][0].startswith(browser.base_url)
    back = browser.http.get(answer.headers["Location"], allow_redirects=False, timeout=60)
    assert back.is_redirect and origin(back.headers["Location"]) == origin(browser.base_url)
    assert fake.provider_sessions() == 0, "the provider's session outlived the logout"
    assert_signed_out(browser)


def test_S26_an_api_client_signs_out_with_204_and_the_provider_session_ends(
    new_client, plain_user: FixtureUser, fake: FakeControl
) -> None:
    client: AppClient = new_client()
    client.sign_in(plain_user)
    answer = client.logout()
    assert answer.status_code == 204, f"logout of an API client answered {answer.status_code}"
    assert fake.provider_sessions() == 0
    assert_signed_out(client)


# -- refresh, refusal, a provider that is down -----------------------------------------------------


def test_the_session_outlives_the_access_token(
    browser: AppClient, plain_user: FixtureUser, fake: FakeControl, session_ttl: float
) -> None:
    browser.sign_in(plain_user)
    fake.expire_access_tokens()
    before = fake.count("token")
    time.sleep(session_ttl + TTL_MARGIN)  # past the user cache: the app must ask the provider again
    me = browser.me()
    assert me.status_code == 200, f"after the access token expired, me answered {me.status_code}"
    assert fake.count("token") > before, "the app did not refresh the expired access token"


def test_a_user_the_provider_refuses_gets_access_denied(browser: AppClient, disabled_user: FixtureUser) -> None:
    trip = browser.through_provider(disabled_user.username, disabled_user.password)
    assert trip.last.status_code in (400, 403), f"a refused user's callback answered {trip.last.status_code}"
    assert OIDC_ERRORS["access_denied"] in trip.last.text
    assert_signed_out(browser)


def test_a_provider_that_is_down_is_503(browser: AppClient, plain_user: FixtureUser, fake: FakeControl) -> None:
    callback = to_callback(browser, plain_user)
    fake.fault("token", status=503)
    answer = browser.http.get(callback, allow_redirects=False, timeout=60)
    assert answer.status_code == 503, f"a token endpoint answering 503 gave {answer.status_code}"
    assert ERRORS["service_unavailable"] in answer.text
    assert_signed_out(browser)


def test_a_provider_that_does_not_answer_the_callback_in_time_is_503(
    browser: AppClient, plain_user: FixtureUser, fake: FakeControl, spec: Spec
) -> None:
    """The code exchange has the spec's timeout: a token endpoint that answers after it signs nobody in."""
    callback = to_callback(browser, plain_user)
    fake.fault("token", delay=spec.service.timeout_s + PAST_TIMEOUT, times=1)
    answer = browser.http.get(callback, allow_redirects=False, timeout=60)
    assert answer.status_code == 503, f"a token endpoint slower than the timeout gave {answer.status_code}"
    assert ERRORS["service_unavailable"] in answer.text
    assert_signed_out(browser)


@pytest.mark.parametrize("slow", [False, True], ids=["down", "slower-than-the-timeout"])
def test_a_provider_that_fails_after_the_ttl_is_503(
    api: AppClient, plain_user: FixtureUser, fake: FakeControl, spec: Spec, session_ttl: float, slow: bool
) -> None:
    """Past the user cache the provider is asked again; down or too slow, the request fails closed.

    Twice: an app may take a failed userinfo for an access token ended early, refresh it and ask once more.
    """
    api.sign_in(plain_user)
    time.sleep(session_ttl + TTL_MARGIN)
    fault: dict[str, Any] = {"delay": spec.service.timeout_s + PAST_TIMEOUT} if slow else {"status": 503}
    fake.fault("userinfo", **fault, times=2)
    assert_json_error(api.me(), 503, "service_unavailable")


def test_the_provider_refuses_a_wrong_password_on_its_own_page(browser: AppClient, plain_user: FixtureUser) -> None:
    trip = browser.through_provider(plain_user.username, plain_user.password + "-wrong")
    assert login_form(trip.last) is not None, "a wrong password did not leave the browser on the provider's form"
    assert_signed_out(browser)
