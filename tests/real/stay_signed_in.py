"""A user of the generated Flask package stays signed in to a real Keycloak across token lifetimes.

``python tests/real/stay_signed_in.py OUT/flask``, with the environment
``keycloak.settings()`` gives and the package installed (``nox -s real-keycloak``).
It serves the package's example app (``example.py``) in-process with a 5 s user
cache, signs in once, views a page every second for 60 s while the realm's
access tokens last 10 s, signs out, and checks that Keycloak's admin API then
lists no session of that user.  It signs in as a realm user of its own
(:data:`USERNAME`), so it may run beside the packages' tests.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: tests.real is not importable
from tests.real import keycloak  # noqa: E402

#: The realm user (tests/real/realm.json) no other test signs in as.
USERNAME = "katherine"
#: Seconds of page views: six access-token lifetimes of the realm.
DURATION = 60.0
#: Seconds between two page views.
INTERVAL = 1.0
#: Seconds the app trusts its cached user (``KEYCLOAK_SESSION_TTL``).
SESSION_TTL = 5
JSON = {"Accept": "application/json"}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: stay_signed_in.py OUT/flask", file=sys.stderr)
        return 2
    env = os.environ
    url, realm = env["KEYCLOAK_TEST_BASE_URL"], env["KEYCLOAK_TEST_REALM"]
    env.update(
        {
            "KEYCLOAK_URL": url,
            "KEYCLOAK_REALM": realm,
            "KEYCLOAK_CLIENT_ID": env["KEYCLOAK_TEST_CLIENT_ID"],
            "KEYCLOAK_CLIENT_SECRET": env["KEYCLOAK_TEST_CLIENT_SECRET"],
            "KEYCLOAK_SESSION_TTL": str(SESSION_TTL),
            "KEYCLOAK_SIGNED_OUT_DB": str(Path(tempfile.mkdtemp(prefix="authgen-stay-")) / "signed-out.sqlite3"),
            "FLASK_SECRET_KEY": secrets.token_hex(16),
        }
    )
    sys.path.insert(0, str(Path(argv[0]).resolve()))
    from example import app  # the package's example app, configured from the environment above

    client = app.test_client()
    csrf = client.get("/auth/csrf", headers=JSON).get_json()
    body = {"username": USERNAME, "password": keycloak.realm_password(USERNAME)}
    login = client.post("/auth/login", json=body, headers={**JSON, csrf["header"]: csrf["csrf_token"]})
    if login.status_code != 200:
        print(f"stay signed in: {USERNAME} could not sign in: {login.status_code} {login.get_data(as_text=True)[:200]}")
        return 1
    token = login.get_json()["csrf_token"]
    began = time.monotonic()
    views = 0
    while time.monotonic() - began < DURATION:
        page = client.get("/", headers=JSON)
        if page.status_code != 200:
            seconds = time.monotonic() - began
            print(f"stay signed in: after {seconds:.0f} s and {views} page views, / answered {page.status_code}")
            return 1
        views += 1
        time.sleep(INTERVAL)
    before = keycloak.user_sessions(url, realm, USERNAME)
    logout = client.post("/auth/logout", headers={**JSON, csrf["header"]: token})
    after = keycloak.user_sessions(url, realm, USERNAME)
    if logout.status_code != 204 or after != 0:
        print(f"stay signed in: sign-out answered {logout.status_code}; Keycloak lists {after} session(s) after it")
        return 1
    print(
        f"stay signed in: {views} page views over {DURATION:.0f} s with {SESSION_TTL} s user cache and 10 s tokens, "
        f"one sign-in; sign-out ended the Keycloak session ({before} listed before, 0 after)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
