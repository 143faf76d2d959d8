"""A real Keycloak for the tests: fetch it, start it, provision a realm, stop it.

Standard library only, so that ``noxfile.py`` can import it before any install.

- :func:`fetch` gets ``org.keycloak:keycloak-quarkus-dist`` from Maven Central
  with Maven into a cache folder outside the repository
  (``$XDG_CACHE_HOME/authgen/keycloak``) and unpacks it there once; later
  runs download nothing.
- :func:`running` starts ``bin/kc.sh start-dev`` on a free loopback port
  (http only, bound to 127.0.0.1, an in-memory database, so nothing carries
  over between runs) with the ``java`` of ``JAVA_HOME`` or ``PATH`` (17 or
  later), and stops its whole process group when the block ends, however it
  ends (Ctrl-C and TERM included); :meth:`Server.wait_ready` waits for it
  within a bound.
- :func:`provision` creates the realm of ``realm.json`` through the admin REST
  API and then does what docs/keycloak.md tells a user to do by hand: it puts
  the ``roles`` client scope's "realm roles" mapper into userinfo.

``python -m tests.real.keycloak`` runs one by hand and prints the settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = "26.5.6"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:zip"
HERE = Path(__file__).parent
REALM_FILE = HERE / "realm.json"
#: The test users of the generated packages' real-service mode, by the role they play there.
TEST_USERS_FILE = HERE / "test-users.json"

#: The bootstrap administrator of the master realm (this throwaway server only).
ADMIN = ("kc-admin", "kc-admin-password")

#: Seconds Keycloak may take to answer after ``kc.sh`` starts (about 40 s on 2 idle cores).
START_TIMEOUT = 240.0


class KeycloakError(RuntimeError):
    """Keycloak could not be fetched, started or provisioned; the message says what happened."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "authgen" / "keycloak"


def fetch(cache: Path | None = None, *, log=print) -> Path:
    """The unpacked server's home folder; downloads and unpacks only what is not cached yet."""
    cache = cache or cache_dir()
    home = cache / f"keycloak-{VERSION}"
    if (home / "bin" / "kc.sh").is_file():
        return home
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"keycloak-quarkus-dist-{VERSION}.zip"
    if not archive.is_file():
        log(f"fetching {ARTIFACT} with Maven into {cache}")
        command = ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT}", f"-DoutputDirectory={cache}"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=cache)
        if result.returncode != 0 or not archive.is_file():
            raise KeycloakError(f"mvn could not fetch {ARTIFACT}:\n{_tail(result.stdout + result.stderr)}")
    # Unpack beside the final folder and rename, so that an interrupted unpack is never taken for a server.
    partial = Path(tempfile.mkdtemp(prefix="unpack-", dir=cache))
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                path = Path(zf.extract(info, partial))
                mode = info.external_attr >> 16
                if mode:
                    path.chmod(mode & 0o777)
        (partial / home.name).rename(home)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return home


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_file: Path

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log_file.read_text(encoding="utf-8", errors="replace"), lines)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Wait until Keycloak answers; a KeycloakError with the end of its log if it exits or takes too long."""
        deadline = time.monotonic() + timeout
        probe = f"{self.url}/realms/master/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KeycloakError(
                    f"Keycloak exited with status {self.process.returncode} before it answered; "
                    f"the last lines of its log:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(probe, timeout=5) as response:
                    if response.status == 200:
                        return
            time.sleep(1)
        raise KeycloakError(
            f"Keycloak did not answer {probe} within {timeout:.0f} s; the last lines of its log:\n{self.log_tail()}"
        )


@contextlib.contextmanager
def running(home: Path, *, log=print) -> Iterator[Server]:
    """Keycloak in dev mode on a free loopback port, stopped (its process group) when the block ends.

    It is still starting when the block begins (the caller can prepare meanwhile):
    :meth:`Server.wait_ready` waits for it.
    """
    work = Path(tempfile.mkdtemp(prefix="authgen-keycloak-"))
    log_file = work / "keycloak.log"
    # start-dev keeps its database in data/; ours is in memory, and what else it writes there is reset.
    shutil.rmtree(home / "data", ignore_errors=True)
    port, management_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "KC_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0],
        "KC_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        # Two cores: a smaller heap than the default starts sooner and leaves room for the test builds.
        "JAVA_OPTS_KC_HEAP": "-Xms64m -Xmx512m",
    }
    command = [
        str(home / "bin" / "kc.sh"),
        "start-dev",
        "--http-host=127.0.0.1",
        f"--http-port={port}",
        f"--http-management-port={management_port}",
        "--db=dev-mem",
    ]
    url = f"http://127.0.0.1:{port}"
    log(f"starting Keycloak {VERSION} on {url} (log: {log_file})")
    with log_file.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
    server = Server(url, process, log_file)
    # A TERM to this process (a CI runner's cancel, timeout(1)) must stop Keycloak too: raise
    # SystemExit so that the finally below runs, as it does for Ctrl-C's KeyboardInterrupt.
    previous = signal.signal(signal.SIGTERM, _exit_on_term) if _main_thread() else None
    try:
        yield server
    finally:
        stop_group(process)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(work, ignore_errors=True)


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def stop_group(process: subprocess.Popen, grace: float = 20) -> None:
    """Stop a process started in a session of its own, and all it started: TERM, then KILL after ``grace`` s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# -- provisioning -------------------------------------------------------------


@dataclass
class Realm:
    """What an app needs to sign users in to the provisioned realm."""

    url: str
    name: str
    client_id: str
    client_secret: str


