"""The conformance kit: it passes against the generated Flask example app, fails against a broken
one, and says clearly when it cannot run at all."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from generator import manifest
from generator.kit import processes
from generator.kit.errors import KitError
from generator.kit.runner import run_kit
from generator.render import copy_fake, generate
from generator.spec import load_spec
from generator.targets import TARGETS

#: Appended to the Flask example app to break S1: API clients are sent to the login page.
REDIRECT_API_CLIENTS = """

# Broken on purpose by authgen's tests: anonymous API clients get a redirect instead of a 401.
from flask import redirect  # noqa: E402


@app.after_request
def _redirect_everyone(response):
    if response.status_code == 401 and request.path in ("/", "/admin"):
        return redirect("/auth/login?next=" + request.path)
    return response
"""

#: Appended to the Flask example app to leak, on the forgot-password page, whether the account exists:
#: a hidden field that holds the address for accounts of the fake (at example.com), empty for others.
LEAK_ACCOUNT_ON_FORGOT_PAGE = """

# Broken on purpose by authgen's tests: the forgot-password page tells who has an account.
@app.after_request
def _leak_account(response):
    if request.path == "/auth/forgot" and request.method == "POST" and response.mimetype == "text/html":
        email = request.form.get("email", "")
        known = email if email.endswith("@example.com") else ""
        hidden = f'<input type="hidden" name="account" value="{known}">'
        response.set_data(response.get_data(as_text=True).replace("<main", hidden + "<main", 1))
    return response
"""

#: Appended to the Flask example app to make it fixable: a server-side session id of the client's
#: choosing is adopted at sign-in and signs in whoever presents it (as a store without strict ids would).
ADOPT_A_PLANTED_SESSION_ID = """

# Broken on purpose by authgen's tests: a session id the client chose is adopted at sign-in.
import secrets  # noqa: E402

_ADOPTED = {}
app.login_manager.request_loader(lambda req: _ADOPTED.get(req.cookies.get("acme_sid", "")))


@app.after_request
def _adopt_session_id(response):
    if request.path == "/auth/login" and request.method == "POST" and current_user.is_authenticated:
        session_id = request.cookies.get("acme_sid") or secrets.token_urlsafe(16)
        _ADOPTED[session_id] = current_user._get_current_object()
        response.set_cookie("acme_sid", session_id, httponly=True, samesite="Lax")
    return response
"""

#: Appended to the Flask example app to sign out only locally (S19): the service session outlives it.
SIGN_OUT_LOCALLY_ONLY = """

# Broken on purpose by authgen's tests: sign-out forgets the user here and never tells the service.
from flask import redirect, session  # noqa: E402
from flask_login import logout_user  # noqa: E402


@app.before_request
def _sign_out_locally_only():
    if request.path == "/auth/logout" and request.method == "POST":
        logout_user()
        session.clear()
        return ("", 204) if request.accept_mimetypes.best == "application/json" else redirect("/auth/login", 303)
"""

#: Appended to the Flask example app to verify an email address as soon as the link is opened (S22):
#: a mail scanner's GET then uses the token up.
VERIFY_ON_GET = """

# Broken on purpose by authgen's tests: opening the verification link already verifies.
import os  # noqa: E402

import requests  # noqa: E402


@app.before_request
def _verify_on_get():
    if request.path == "/auth/verify" and request.method == "GET" and request.args.get("token"):
        url = os.environ["ACME_BASE_URL"] + "/v1/email-verifications/" + request.args["token"]
        requests.post(url, headers={"Authorization": "Bearer " + os.environ["ACME_API_KEY"]}, timeout=5)
"""

needs_flask = pytest.mark.skipif(not TARGETS["flask"].available, reason="authgen has no Flask template yet")


def outcomes(junit_xml: Path) -> dict[str, str]:
    """Each kit test's outcome by name (``test_x[param]``): passed, failed, error or skipped."""
    results = {}
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        results[case.get("name", "")] = {"failure": "failed", "error": "error", "skipped": "skipped"}.get(
            kinds[0] if kinds else "", "passed"
        )
    return results


def run_and_report(package: Path, python: str, tmp_path: Path, *pytest_args: str) -> tuple[int, dict[str, str]]:
    """Run the kit on ``package``; return its exit code and the outcome of each test."""
    report = tmp_path / "kit-report.xml"
    code = run_kit(package, quiet=True, pytest_args=["--junitxml", str(report), *pytest_args], python=python)
    return code, outcomes(report)


