"""The Express target with ``[service.oidc]``: a package that signs users in through an OpenID provider.

The files are checked as files here (layout, no password code, the provider's
settings and links, the README); the package's own tests (S23-S26 against the
bundled fake provider) run once, for the public client of tests/specs/oidc.toml:
``nox -s express`` runs them for examples/keycloak-oidc, with the kit.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.render import generate

from .conftest import KEYCLOAK_OIDC, PUBLIC_OIDC
from .test_express_target import CHECK_SYNTAX, NODE, prettier, sources  # noqa: F401 (prettier: a fixture)

NPM = shutil.which("npm")


def render(spec: Path, out: Path) -> Path:
    generate(spec, out, ["express"])
    return out / "express"


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(KEYCLOAK_OIDC, tmp_path_factory.mktemp("oidc"))


@pytest.fixture(scope="module")
def public_oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(PUBLIC_OIDC, tmp_path_factory.mktemp("public-oidc"))


def test_oidc_layout_has_no_password_code(oidc: Path) -> None:
    lib = {path.name for path in (oidc / "lib").iterdir()}
    assert {"provider.js", "auth.js", "routes.js", "user.js"} <= lib
    assert not lib & {"client.js", "forms.js", "throttle.js", "refresh.js"}
    tests = {path.name for path in (oidc / "test").glob("*.test.js")}
    assert tests == {"oidc.test.js", "oidc-redis.test.js"}
    routes = (oidc / "lib" / "routes.js").read_text(encoding="utf-8")
    declared = set(re.findall(r"\.route\('(/[a-z]+)'\)", routes))
    assert declared == {"/login", "/callback", "/logout", "/me", "/csrf"}
    for text in ("passport-local", "LocalStrategy", "loginLimit", "readForm", "Throttle"):
        for path in sources(oidc):
            if "test" not in path.parts:
                assert text not in path.read_text(encoding="utf-8"), f"{text} in {path.name}"


def test_oidc_signs_in_with_openid_client_and_checks_the_signature(oidc: Path) -> None:
    provider = (oidc / "lib" / "provider.js").read_text(encoding="utf-8")
    for call in (
        "import('openid-client')",
        "client.discovery(",
        "client.buildAuthorizationUrl(",
        "client.authorizationCodeGrant(",
        "client.refreshTokenGrant(",
        "client.fetchUserInfo(",
        "client.buildEndSessionUrl(",
        "client.enableNonRepudiationChecks",  # the ID token's signature against the JWKS, not only its claims
        "code_challenge_method: 'S256'",
    ):
        assert call in provider, call
    # http issuers only on this machine, through the library's own switch.
    assert "LOOPBACK_HOSTS.has(server.hostname)" in provider
    assert "execute.push(client.allowInsecureRequests)" in provider
    assert "const SCOPE = 'openid profile email roles';" in provider
    assert "const AUTHORIZE_PARAMS = Object.freeze({ prompt: 'login' });" in provider


def test_oidc_package_json_and_lock_pin_openid_client(oidc: Path, public_oidc: Path) -> None:
    for root in (oidc, public_oidc):
        package = json.loads((root / "package.json").read_text(encoding="utf-8"))
        lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
        assert package["dependencies"]["openid-client"].startswith("^6.")
        assert "passport-local" not in package["dependencies"]
        assert lock["packages"][""]["dependencies"] == package["dependencies"]
        for name in ("openid-client", "jose", "oauth4webapi"):
            assert f"node_modules/{name}" in lock["packages"], name
        assert "node_modules/passport-local" not in lock["packages"]


def test_oidc_public_client_and_provider_links(oidc: Path, public_oidc: Path) -> None:
    index = (oidc / "index.js").read_text(encoding="utf-8")
    assert "register: null," in index and "forgot: null," in index
    public = (public_oidc / "index.js").read_text(encoding="utf-8")
    assert "register: `${settings.service.issuer}/signup?client_id=${settings.service.clientId}`," in public
    assert "forgot: `${settings.service.issuer}/password-reset`," in public
    assert "providerLinks" in (public_oidc / "lib" / "pages.js").read_text(encoding="utf-8")
    assert "providerLinks" not in (oidc / "lib" / "pages.js").read_text(encoding="utf-8")
    config = (public_oidc / "lib" / "config.js").read_text(encoding="utf-8")
    assert "client_secret" not in config


def test_oidc_readme_five_minutes(oidc: Path, public_oidc: Path) -> None:
    readme = (oidc / "README.md").read_text(encoding="utf-8")
    for text in (
        "## Auth in 5 minutes",
        "https://<your app>/auth/callback",
        "`KEYCLOAK_ISSUER`",
        "`KEYCLOAK_CLIENT_ID`",
        "`KEYCLOAK_CLIENT_SECRET`",
        "KEYCLOAK_ISSUER=http://127.0.0.1:8900",
        "KEYCLOAK_REDIS_URL",
        "`sign_in_failed` (400)",
    ):
        assert text in readme, text
    assert "LOGIN_LIMIT" not in readme and "/auth/register" not in readme
    assert "(a public\n   client: no secret, PKCE alone)" in (public_oidc / "README.md").read_text(encoding="utf-8")


def test_oidc_smoke_tests_cover_s23_to_s26(oidc: Path) -> None:
    text = (oidc / "test" / "oidc.test.js").read_text(encoding="utf-8")
    for case in ("S23", "S24", "S25", "S26"):
        assert f"'{case} " in text or f"`{case} " in text or f'"{case} ' in text, case
    for control in ("oidc/tamper", "oidc/expire", "oidc/sessions", "fault('token'"):
        assert control in text, control


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("package", ["oidc", "public_oidc"])
def test_oidc_js_parses(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    paths = [str(path) for path in sources(root) if path.suffix == ".js"]
    done = subprocess.run([NODE, "-e", CHECK_SYNTAX, *paths], capture_output=True, text=True)  # type: ignore[list-item]
    assert paths and done.returncode == 0, done.stderr


@pytest.mark.parametrize("package", ["oidc", "public_oidc"])
def test_oidc_output_is_formatted_as_prettier_formats_it(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    command = request.getfixturevalue("prettier")  # test_express_target's: the Prettier the package pins
    done = subprocess.run([*command, "--check", "."], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(NPM is None or shutil.which("python3") is None, reason="npm or python3 is not installed")
def test_public_client_package_tests_pass(public_oidc: Path) -> None:
    """The public client's package: its own tests (S23-S26 against the fake provider) and types pass."""
    install = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"], cwd=public_oidc, capture_output=True, text=True, timeout=600
    )
    if install.returncode != 0:
        pytest.skip(f"npm ci could not install the dependencies here: {install.stderr.strip()[-300:]}")
    done = subprocess.run(["npm", "test"], cwd=public_oidc, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