def provision(url: str, realm_file: Path = REALM_FILE) -> Realm:
    """Create the realm of ``realm_file`` and deliver realm roles in userinfo, as docs/keycloak.md says."""
    realm = json.loads(realm_file.read_text(encoding="utf-8"))
    users = realm.pop("users")
    admin = _Admin(url)
    name = realm["realm"]
    base = f"/admin/realms/{name}"
    admin.call("POST", "/admin/realms", realm, what=f"create the realm {name!r}")

    # Keycloak creates the default client scopes with the realm. Their "realm roles" mapper puts
    # realm_access.roles into the access token only; the integration reads userinfo.
    scopes = admin.call("GET", f"{base}/client-scopes", what="list the client scopes")
    roles_scope = next((s for s in scopes if s["name"] == "roles"), None)
    if roles_scope is None:
        raise KeycloakError(f"the realm {name!r} has no 'roles' client scope")
    mapper = next((m for m in roles_scope.get("protocolMappers", []) if m["name"] == "realm roles"), None)
    if mapper is None:
        raise KeycloakError("the 'roles' client scope has no 'realm roles' mapper")
    mapper["config"]["userinfo.token.claim"] = "true"
    admin.call(
        "PUT",
        f"{base}/client-scopes/{roles_scope['id']}/protocol-mappers/models/{mapper['id']}",
        mapper,
        what="add the realm roles mapper to userinfo",
    )

    # Users are created one by one, as the admin console does, so that they get the realm's
    # default roles (default-roles-<realm>: offline_access, uma_authorization) like anyone's users.
    for user in users:
        roles = user.pop("realmRoles", [])
        admin.call("POST", f"{base}/users", user, what=f"create the user {user['username']!r}")
        (found,) = admin.call("GET", f"{base}/users?exact=true&username={user['username']}", what="find a user")
        if roles:
            wanted = [admin.call("GET", f"{base}/roles/{role}", what=f"read the role {role!r}") for role in roles]
            mappings = f"{base}/users/{found['id']}/role-mappings/realm"
            admin.call("POST", mappings, wanted, what=f"give {user['username']!r} its roles")

    (client,) = realm["clients"]
    return Realm(url, name, client["clientId"], client["secret"])


def realm_password(username: str, realm_file: Path = REALM_FILE) -> str:
    """The password ``realm_file`` gives its user ``username`` (for checks that sign in as a user of their own)."""
    realm = json.loads(realm_file.read_text(encoding="utf-8"))
    (user,) = [user for user in realm["users"] if user["username"] == username]
    return user["credentials"][0]["value"]


def user_sessions(url: str, realm: str, username: str) -> int:
    """How many sessions Keycloak's admin API lists for ``username`` in ``realm`` (what sign-out must end)."""
    admin = _Admin(url)
    base = f"/admin/realms/{urllib.parse.quote(realm, safe='')}"
    query = urllib.parse.urlencode({"exact": "true", "username": username})
    found = admin.call("GET", f"{base}/users?{query}", what=f"find the user {username!r}")
    if len(found) != 1:
        raise KeycloakError(f"the realm {realm!r} has {len(found)} users named {username!r}, not 1")
    return len(admin.call("GET", f"{base}/users/{found[0]['id']}/sessions", what=f"list {username!r}'s sessions"))


class _Admin:
    """The admin REST API with a token of the bootstrap administrator."""

    def __init__(self, url: str) -> None:
        self.url = url
        form = {"grant_type": "password", "client_id": "admin-cli", "username": ADMIN[0], "password": ADMIN[1]}
        body = urllib.parse.urlencode(form).encode()
        token = _request("POST", f"{url}/realms/master/protocol/openid-connect/token", body, {}, "get an admin token")
        self.headers = {"Authorization": f"Bearer {token['access_token']}"}

    def call(self, method: str, path: str, payload: Any = None, *, what: str) -> Any:
        headers = dict(self.headers)
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        return _request(method, f"{self.url}{path}", body, headers, what)


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str], what: str) -> Any:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:500]
        raise KeycloakError(f"could not {what}: {method} {url} answered {error.code}: {detail}") from None
    return json.loads(text) if text else None


def settings(realm: Realm, prefix: str = "KEYCLOAK") -> dict[str, str]:
    """The environment that points a generated package's tests (real-service mode) at ``realm``."""
    return {
        f"{prefix}_TEST_BASE_URL": realm.url,
        f"{prefix}_TEST_REALM": realm.name,
        f"{prefix}_TEST_CLIENT_ID": realm.client_id,
        f"{prefix}_TEST_CLIENT_SECRET": realm.client_secret,
        f"{prefix}_TEST_USERS": str(TEST_USERS_FILE),
    }


def app_settings(realm: Realm, prefix: str = "KEYCLOAK") -> dict[str, str]:
    """The example apps' own environment for ``realm`` (what ``authgen kit --service-env`` reads)."""
    return {
        f"{prefix}_URL": realm.url,
        f"{prefix}_REALM": realm.name,
        f"{prefix}_CLIENT_ID": realm.client_id,
        f"{prefix}_CLIENT_SECRET": realm.client_secret,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(deque(text.splitlines(), maxlen=lines))


def main() -> None:
    """Start Keycloak, provision the realm, print the test settings and wait for Ctrl-C."""
    home = fetch()
    with running(home) as server:
        server.wait_ready()
        realm = provision(server.url)
        for key, value in settings(realm).items():
            print(f"export {key}={value!r}")
        print("Ctrl-C stops Keycloak")
        with contextlib.suppress(KeyboardInterrupt):
            while server.process.poll() is None:
                time.sleep(1)


if __name__ == "__main__":
    main()
