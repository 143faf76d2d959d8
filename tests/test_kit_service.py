"""The conformance kit against a real identity service (``authgen kit --service-env --test-users``).

No real service here: the Keycloak spec's own fake, started apart from the kit,
stands in for one. The kit must then neither start nor steer a fake: it reads
the users from the test-users file, checks roles as "has at least", and skips
every test that needs the fake with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import json
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.fake import fixture_users, start, test_settings
from generator.kit.errors import KitError
from generator.kit.runner import KIT_DIR, run_kit
from generator.kit.service import NEEDS_FAKE, check_reachable, external_service, read_env_file, read_test_users
from generator.render import generate
from generator.spec import load_spec
from generator.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
KEYCLOAK = ROOT / "examples" / "keycloak" / "identity.toml"
SPEC = load_spec(KEYCLOAK)

needs_flask = pytest.mark.skipif(not TARGETS["flask"].available, reason="authgen has no Flask template yet")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


USERS = {
    "admin": {"username": "ada", "password": "a", "roles": ["admin"], "email": "ada@example.org"},
    "user": {"username": "alan", "password": "b", "roles": []},
    "disabled": {"username": "dana", "password": "c"},
}


# -- reading the settings and the users --------------------------------------------------------


def test_the_env_file_reads_like_a_shell_would(tmp_path: Path) -> None:
    env = write(
        tmp_path / "svc.env",
        "# Keycloak for the kit\n\nKEYCLOAK_URL=http://127.0.0.1:8080\nexport KEYCLOAK_REALM = 'authgen'\n"
        'KEYCLOAK_CLIENT_SECRET="s3cret with spaces"\nEMPTY=\n',
    )
    assert read_env_file(env) == {
        "KEYCLOAK_URL": "http://127.0.0.1:8080",
        "KEYCLOAK_REALM": "authgen",
        "KEYCLOAK_CLIENT_SECRET": "s3cret with spaces",
        "EMPTY": "",
    }


def test_a_line_that_is_not_a_setting_is_named_with_its_number(tmp_path: Path) -> None:
    env = write(tmp_path / "svc.env", "KEYCLOAK_URL=http://x\nthis is not a setting\n")
    with pytest.raises(KitError, match=r"svc\.env:2: not a NAME=value line"):
        read_env_file(env)


def test_settings_without_the_service_url_or_a_required_setting_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEYCLOAK_CLIENT_ID", raising=False)
    users = write(tmp_path / "users.json", json.dumps(USERS))
    env = write(tmp_path / "svc.env", "KEYCLOAK_REALM=authgen\nKEYCLOAK_CLIENT_SECRET=x\n")
    with pytest.raises(KitError) as caught:
        external_service(SPEC, env, users)
    hints = "\n".join(caught.value.hints())
    assert "KEYCLOAK_URL (the service's URL) is not set" in hints
    assert "KEYCLOAK_CLIENT_ID (A client with direct access grants enabled) is required and not set" in hints
    assert "KEYCLOAK_REALM" not in hints.split("the spec's settings")[0], "the realm has a default"


def test_a_required_setting_may_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYCLOAK_CLIENT_ID", "from-the-environment")
    users = write(tmp_path / "users.json", json.dumps(USERS))
    env = write(tmp_path / "svc.env", "KEYCLOAK_URL=http://127.0.0.1:9\nKEYCLOAK_CLIENT_SECRET=x\n")
    service = external_service(SPEC, env, users)
    assert service.env == {"KEYCLOAK_URL": "http://127.0.0.1:9", "KEYCLOAK_CLIENT_SECRET": "x"}
    assert service.test_users == users.resolve()


def test_test_users_are_known_only_as_far_as_the_file_says() -> None:
    users = {user.key: user for user in read_test_users(json.dumps(USERS))}
    assert list(users) == ["admin", "disabled", "user"]
    admin = users["admin"]
    assert not admin.exact and admin.fields == {}
    assert admin.expected == {"email": "ada@example.org", "username": "ada", "roles": ["admin"], "is_admin": True}
    assert users["user"].expected == {"username": "alan", "roles": []}
    assert users["disabled"].disabled and not users["user"].disabled


@pytest.mark.parametrize(
    ("users", "message"),
    [
        ({k: v for k, v in USERS.items() if k != "disabled"}, "lacks the test users 'disabled'"),
        ({**USERS, "user": {"username": "alan"}}, "the user 'user' needs a username and a password"),
        ({**USERS, "admin": {**USERS["admin"], "roles": "admin"}}, "the roles of 'admin' must be a list of strings"),
        ([USERS], "must be a JSON object"),
    ],
    ids=["no-disabled-user", "no-password", "roles-not-a-list", "not-an-object"],
)
def test_a_wrong_test_users_file_is_refused_saying_why(tmp_path: Path, users: object, message: str) -> None:
    path = write(tmp_path / "users.json", json.dumps(users))
    with pytest.raises(KitError, match=message):
        read_test_users(str(path))


def test_the_cli_wants_the_settings_and_the_users_together(runner: CliRunner, tmp_path: Path) -> None:
    env = write(tmp_path / "svc.env", "KEYCLOAK_URL=http://127.0.0.1:9\n")
    result = runner.invoke(main, ["kit", str(tmp_path), "--service-env", str(env)])
    assert result.exit_code == 2
    assert "--service-env and --test-users go together" in result.output


def test_a_service_that_does_not_answer_is_named_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(KitError, match=rf"http://127\.0\.0\.1:{port}: the service does not answer"):
        check_reachable(f"http://127.0.0.1:{port}", timeout=5)


def test_a_service_that_answers_an_error_status_is_up() -> None:
    spec = SPEC.data
    with start({"spec": spec, "settings": test_settings(spec)}) as fake:
        check_reachable(fake.url + "/no-such-page")  # a 404 is an answer


# -- against the Flask app, the Keycloak spec's fake standing in for Keycloak -------------------


def junit_outcomes(report: Path) -> dict[str, tuple[str, str]]:
    """Each kit test's (outcome, message) by name: passed, failed, error or skipped."""
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        found = [child for child in case if child.tag in ("failure", "error", "skipped")]
        outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[found[0].tag] if found else "passed"
        results[case.get("name", "")] = (outcome, found[0].get("message", "") if found else "")
    return results


