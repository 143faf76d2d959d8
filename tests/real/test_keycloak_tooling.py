"""The real-Keycloak tooling without a Keycloak: its data agrees with the spec, and its process handling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import requests

from generator.fake import fixture_users, start, test_settings
from generator.spec import load_spec
from tests.real import keycloak
from tests.robust.support import make_venv, pip_install

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = tomllib.loads((ROOT / "examples" / "keycloak" / "identity.toml").read_text(encoding="utf-8"))
REALM = json.loads(keycloak.REALM_FILE.read_text(encoding="utf-8"))
TEST_USERS = json.loads(keycloak.TEST_USERS_FILE.read_text(encoding="utf-8"))


def realm_user(username: str) -> dict:
    (user,) = [u for u in REALM["users"] if u["username"] == username]
    return user


def test_the_realm_has_the_roles_the_spec_maps() -> None:
    roles = {role["name"] for role in REALM["roles"]["realm"]}
    assert set(SPEC["mapping"]["admin_roles"]) <= roles
    assert set(SPEC["mapping"]["staff_roles"]) <= roles


def test_the_test_users_are_the_realm_users_they_say() -> None:
    admin_roles = set(SPEC["mapping"]["admin_roles"])
    for key, given in TEST_USERS.items():
        user = realm_user(given["username"])
        assert given["password"] == user["credentials"][0]["value"], key
        assert set(given.get("roles", [])) <= set(user.get("realmRoles", [])), key
        assert user["enabled"] is (key != "disabled"), key
    assert admin_roles & set(realm_user(TEST_USERS["admin"]["username"])["realmRoles"])
    assert not admin_roles & set(realm_user(TEST_USERS["user"]["username"]).get("realmRoles", []))


def test_the_client_uses_the_direct_grant_with_a_secret() -> None:
    (client,) = REALM["clients"]
    assert client["directAccessGrantsEnabled"] and not client["publicClient"] and client["secret"]
    assert REALM["accessTokenLifespan"] == 10


def fake_home(tmp_path: Path, script: str) -> Path:
    """A Keycloak home whose kc.sh is ``script``."""
    home = tmp_path / f"keycloak-{keycloak.VERSION}"
    (home / "bin").mkdir(parents=True)
    kc = home / "bin" / "kc.sh"
    kc.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    kc.chmod(0o755)
    return home


def test_a_cached_server_is_not_fetched_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = fake_home(tmp_path, "exit 0\n")

    def no_maven(*args: object, **kwargs: object) -> None:
        raise AssertionError("mvn ran although the server is cached")

    monkeypatch.setattr(subprocess, "run", no_maven)
    assert keycloak.fetch(tmp_path) == home


def test_a_server_that_exits_fails_with_the_end_of_its_log(tmp_path: Path) -> None:
    home = fake_home(tmp_path, "echo 'ERROR: Failed to start server: port in use'\nexit 1\n")
    with keycloak.running(home, log=lambda _: None) as server:
        with pytest.raises(keycloak.KeycloakError, match="exited with status 1(.|\n)*port in use"):
            server.wait_ready(timeout=20)


def test_a_server_that_never_answers_fails_in_bounded_time(tmp_path: Path) -> None:
    home = fake_home(tmp_path, "echo starting\nexec sleep 60\n")
    started = time.monotonic()
    with keycloak.running(home, log=lambda _: None) as server:
        with pytest.raises(keycloak.KeycloakError, match="did not answer(.|\n)*starting"):
            server.wait_ready(timeout=2)
    assert time.monotonic() - started < 15


def test_the_whole_process_group_is_stopped_when_the_block_fails(tmp_path: Path) -> None:
    # kc.sh starts java as a child: stopping kc.sh alone would leave the server running.
    pid_file = tmp_path / "child.pid"
    home = fake_home(tmp_path, f"sleep 300 &\necho $! > {pid_file}\nwait\n")
    with pytest.raises(KeyboardInterrupt):
        with keycloak.running(home, log=lambda _: None) as server:
            for _ in range(100):
                if pid_file.is_file() and pid_file.read_text().strip():
                    break
                time.sleep(0.05)
            raise KeyboardInterrupt
    assert server.process.poll() is not None
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not running_process(child), "kc.sh's child outlived the block"


def running_process(pid: int) -> bool:
    """Whether ``pid`` is a process that is not a zombie (a killed orphan may wait for a reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# -- the fake of examples/keycloak answers as Keycloak 26.5.6 did ---------------------------------


def test_the_fake_ends_the_session_of_a_user_disabled_since_as_keycloak_does() -> None:
    # Keycloak 26.5.6 answered userinfo, for the token of a user disabled after signing in:
    # 401, no body, WWW-Authenticate: Bearer ..., error="invalid_token", error_description="User disabled".
    spec = load_spec(ROOT / "examples" / "keycloak" / "identity.toml").data
    settings = test_settings(spec)
    user = next(u for u in fixture_users(spec) if u["key"] == "user")
    with start({"spec": spec, "settings": settings}) as fake:
        realm = f"{fake.url}/realms/{settings['realm']}/protocol/openid-connect"
        form = {
            "grant_type": "password",
            "client_id": settings["client_id"],
            "client_secret": settings["client_secret"],
            "username": user["username"],
            "password": user["password"],
            "scope": "openid",
        }
        token = requests.post(f"{realm}/token", data=form, timeout=10).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{realm}/userinfo", headers=bearer, timeout=10).status_code == 200
        requests.post(f"{fake.url}/__fake__/users/user/disable", timeout=10).raise_for_status()
        assert requests.get(f"{realm}/userinfo", headers=bearer, timeout=10).status_code == 401


# -- preflight's lifecycle check, run with the generated Flask client against the fake --------------

#: Runs preflight.check_lifecycle in the app's interpreter: argv is the fake's URL, the settings and the user.
LIFECYCLE_CHECK = """
import json, sys, urllib.request
sys.path.insert(0, {root!r})
from flask_keycloak.client import KeycloakClient
from tests.real import preflight

url, settings, user = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
client = KeycloakClient(
    base_url=url, realm=settings["realm"], client_id=settings["client_id"],
    client_secret=settings["client_secret"], timeout=5,
)
def control(path):
    with urllib.request.urlopen(url + "/__fake__/" + path, timeout=5) as response:
        return json.load(response)
def sessions_of(username):
    key = next(key for key, u in control("users").items() if u["username"] == username)
    return control("sessions")[key]
try:
    print("\\n".join(preflight.check_lifecycle(client, user, sessions_of)))
except preflight.Broken as broken:
    print(f"broken: {{broken}}")
    sys.exit(1)
"""


@pytest.fixture(scope="module")
def keycloak_flask_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An interpreter with the Flask package generated from examples/keycloak installed."""
    from generator.render import generate

    out = tmp_path_factory.mktemp("keycloak") / "out"
    generate(ROOT / "examples" / "keycloak" / "identity.toml", out, ["flask"])
    python = make_venv(tmp_path_factory.mktemp("venv"))
    pip_install(python, "-e", str(out / "flask"))
    return python


def run_lifecycle_check(python: str, fault: dict | None = None) -> subprocess.CompletedProcess:
    spec = load_spec(ROOT / "examples" / "keycloak" / "identity.toml").data
    settings = test_settings(spec)
    user = next(u for u in fixture_users(spec) if u["key"] == "user")
    with start({"spec": spec, "settings": settings}) as fake:
        requests.post(f"{fake.url}/__fake__/tokens", json={"ttl": 1}, timeout=10).raise_for_status()
        if fault:
            requests.post(f"{fake.url}/__fake__/faults", json=fault, timeout=10).raise_for_status()
        args = [
            fake.url,
            json.dumps(settings),
            json.dumps({"username": user["username"], "password": user["password"]}),
        ]
        script = LIFECYCLE_CHECK.format(root=str(ROOT))
        return subprocess.run([python, "-c", script, *args], capture_output=True, text=True, timeout=120)


def test_preflight_lifecycle_check_passes_against_the_fake(keycloak_flask_python: str) -> None:
    result = run_lifecycle_check(keycloak_flask_python)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "refresh: after the access token expired, a refresh gave user a working one" in result.stdout
    assert "logout: ended user's Keycloak session (1 listed before, 0 after)" in result.stdout


@pytest.mark.parametrize("operation", ["refresh", "logout"])
def test_preflight_lifecycle_check_names_the_operation_that_fails(keycloak_flask_python: str, operation: str) -> None:
    result = run_lifecycle_check(keycloak_flask_python, {"operation": operation, "status": 400})
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith(f"broken: {operation}: "), result.stdout


# -- preflight against a spec broken on purpose: Keycloak's answers, the broken spec's client ---------------

#: Ways to get examples/keycloak wrong (the first occurrence replaced), and the operation preflight must name.
BROKEN_SPECS = {
    "wrong-token-path": ('access_token = "/access_token", refresh_token', 'access_token = "/token", refresh_token'),
    "wrong-roles-pointer": ('from = "/realm_access/roles"', 'from = "/realm_access/role"'),
}
BROKEN_OPERATION = {"wrong-token-path": "login", "wrong-roles-pointer": "get_user"}


@pytest.mark.parametrize("broken", BROKEN_SPECS)
def test_preflight_names_the_operation_a_broken_spec_gets_wrong(
    keycloak_flask_python: str, tmp_path: Path, broken: str
) -> None:
    """The fake of the right spec answers as Keycloak does; the client comes from the broken spec.

    (A fake generated from the broken spec would agree with it: that is why the session
    needs a real server, and why this test keeps the two apart.)
    """
    from generator.render import generate

    good = (ROOT / "examples" / "keycloak" / "identity.toml").read_text(encoding="utf-8")
    before, after = BROKEN_SPECS[broken]
    assert before in good, "the example spec changed: update BROKEN_SPECS"
    spec_file = tmp_path / "identity.toml"
    spec_file.write_text(good.replace(before, after, 1), encoding="utf-8")
    generate(spec_file, tmp_path / "out", ["flask"])

    spec = load_spec(ROOT / "examples" / "keycloak" / "identity.toml").data
    settings = test_settings(spec)
    fixtures = {u["key"]: u for u in fixture_users(spec)}
    users = tmp_path / "users.json"
    users.write_text(
        json.dumps({k: {"username": fixtures[k]["username"], "password": fixtures[k]["password"]} for k in fixtures}),
        encoding="utf-8",
    )
    with start({"spec": spec, "settings": settings}) as fake:
        env = {
            "PATH": os.environ["PATH"],
            # The broken package's modules before the right one installed in that interpreter.
            "PYTHONPATH": str(tmp_path / "out" / "flask" / "src"),
            "KEYCLOAK_TEST_BASE_URL": fake.url,
            "KEYCLOAK_TEST_REALM": settings["realm"],
            "KEYCLOAK_TEST_CLIENT_ID": settings["client_id"],
            "KEYCLOAK_TEST_CLIENT_SECRET": settings["client_secret"],
            "KEYCLOAK_TEST_USERS": str(users),
        }
        preflight = ROOT / "tests" / "real" / "preflight.py"
        result = subprocess.run(
            [keycloak_flask_python, str(preflight)], env=env, capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 1, result.stdout + result.stderr
    operation = BROKEN_OPERATION[broken]
    assert result.stderr.startswith(f"the spec does not work against Keycloak: {operation}: "), result.stderr
    assert "Traceback" not in result.stderr


# -- the kits in the background ------------------------------------------------------------------


def test_background_kits_give_their_summary_and_a_kit_still_running_is_stopped_and_failed(tmp_path: Path) -> None:
    from tests.real.kits import BackgroundKits, KitRun

    hang = "import time; print('started', flush=True); time.sleep(600)"
    summary = "against the real service: 3 checks ran (0 failed), 1 skipped (1 because they need the bundled fake"
    runs = [
        KitRun("quick", [sys.executable, "-c", f"print('noise'); print({summary!r})"], tmp_path / "quick.log"),
        KitRun("hangs", [sys.executable, "-c", hang], tmp_path / "hangs.log"),
        KitRun("never", [sys.executable, "-c", "pass"], tmp_path / "never.log"),
    ]
    kits = BackgroundKits(runs, dict(os.environ))
    began = time.monotonic()
    kits.start()
    quick, hangs, never = kits.wait(timeout=5)
    assert time.monotonic() - began < 30
    assert (quick.code, quick.summary()) == (0, summary)
    assert hangs.code not in (0, None), "a kit stopped at the deadline counts as failed"
    assert hangs.summary() == "no summary; the last lines:\nstarted"
    assert never.code is None, "no kit starts after the deadline"
