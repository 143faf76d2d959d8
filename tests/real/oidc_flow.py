"""A user of a generated OpenID Connect package signs in on a real Keycloak's own login page.

``python tests/real/oidc_flow.py OUT/<target>``, where OUT was generated from
``examples/keycloak-oidc`` and the package's example app is installed, with the
environment ``keycloak.settings()`` gives (``nox -s real-keycloak``). It serves
the example app on a free port, opens its login route as a browser would,
follows the redirect to Keycloak, posts Keycloak's HTML login form, comes back
through the app's callback and sees ``me``; views a page every second across
three of the realm's 10 s access-token lifetimes (the app refreshes); signs out
(RP-initiated: through Keycloak's end-session endpoint and back to the app);
and checks that Keycloak's admin API lists no session of the user any more.
It signs in as a realm user of its own (:data:`USERNAMES`), so it may run
beside the other checks.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: tests.real is not importable
from generator.kit.errors import KitError  # noqa: E402
from generator.kit.package import load_package  # noqa: E402
from generator.kit.processes import serve_app  # noqa: E402
from generator.kit.provider import Browser, ProviderFlowError, origin, sign_in_through_provider  # noqa: E402
from generator.kit.runner import SESSION_TTL_ENV  # noqa: E402
from tests.real import keycloak  # noqa: E402

#: The realm user (tests/real/realm.json) each target's flow signs in as, which no other check
#: signs in as: the flows run side by side, and each counts its user's sessions at Keycloak.
USERNAMES = {"flask": "alan", "django": "edsger", "express": "barbara", "spring": "margaret"}
#: Seconds of page views: three access-token lifetimes of the realm.
DURATION = 30.0
#: Seconds between two page views.
INTERVAL = 1.0
#: Seconds the app trusts its cached user.
SESSION_TTL = 5
JSON = {"Accept": "application/json"}


class FlowFailure(Exception):
    """A step of the round trip did not go as it should."""


def app_environment(package: Path, url: str, realm: str, client_id: str, secret: str) -> dict[str, str]:
    """The example app's environment: the package's provider settings pointed at the realm."""
    pkg = load_package(package)
    oidc = pkg.spec.oidc
    if oidc is None:
        raise FlowFailure(f"{package} was not generated from a spec with [service.oidc]")
    env = dict(os.environ)
    env.update(pkg.target.example_env(pkg.spec.service.slug))
    env[SESSION_TTL_ENV.format(SLUG=pkg.spec.service.slug.upper())] = str(SESSION_TTL)
    env[oidc.issuer.env] = f"{url}/realms/{realm}"
    env[oidc.client_id.env] = client_id
    if oidc.client_secret is not None:
        env[oidc.client_secret.env] = secret
    return env


def sign_in(app: str, keycloak_url: str, username: str) -> Browser:
    browser = Browser()
    trip = sign_in_through_provider(browser, f"{app}/auth/login?next=/", username, keycloak.realm_password(username))
    if trip.first_to(keycloak_url) is None:
        raise FlowFailure(f"the sign-in never reached Keycloak: {trip.urls()}")
    if urlsplit(trip.last.url).netloc != urlsplit(app).netloc or trip.last.status_code != 200:
        raise FlowFailure(
            f"the round trip ended at {trip.last.url} ({trip.last.status_code}): {trip.last.text[:300]!r}"
        )
    me = browser.get(f"{app}/auth/me", headers=JSON, timeout=30)
    if me.status_code != 200 or me.json().get("username") != username:
        raise FlowFailure(f"me after the callback answered {me.status_code}: {me.text[:200]}")
    return browser


def stay(browser: Browser, app: str) -> int:
    """Page views every :data:`INTERVAL` for :data:`DURATION` seconds; their number."""
    began, views = time.monotonic(), 0
    while time.monotonic() - began < DURATION:
        page = browser.get(f"{app}/", headers=JSON, timeout=30)
        if page.status_code != 200:
            raise FlowFailure(
                f"after {time.monotonic() - began:.0f} s and {views} page views, / answered {page.status_code}"
            )
        views += 1
        time.sleep(INTERVAL)
    return views


def sign_out(browser: Browser, app: str, keycloak_url: str) -> list[str]:
    """Post the logout form as a browser; follow the redirects through Keycloak until back on the app.

    Returns the URLs on the way. The app's root, where Keycloak sends the
    browser back, may itself redirect to the login route: the trip ends at
    the first answer from the app after Keycloak.
    """
    csrf = browser.get(f"{app}/auth/csrf", headers=JSON, timeout=30).json()
    answer = browser.post(
        f"{app}/auth/logout", data={csrf["field"]: csrf["csrf_token"]}, headers={"Accept": "text/html"},
        allow_redirects=False, timeout=30,
    )  # fmt: skip
    urls, at_keycloak = [answer.url], False
    while answer.is_redirect and len(urls) < 10:
        answer = browser.get(urljoin(answer.url, answer.headers["Location"]), allow_redirects=False, timeout=30)
        urls.append(answer.url)
        if origin(answer.url) == keycloak_url:
            at_keycloak = True
        elif at_keycloak:
            break
    if not at_keycloak:
        raise FlowFailure(f"sign-out never reached Keycloak's end-session endpoint: {urls}")
    if origin(urls[-1]) != app:
        raise FlowFailure(f"sign-out ended at {urls[-1]} ({answer.status_code}), not back on the app")
    if browser.get(f"{app}/auth/me", headers=JSON, timeout=30).status_code != 401:
        raise FlowFailure("still signed in on the app after signing out")
    return urls


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: oidc_flow.py OUT/<target>", file=sys.stderr)
        return 2
    env = os.environ
    url, realm = env["KEYCLOAK_TEST_BASE_URL"], env["KEYCLOAK_TEST_REALM"]
    target = Path(argv[0]).name
    username = USERNAMES[target]
    try:
        app_env = app_environment(
            Path(argv[0]), url, realm, env["KEYCLOAK_TEST_CLIENT_ID"], env["KEYCLOAK_TEST_CLIENT_SECRET"]
        )
        app, app_url = serve_app(load_package(Path(argv[0])), sys.executable, app_env)
    except (KitError, FlowFailure) as error:
        print(f"oidc flow {target}: {error}")
        return 1
    try:
        browser = sign_in(app_url, url, username)
        views = stay(browser, app_url)
        before = keycloak.user_sessions(url, realm, username)
        sign_out(browser, app_url, url)
        after = keycloak.user_sessions(url, realm, username)
        if after != 0:
            raise FlowFailure(f"Keycloak lists {after} session(s) of {username} after the sign-out")
    except (FlowFailure, ProviderFlowError, keycloak.KeycloakError) as error:
        print(f"oidc flow {target}: FAILED: {error}")
        for line in app.last_output():
            print(f"  app | {line}")
        return 1
    finally:
        app.stop()
    print(
        f"oidc flow {target}: signed in on Keycloak's own login page, {views} page views over {DURATION:.0f} s "
        f"with 10 s access tokens, signed out through Keycloak's end-session ({before} session before, 0 after)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