def kit_tests_taking_the_fake() -> set[str]:
    """The names of the kit's tests that ask for the ``fake`` fixture themselves."""
    names = set()
    for path in sorted(KIT_DIR.glob("test_*.py")):
        module = importlib.import_module(f"generator.kit.{path.stem}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_") and "fake" in inspect.signature(function).parameters:
                names.add(name)
    return names


@pytest.fixture(scope="module")
def keycloak_flask(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The Keycloak spec's Flask package, installed in an interpreter of its own."""
    out = tmp_path_factory.mktemp("kit-service") / "out"
    generate(KEYCLOAK, out, ["flask"])
    venv = tmp_path_factory.mktemp("app-venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "-e", str(out / "flask")], check=True, timeout=600)
    return out / "flask", python


@pytest.fixture(scope="module")
def stand_in_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict]]:
    """The Keycloak spec's fake, started apart from the kit: an env file for the app, and its users."""
    settings = test_settings(SPEC.data)
    folder = tmp_path_factory.mktemp("service")
    with start({"spec": SPEC.data, "settings": settings}) as fake:
        env = write(
            folder / "keycloak.env",
            f"KEYCLOAK_URL={fake.url}\nKEYCLOAK_REALM={settings['realm']}\n"
            f"KEYCLOAK_CLIENT_ID={settings['client_id']}\nKEYCLOAK_CLIENT_SECRET={settings['client_secret']}\n",
        )
        fixtures = {user["key"]: user for user in fixture_users(SPEC.data)}
        # Only some of each user's roles, as a deployment's test-users file gives them: "at least".
        users = {
            "admin": {"username": "admin", "password": fixtures["admin"]["password"], "roles": ["admin"]},
            "user": {"username": "user", "password": fixtures["user"]["password"], "roles": []},
            "disabled": {"username": "disabled", "password": fixtures["disabled"]["password"]},
        }
        yield env, users


def run_against_service(
    package: Path, python: str, env: Path, users: dict, tmp_path: Path, *pytest_args: str
) -> tuple[int, dict[str, tuple[str, str]]]:
    report = tmp_path / "kit-report.xml"
    code = run_kit(
        package,
        quiet=True,
        python=python,
        install=False,
        service_env=env,
        test_users=write(tmp_path / "users.json", json.dumps(users)),
        pytest_args=["--junitxml", str(report), *pytest_args],
    )
    return code, junit_outcomes(report)


@needs_flask
def test_the_kit_passes_against_a_real_service_and_skips_what_needs_the_fake(
    keycloak_flask: tuple[Path, str],
    stand_in_service: tuple[Path, dict],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    (package, python), (env, users) = keycloak_flask, stand_in_service
    code, results = run_against_service(package, python, env, users, tmp_path)
    bad = {name: result for name, result in results.items() if result[0] in ("failed", "error")}
    assert code == 0 and not bad, bad
    taking_the_fake = kit_tests_taking_the_fake()
    for name, (outcome, message) in results.items():
        if name.split("[")[0] in taking_the_fake:
            assert outcome == "skipped", (name, outcome)
            # the spec's own reason ("the spec has no [operations.x]" or "... no [service.oidc]") wins
            assert NEEDS_FAKE in message or "the spec has no [" in message, (name, message)
    skipped_for_fake = [name for name, (_, message) in results.items() if NEEDS_FAKE in message]
    assert "test_s13_user_disabled_at_the_service_cannot_log_in" in skipped_for_fake
    assert "test_s11_service_failure_at_login_is_503[status-503]" in skipped_for_fake
    # The spec's reason wins where the spec has no such operation: nothing to steer there.
    assert "the spec has no [operations.reset_password]" in results["test_s20_reused_token_is_invalid_token"][1]
    ran = [name for name, (outcome, _) in results.items() if outcome == "passed"]
    for name in (
        "test_s03_me_returns_the_canonical_user[admin]",  # the fake adds "staff": more than the file says
        "test_s03_me_returns_every_spec_field_typed[user]",
        "test_s13_disabled_user_cannot_log_in",
        "test_s05_admin_gets_200",
        "test_20_concurrent_sign_ins_all_succeed",
    ):
        assert name in ran
    summary = capfd.readouterr().out
    ran_line = f"against the real service: {len(ran)} checks ran (0 failed), {len(results) - len(ran)} skipped "
    assert ran_line + f"({len(skipped_for_fake)} because they need the bundled fake service" in summary


@needs_flask
def test_a_role_the_test_users_promise_and_the_service_lacks_fails(
    keycloak_flask: tuple[Path, str], stand_in_service: tuple[Path, dict], tmp_path: Path
) -> None:
    (package, python), (env, users) = keycloak_flask, stand_in_service
    promised = {**users, "admin": {**users["admin"], "roles": ["admin", "auditor"]}}
    code, results = run_against_service(package, python, env, promised, tmp_path, "-k", "test_s03")
    assert code == 1
    outcome, message = results["test_s03_me_returns_the_canonical_user[admin]"]
    assert outcome == "failed" and "lacks ['auditor']" in message, message
    assert results["test_s03_me_returns_the_canonical_user[user]"][0] == "passed"