@pytest.fixture(scope="module")
def app_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An interpreter for the example apps, seeing this one's packages (Flask ...).

    Installing a generated package into it leaves the test environment alone.
    """
    root = tmp_path_factory.mktemp("app-venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root)], check=True)
    return str(root / "bin" / "python")


@pytest.fixture(scope="module")
def flask_out(tmp_path_factory: pytest.TempPathFactory, acme_spec: Path) -> Path:
    """An output folder with the Acme spec's Flask package."""
    out = tmp_path_factory.mktemp("kit") / "out"
    generate(acme_spec, out, ["flask"])
    return out


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, acme_spec: Path) -> Path:
    """A package folder with only the fake in it, for the runner's own errors; its target serves nothing yet."""
    out = tmp_path / "out"
    package = out / "flask"
    target = dataclasses.replace(TARGETS["flask"], kit_install=(), kit_serve="")
    monkeypatch.setitem(TARGETS, "flask", target)
    copy_fake(load_spec(acme_spec), package / target.fake_dir)
    record = manifest.Manifest("test", "spec.toml", "0", "0", targets={"flask": "0"})
    (out / manifest.MANIFEST).write_text(record.dumps(), encoding="utf-8")
    return package


def serving(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """Make the stand-in package's target serve with ``command``."""
    monkeypatch.setitem(TARGETS, "flask", dataclasses.replace(TARGETS["flask"], kit_serve=command))


# -- against the generated Flask package ------------------------------------------
# (The whole kit passing against it is `nox -s flask`'s job; these break the app on purpose.)


@needs_flask
def test_kit_fails_against_an_app_that_redirects_api_clients(flask_out: Path, app_python: str, tmp_path: Path) -> None:
    broken = tmp_path / "out"
    shutil.copytree(flask_out, broken)
    example = broken / "flask" / "example.py"
    example.write_text(example.read_text(encoding="utf-8") + REDIRECT_API_CLIENTS, encoding="utf-8")
    code, results = run_and_report(broken / "flask", app_python, tmp_path, "-k", "s01")
    assert code != 0
    failed = {name for name, outcome in results.items() if outcome == "failed"}
    api_clients = ("test_s01_anonymous_json_gets_401[", "test_s01_anonymous_http_client_gets_401_json[")
    assert failed == {name for name in results if name.startswith(api_clients)}
    assert len(failed) == 2 + 3 * 2, "Accept: application/json, and axios, jQuery and fetch on / and /admin"


def break_flask(flask_out: Path, tmp_path: Path, code: str) -> Path:
    """A copy of the Flask package whose example app has ``code`` appended."""
    broken = tmp_path / "out"
    shutil.copytree(flask_out, broken)
    example = broken / "flask" / "example.py"
    example.write_text(example.read_text(encoding="utf-8") + code, encoding="utf-8")
    return broken / "flask"


@needs_flask
def test_kit_fails_against_a_forgot_page_that_tells_who_has_an_account(
    flask_out: Path, app_python: str, tmp_path: Path
) -> None:
    """A hidden field differs for known accounts: the comparison masks only the CSRF token, not every input."""
    package = break_flask(flask_out, tmp_path, LEAK_ACCOUNT_ON_FORGOT_PAGE)
    code, results = run_and_report(package, app_python, tmp_path, "-k", "forgot")
    assert code != 0
    failed = {name for name, outcome in results.items() if outcome == "failed"}
    assert failed == {"test_s15_forgot_form_same_page_for_known_and_unknown"}


@needs_flask
def test_kit_fails_against_an_app_that_adopts_a_planted_session_id(
    flask_out: Path, app_python: str, tmp_path: Path
) -> None:
    """Its session cookie changes at sign-in and its pre-login cookie stays anonymous, yet it can be fixated."""
    package = break_flask(flask_out, tmp_path, ADOPT_A_PLANTED_SESSION_ID)
    code, results = run_and_report(package, app_python, tmp_path, "-k", "s10 or s02_login")
    assert code != 0
    failed = {name for name, outcome in results.items() if outcome == "failed"}
    assert failed == {
        "test_s10_planted_session_cookie_never_signs_in[json]",
        "test_s10_planted_session_cookie_never_signs_in[form]",
    }


@needs_flask
def test_kit_fails_against_an_app_that_signs_out_only_locally(flask_out: Path, app_python: str, tmp_path: Path) -> None:
    """S19: the app forgets the user, yet the service session lives on."""
    package = break_flask(flask_out, tmp_path, SIGN_OUT_LOCALLY_ONLY)
    code, results = run_and_report(package, app_python, tmp_path, "-k", "s19_sign_out")
    assert code != 0
    failed = {name for name, outcome in results.items() if outcome == "failed"}
    assert failed == {
        "test_s19_sign_out_ends_the_session_at_the_service[json]",
        "test_s19_sign_out_ends_the_session_at_the_service[form]",
    }


@needs_flask
def test_kit_fails_against_an_app_that_verifies_when_the_link_is_opened(
    flask_out: Path, app_python: str, tmp_path: Path
) -> None:
    """S22: a GET on the verification link uses the token up."""
    package = break_flask(flask_out, tmp_path, VERIFY_ON_GET)
    code, results = run_and_report(package, app_python, tmp_path, "-k", "s22_opening")
    assert code != 0
    failed = {name for name, outcome in results.items() if outcome == "failed"}
    assert failed == {"test_s22_opening_the_link_verifies_nothing"}


# -- when the kit cannot run ------------------------------------------------------------


def test_kit_refuses_a_folder_that_is_not_a_generated_package(tmp_path: Path) -> None:
    (tmp_path / "flask").mkdir()
    with pytest.raises(KitError, match="not a generated package"):
        run_kit(tmp_path / "flask", quiet=True)


def test_kit_refuses_a_target_the_manifest_does_not_list(stand_in: Path) -> None:
    other = stand_in.parent / "express"
    other.mkdir()
    with pytest.raises(KitError, match="lists the targets flask, not 'express'"):
        run_kit(other, quiet=True)


def test_kit_names_the_command_and_its_output_when_the_app_exits(
    stand_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving(monkeypatch, """{python} -c "import sys; sys.exit('example app: SECRET_KEY is missing')" """)
    with pytest.raises(KitError, match="exited with 1 before answering") as caught:
        run_kit(stand_in, quiet=True)
    assert any("-c" in hint for hint in caught.value.hints()), "the message names the command"
    assert any("SECRET_KEY is missing" in hint for hint in caught.value.hints()), "and shows its last output"


def test_kit_stops_an_app_that_never_answers(stand_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[processes.Process] = []
    original = processes.start

    def remember(*args: object, **kwargs: object) -> processes.Process:
        started.append(original(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(processes, "start", remember)
    monkeypatch.setattr(processes, "APP_START_TIMEOUT", 1.0)
    serving(monkeypatch, """{python} -c "import time; time.sleep(60)" """)
    with pytest.raises(KitError, match="did not answer"):
        run_kit(stand_in, quiet=True)
    assert [p.role for p in started] == ["the fake identity service", "the example app"]
    assert not any(p.running for p in started), "the kit stopped the fake and the app"


# -- what a failing kit test prints ------------------------------------------------------


def canned(body: str, content_type: str = "application/json", status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    response.request = requests.Request("POST", "http://127.0.0.1:1/auth/login").prepare()
    return response


def test_a_failure_message_shows_no_token_or_password() -> None:
    from generator.kit.checks import describe
    from generator.kit.client import FixtureUser

    login = canned('{"user": {"id": "1"}, "csrf_token": "SECRET-CSRF", "password": "SECRET-PW"}')
    page = canned('<form><input type="hidden" name="csrf_token" value="SECRET-FIELD"></form>', "text/html")
    user = FixtureUser("user", "ada@example.com", "SECRET-USER-PW", {}, {})
    for text in (describe(login), describe(page), repr(user)):
        assert "SECRET" not in text, text
    assert '"csrf_token": "***"' in describe(login) and 'value="***"' in describe(page)


@pytest.mark.parametrize(
    ("body", "leaks"),
    [
        ("Error: Not Acceptable\n    at Function.format (/srv/app/node_modules/express/lib/response.js:9:10)", True),
        ('Traceback (most recent call last):\n  File "/app/x.py", line 3, in <module>', True),
        ("at com.acme.Guard.check(Guard.java:42)", True),
        ('<h1>Not Acceptable</h1><script src="/static/app.js"></script>', False),
        ('{"error": {"code": "not_acceptable", "message": "Cannot answer with image/png."}}', False),
    ],
)
def test_internals_in_an_answer_are_recognised(body: str, leaks: bool) -> None:
    from generator.kit.checks import assert_no_internals

    if leaks:
        with pytest.raises(AssertionError, match="internals"):
            assert_no_internals(canned(body, "text/html", 406))
    else:
        assert_no_internals(canned(body, "text/html", 406))


# -- the session lifecycle checks (S18-S22) without an app that serves them ---------------------

#: The kit's files for S18-S22.
LIFECYCLE_FILES = ("test_refresh.py", "test_logout.py", "test_reset.py", "test_password.py", "test_verify.py")
#: Each lifecycle smoke case, and the spec operation it needs.
LIFECYCLE_CASES = {
    "s18": "refresh",
    "s19": "logout",
    "s20": "reset_password",
    "s21": "change_password",
    "s22": "verify_email",
}


def spec_without_lifecycle(path: Path) -> dict:
    """The raw spec at ``path`` as it was before issue 15: no lifecycle operation, no expiring tokens."""
    import tomllib

    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    for name in LIFECYCLE_CASES.values():
        raw["operations"].pop(name, None)
    for step in raw["operations"]["login"]["steps"]:
        for name in ("refresh_token", "expires_in"):
            step.get("extract", {}).pop(name, None)
        if isinstance(step.get("errors"), list):
            step["errors"] = [rule for rule in step["errors"] if rule["kind"] != "unverified"]
    return raw


def run_kit_files(tmp_path: Path, raw_spec: dict, files: tuple[str, ...], *options: str) -> dict[str, tuple[str, str]]:
    """Run some of the kit's files against a fake serving ``raw_spec``, and no app at all.

    :return: each test's (outcome, message) by name; the message is the skip reason or the failure.
    """
    import json
    import os

    from generator.fake import start, test_settings
    from generator.kit.runner import KIT_DIR

    data = {"spec": raw_spec, "settings": test_settings(raw_spec)}
    spec_json = tmp_path / "spec.json"
    spec_json.write_text(json.dumps(data), encoding="utf-8")
    report = tmp_path / "report.xml"
    with start(data) as fake:
        command = [
            sys.executable,
            "-m",
            "pytest",
            *(str(KIT_DIR / name) for name in files),
            f"-c={os.devnull}",
            f"--rootdir={KIT_DIR}",
            f"--confcutdir={KIT_DIR}",
            "-p",
            "no:cacheprovider",
            "-q",
            "--app-url=http://127.0.0.1:9",  # the discard port: a request to the app fails at once
            f"--fake-url={fake.url}",
            f"--spec={spec_json}",
            f"--junitxml={report}",
            *options,
        ]
        subprocess.run(command, capture_output=True, timeout=300, check=False)
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        found = [child for child in case if child.tag in ("failure", "error", "skipped")]
        outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[found[0].tag] if found else "passed"
        results[case.get("name", "")] = (outcome, found[0].get("message", "") if found else "")
    return results


def test_kit_lifecycle_checks_skip_with_the_reason_when_the_spec_has_no_such_operation(
    tmp_path: Path, acme_spec: Path
) -> None:
    results = run_kit_files(tmp_path, spec_without_lifecycle(acme_spec), LIFECYCLE_FILES, "--session-ttl=3")
    seen = set()
    for name, (outcome, message) in results.items():
        case = name.removeprefix("test_")[:3]
        if case in LIFECYCLE_CASES:
            seen.add(case)
            assert outcome == "skipped", (name, outcome, message)
            assert f"the spec has no [operations.{LIFECYCLE_CASES[case]}]" in message, (name, message)
    assert seen == set(LIFECYCLE_CASES)
    # S7 in the same file needs no operation: it runs, and fails here for want of an app
    assert results["test_s07_logout_by_get_is_405"][0] == "error"


def test_kit_fake_control_steers_the_lifecycle(acme_spec: Path) -> None:
    """The kit's handles on the fake: token lifetime, expiry, service sessions, the outbox."""
    import tomllib

    from generator.fake import start, test_settings
    from generator.kit.client import FakeControl

    raw = tomllib.loads(acme_spec.read_text(encoding="utf-8"))
    with start({"spec": raw, "settings": test_settings(raw)}) as fake:
        control = FakeControl(fake.url)
        users = {user.key: user for user in control.users()}
        assert users["unverified"].unverified and not users["user"].unverified
        control.token_ttl(7)
        body = {
            "login": users["user"].username,
            "password": users["user"].password,
            "application": "test-application-id",
        }
        session = requests.post(fake.url + "/v1/sessions", json=body, timeout=5).json()
        assert session["expires_in"] == 7
        assert control.sessions("user") == 1 and control.sessions("admin") == 0
        get_user = f"{fake.url}/v1/users/{session['user']['id']}"
        bearer = {"Authorization": f"Bearer {session['token']}"}
        assert requests.get(get_user, headers=bearer, timeout=5).status_code == 200
        control.expire("user")
        assert requests.get(get_user, headers=bearer, timeout=5).status_code == 401
        token = control.mailed_token("unverified", "verify")
        control.expire_mailed_token(token)
        verify = requests.post(
            f"{fake.url}/v1/email-verifications/{token}", headers={"Authorization": "Bearer test-api-key"}, timeout=5
        )
        assert verify.status_code == 410
        with pytest.raises(AssertionError, match="no reset mail"):
            control.mailed_token("user", "reset")


def test_the_kit_installs_with_uv_where_it_is_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.kit.processes import with_uv

    monkeypatch.setattr("shutil.which", lambda name: f"/opt/bin/{name}" if name == "uv" else None)
    assert with_uv(["/venv/bin/python", "-m", "pip", "install", "-q", "-e", "."]) == [
        "/opt/bin/uv",
        "pip",
        "install",
        "--python",
        "/venv/bin/python",
        "-q",
        "-e",
        ".",
    ]
    assert with_uv(["npm", "ci"]) == ["npm", "ci"]
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert with_uv(["/venv/bin/python", "-m", "pip", "install", "."]) == [
        "/venv/bin/python",
        "-m",
        "pip",
        "install",
        ".",
    ]
