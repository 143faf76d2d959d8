"""The Django target with ``[service.oidc]``: sign-in through an OpenID provider (Authlib, code flow + PKCE)."""

from __future__ import annotations

import py_compile
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

from generator.render import generate

from .conftest import ACME, KEYCLOAK_OIDC, PUBLIC_OIDC, run_package_tests


def render(spec: Path, out: Path) -> Path:
    generate(spec, out, ["django"])
    return out / "django"


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(KEYCLOAK_OIDC, tmp_path_factory.mktemp("oidc"))


@pytest.fixture(scope="module")
def public_oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(PUBLIC_OIDC, tmp_path_factory.mktemp("public-oidc"))


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([find_ruff_bin(), *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("package", ["oidc", "public_oidc"])
def test_oidc_output_passes_ruff_and_compiles(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        done = ruff(*command, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
    for path in root.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    assert not [p for p in root.rglob("*") if p.is_file() and "{%" in p.name], "a file name was not rendered"


def test_oidc_layout_has_no_password_code(oidc: Path) -> None:
    """The provider signs users in: no password form, throttle or REST client, no routes for password operations."""
    package = oidc / "src" / "django_keycloak"
    for name in ("backends.py", "views.py", "session.py", "single_flight.py", "state.py", "sync.py", "records.py"):
        assert (package / name).is_file(), name
    for name in ("client.py", "forms.py", "throttle.py"):
        assert not (package / name).exists(), name
    pages = {path.name for path in (package / "templates" / "keycloak").iterdir()}
    assert pages == {"base.html", "error.html", "forbidden.html", "signin.html"}
    tests = {path.name for path in (oidc / "tests").glob("test_*.py")}
    assert tests == {"test_oidc.py", "test_oidc_redis.py", "test_setup.py", "test_single_flight.py", "test_typing.py"}
    urls = (package / "urls.py").read_text(encoding="utf-8")
    assert re.findall(r'name="(\w+)"', urls) == ["login", "callback", "logout", "me", "csrf"]
    views = (package / "views.py").read_text(encoding="utf-8")
    assert "authorize_redirect" in views and "authorize_access_token" in views and "create_logout_url" in views
    for absent in ("password", "Register", "Forgot", "LoginForm", "throttle"):
        assert absent not in views, absent
    for name in ("conf.py", "defaults.py", "checks.py"):
        assert "LOGIN_LIMIT" not in (package / name).read_text(encoding="utf-8"), name


def test_oidc_smoke_tests_cover_s23_to_s26(oidc: Path) -> None:
    text = (oidc / "tests" / "test_oidc.py").read_text(encoding="utf-8")
    assert {int(n) for n in re.findall(r"^def test_S(\d\d)_", text, re.MULTILINE)} == {10, 23, 24, 25, 26}
    for behaviour in ("refreshed", "refused_refresh", "access_denied", "down_is_503", "S25"):
        assert behaviour in text, behaviour


def test_oidc_provider_registration(oidc: Path, public_oidc: Path) -> None:
    state = (oidc / "src" / "django_keycloak" / "state.py").read_text(encoding="utf-8")
    assert 'SCOPE = "openid profile email roles"' in state
    assert 'AUTHORIZE_PARAMS: dict[str, str] = {"prompt": "login"}' in state
    assert "client_secret=settings.client_secret" in state
    assert '"code_challenge_method": "S256"' in state
    assert '"token_endpoint_auth_method": "none"' not in state
    public = (public_oidc / "src" / "django_exampleop" / "state.py").read_text(encoding="utf-8")
    assert "client_secret" not in public
    assert '"token_endpoint_auth_method": "none"' in public
    assert 'SCOPE = "openid profile email"' in public
    assert 'REGISTER_URL = "${service.issuer}/signup?client_id=${service.client_id}"' in public
    assert 'RESET_URL = "${service.issuer}/password-reset"' in public
    assert "REGISTER_URL" not in state and "provider_link" not in state  # Keycloak's login page links to its own


def test_oidc_sign_in_page_after_a_failed_callback(oidc: Path, public_oidc: Path) -> None:
    """The sign-in form is the provider's; a page after a failed callback starts a new one, with its links."""
    page = (public_oidc / "src" / "django_exampleop" / "templates" / "exampleop" / "signin.html").read_text()
    assert page.startswith("{% extends layout %}") and "{% raw %}" not in page
    assert "links.register" in page and "links.forgot" in page and 'name="next"' in page
    assert (oidc / "src" / "django_keycloak" / "templates" / "keycloak" / "signin.html").is_file()


def test_oidc_user_is_read_by_the_password_packages_reader(oidc: Path) -> None:
    """The claims go through the same record reader, sync and backend as a password package's user record."""
    package = oidc / "src" / "django_keycloak"
    backend = (package / "backends.py").read_text(encoding="utf-8")
    assert "read_record(" in backend and "sync_user(" in backend
    session = (package / "session.py").read_text(encoding="utf-8")
    assert "auth.authenticate(request, oidc_claims=" in session and "auth.login(request, user)" in session


def test_oidc_provider_calls_are_shared_with_flask(oidc: Path, tmp_path: Path) -> None:
    """userinfo, the refresh and the ID token's expected claims: one module, the same in both Python packages."""
    flask = tmp_path / "out"
    generate(KEYCLOAK_OIDC, flask, ["flask"])
    shared = (oidc / "src" / "django_keycloak" / "oidc.py").read_text(encoding="utf-8")
    assert shared == (flask / "flask" / "src" / "flask_keycloak" / "oidc.py").read_text(encoding="utf-8")
    for name in ("def userinfo(", "def refreshed(", "def id_token_claims(", "class RefreshFailed("):
        assert name in shared, name
    session = (oidc / "src" / "django_keycloak" / "session.py").read_text(encoding="utf-8")
    assert "from .oidc import RefreshFailed, kept, refreshed, userinfo" in session
    assert "fetch_access_token" not in session and "userinfo_endpoint" not in session


def test_oidc_pyproject_depends_on_authlib(oidc: Path) -> None:
    project = tomllib.loads((oidc / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=\[]", dep)[0] for dep in project["dependencies"]}
    assert {"Django", "Authlib", "cryptography", "requests"} <= names


def test_password_package_has_no_oidc(tmp_path: Path) -> None:
    package = render(ACME, tmp_path) / "src" / "django_acme"
    for name in ("views.py", "state.py", "session.py", "urls.py"):
        text = (package / name).read_text(encoding="utf-8")
        assert "authlib" not in text.lower() and "callback" not in text, name
    assert (package / "throttle.py").is_file() and (package / "forms.py").is_file()


def test_oidc_readme_five_minutes(oidc: Path, tmp_path: Path) -> None:
    readme = (oidc / "README.md").read_text(encoding="utf-8")
    assert readme.index("## Auth in 5 minutes") < readme.index("## Routes") < readme.index("## Settings")
    for text in (
        "KEYCLOAK_ISSUER",
        "KEYCLOAK_CLIENT_ID",
        "KEYCLOAK_CLIENT_SECRET",
        "/auth/callback",
        "KEYCLOAK_REDIS_URL",
    ):
        assert text in readme, text
    assert "export KEYCLOAK_ISSUER=http://127.0.0.1:8900" in readme
    assert "LOGIN_LIMIT" not in readme and "password" not in readme.lower().replace("passwords", "")
    # The snippet's three files name nothing they do not import (F821).
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    files = re.split(r"^# (\w+\.py)\b.*\n", snippet, flags=re.MULTILINE)[1:]
    assert files[::2] == ["settings.py", "urls.py", "views.py"]
    for name, code in zip(files[::2], files[1::2], strict=True):
        (tmp_path / name).write_text(code, encoding="utf-8")
    done = ruff("check", "--no-cache", "--isolated", "--select", "F821", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("package", ["oidc", "public_oidc"])
def test_oidc_generated_tests_pass(package: str, request: pytest.FixtureRequest) -> None:
    """The package's own tests (S23-S26 against the bundled fake provider), without installing it."""
    needs = ("django", "pytest_django", "authlib", "cryptography", "requests", "mypy", "mypy_django_plugin")
    run_package_tests(request.getfixturevalue(package), needs, "django")
