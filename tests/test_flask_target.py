"""The Flask target: what its template renders, for the bundled spec and for awkward ones."""

from __future__ import annotations

import json
import py_compile
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

from generator.context import build_context
from generator.fake.fixtures import test_settings
from generator.render import generate
from generator.spec import load_spec
from generator.targets import TARGETS

from .conftest import KEYCLOAK_OIDC, PUBLIC_OIDC, ROOT, run_package_tests

ACME = ROOT / "examples" / "acme" / "identity.toml"
KEYCLOAK = ROOT / "examples" / "keycloak" / "identity.toml"
OKTA = ROOT / "examples" / "okta" / "identity.toml"
TEMPLATE = TARGETS["flask"].template_dir / "{{cookiecutter.project_dir}}"
PAGES = TEMPLATE / "src" / "{{cookiecutter.package}}" / "templates" / "{{cookiecutter.slug}}"

#: A service name with everything that breaks careless escaping in Python, TOML, Markdown and HTML.
AWKWARD_NAME = 'Acme "Quoted" \\ ${x} {{ y }} */ </script> | Ünïcode'
#: A setting description with a line break besides.
AWKWARD_DESCRIPTION = 'Root URL\nof the "API" | */ </script>'


def render(spec: Path, out: Path) -> Path:
    generate(spec, out, ["flask"])
    return out / "flask"


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(ACME, tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spec without register and forgot_password."""
    return render(KEYCLOAK, tmp_path_factory.mktemp("keycloak"))


@pytest.fixture(scope="module")
def okta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spec without any operation of the session's life (refresh, logout, reset, verify, change)."""
    return render(OKTA, tmp_path_factory.mktemp("okta"))


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("awkward")
    text = ACME.read_text(encoding="utf-8")
    spec = folder / "identity.toml"
    # A JSON string is a TOML basic string.
    text = text.replace('name = "Acme Identity"', f"name = {json.dumps(AWKWARD_NAME)}")
    text = text.replace('"Root URL of the Acme Identity API"', json.dumps(AWKWARD_DESCRIPTION))
    spec.write_text(text, encoding="utf-8")
    return render(spec, folder / "out")


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([find_ruff_bin(), *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("package", ["acme", "keycloak", "okta", "awkward"])
def test_output_passes_ruff(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    checked = ruff("check", "--no-cache", ".", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = ruff("format", "--check", "--no-cache", ".", cwd=root)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


@pytest.mark.parametrize("package", ["acme", "keycloak", "awkward"])
def test_every_python_file_compiles(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    for path in root.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)


def test_layout(acme: Path) -> None:
    package = acme / "src" / "flask_acme"
    modules = ("__init__.py", "extension.py", "views.py", "guards.py", "session.py", "settings.py", "py.typed")
    for name in (*modules, "signed_out.py", "throttle.py"):
        assert (package / name).is_file(), name
    for name in ("README.md", "example.py", "pyproject.toml", "tests/conftest.py", "tests/test_smoke.py"):
        assert (acme / name).is_file(), name
    assert (acme / "tests" / "fake" / "spec.json").is_file()
    assert not (acme / "noxfile.py").exists()


def test_pages_are_copied_verbatim(acme: Path, oidc: Path) -> None:
    """Flask's own Jinja pages must not be rendered by cookiecutter.

    A conditional page (its name in ``{% if %}``) is rendered, so that
    cookiecutter leaves it out when its name renders empty; its content is
    in ``{% raw %}``, so it comes out as written.
    """
    pages = {re.sub(r"\{%.*?%\}", "", page.name): page for page in PAGES.iterdir()}
    assert set(pages) >= {"base.html", "login.html", "register.html", "forgot.html", "reset.html", "verify.html"}
    for name, page in pages.items():
        text = page.read_text()
        if name != page.name:
            text = text.removeprefix("{% raw %}").removesuffix("{% endraw %}")
        # The sign-in page after a failed OpenID Connect callback exists only in OIDC packages.
        copied = oidc / "src" / "flask_keycloak" / "templates" / "keycloak" if name == "signin.html" else None
        copied = copied or acme / "src" / "flask_acme" / "templates" / "acme"
        assert (copied / name).read_text() == text


def test_pyproject(acme: Path) -> None:
    project = tomllib.loads((acme / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "Flask-Acme"
    assert project["requires-python"] == ">=3.11"
    dependencies = " ".join(project["dependencies"])
    for name in ("Flask>=3.1", "Flask-Login", "Flask-WTF", "requests", "cryptography", "limits>=5.8"):
        assert name in dependencies
    assert "pytest>=8" in project["optional-dependencies"]["test"]


def test_pyproject_is_ready_to_publish(acme: Path) -> None:
    """The spec's [package] table, with the licence as an SPDX expression (PEP 639), not the deprecated table."""
    pyproject = tomllib.loads((acme / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    package = tomllib.loads(ACME.read_text(encoding="utf-8"))["package"]
    assert project["version"] == package["version"]
    assert project["license"] == package["license"]
    assert project["license-files"] == ["LICENSE"] and (acme / "LICENSE").is_file()
    assert project["authors"] == [{k: v for k, v in author.items() if v} for author in package["authors"]]
    assert project["urls"] == {"Repository": package["repository"]}
    assert not [c for c in project["classifiers"] if c.startswith("License ::")], "PEP 639: the expression only"
    assert pyproject["build-system"]["requires"] == ["setuptools>=77"], "the first to read license-files"


def test_pyproject_without_a_package_table(okta: Path) -> None:
    project = tomllib.loads((okta / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (project["version"], project["license"], project["license-files"]) == ("0.1.0", "MIT", ["LICENSE"])
    assert "authors" not in project and "urls" not in project


def manifest_selects(package: Path) -> set[str]:
    """The files ``package``'s MANIFEST.in adds to its sdist, read by setuptools' own parser of it."""
    from setuptools._distutils.filelist import FileList

    selected = FileList()
    selected.allfiles = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())
    for line in (package / "MANIFEST.in").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            selected.process_template_line(line)
    return set(selected.files)


def test_the_sdist_is_the_whole_project(acme: Path) -> None:
    """Beside what setuptools ships anyway (the package, README, pyproject, LICENSE), MANIFEST.in adds the rest.

    So ``pytest`` runs from an unpacked sdist: ``nox -s smoke-flask`` builds one and runs the tests there.
    """
    # .gitignore is for the repository the package is generated into, not for a release.
    ships_anyway = {"README.md", "pyproject.toml", "LICENSE", "MANIFEST.in", ".gitignore"}
    files = {p.relative_to(acme).as_posix() for p in acme.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    rest = {f for f in files if not f.startswith("src/") and f not in ships_anyway}
    assert {"tests/conftest.py", "tests/support.py", "tests/fake/spec.json", "example.py"} <= rest
    assert rest <= manifest_selects(acme)


def test_readme_starts_with_the_five_minutes(acme: Path) -> None:
    readme = (acme / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert snippet.startswith("# pip install ./integrations/flask")
    for line in (
        "from flask_acme import Acme, roles_required",
        "app.config.from_prefixed_env()",
        "Acme(app)" + " " * 34 + "# /auth/login, /auth/logout, /auth/me, /auth/register, /auth/forgot",
        '@roles_required("admins")',
    ):
        assert line in snippet
    assert readme.index("## Auth in 5 minutes") < readme.index("## Settings")
    assert "`ACME_APPLICATION_ID` or `ACME_APP_ID` | `ACME_APP_ID` | required" in readme


def the_fake_lines(readme: str, spec: Path, target: str) -> tuple[dict[str, str], dict[str, str]]:
    """The variables the README's "No service at hand yet?" lines export, and those the fake needs.

    The fake's are its test settings (``tests/fake/spec.json``) under each setting's variable, and
    its URL, on the port the README starts it on, for the base URL.
    """
    lines = readme.split("at hand yet?", 1)[1].split("\n## ", 1)[0]
    port = re.search(r"^python3 -m fake fake/spec\.json --port (\d+) ", lines, re.MULTILINE)
    assert port, "the README starts the fake on a known port"
    exported = dict(re.findall(r'^export (\w+)="?([^"\n]*?)"?$', lines, re.MULTILINE))
    values = test_settings(load_spec(spec).data)
    settings = build_context(load_spec(spec), TARGETS[target])["settings"]
    needed = {s["env"]: values.get(s["name"], f"http://127.0.0.1:{port[1]}") for s in settings}
    assert {s["name"] for s in settings} - values.keys() == {"base_url"}
    return exported, needed


@pytest.mark.parametrize(("package", "spec"), [("acme", ACME), ("keycloak", KEYCLOAK)])
def test_readme_runs_the_example_against_the_fake(package: str, spec: Path, request: pytest.FixtureRequest) -> None:
    """Followed as written in a fresh folder, these lines sign a user in at the fake: each setting is there."""
    readme = (request.getfixturevalue(package) / "README.md").read_text(encoding="utf-8")
    exported, needed = the_fake_lines(readme, spec, "flask")
    assert exported == {"FLASK_SECRET_KEY": "dev-only-secret", **needed}


def test_readme_says_what_from_prefixed_env_loads(acme: Path) -> None:
    """It loads FLASK_* (without the prefix); the package reads ACME_* from the environment itself."""
    readme = (acme / "README.md").read_text(encoding="utf-8")
    example = (acme / "example.py").read_text(encoding="utf-8")
    for text in (readme, example):
        comment = next(line for line in text.splitlines() if line.startswith("app.config.from_prefixed_env()"))
        assert "FLASK_SECRET_KEY -> SECRET_KEY" in comment
        assert "ACME_BASE_URL" not in comment, "from_prefixed_env() does not load ACME_*"
    assert "`FLASK_ACME_TIMEOUT` would become `ACME_TIMEOUT`" in readme


def test_readme_documents_the_sign_in_limits_and_the_signed_out_record(acme: Path) -> None:
    readme = (acme / "README.md").read_text(encoding="utf-8")
    for row in (
        "| `ACME_LOGIN_LIMIT_PER_ACCOUNT` | `ACME_LOGIN_LIMIT_PER_ACCOUNT` | `0` (off) |",
        "| `ACME_LOGIN_LIMIT_PER_CLIENT` | `ACME_LOGIN_LIMIT_PER_CLIENT` | `0` (off) |",
        "| `ACME_LOGIN_LIMIT_WINDOW` | `ACME_LOGIN_LIMIT_WINDOW` | `300` |",
        "| `ACME_SIGNED_OUT_DB` | `ACME_SIGNED_OUT_DB` |",
    ):
        assert row in readme
    assert "## Throttling failed sign-ins" in readme
    assert '{"error": {"code": "too_many_attempts"' in readme


@pytest.mark.parametrize("package", ["acme", "keycloak"])
def test_smoke_tests_cover_every_case(package: str, request: pytest.FixtureRequest) -> None:
    text = (request.getfixturevalue(package) / "tests" / "test_smoke.py").read_text(encoding="utf-8")
    assert {int(n) for n in re.findall(r"^def test_s(\d\d)_", text, re.MULTILINE)} == set(range(1, 18))


def test_no_code_for_operations_the_spec_lacks(keycloak: Path) -> None:
    package = keycloak / "src" / "flask_keycloak"
    for module in ("views.py", "forms.py", "responses.py"):
        text = (package / module).read_text(encoding="utf-8")
        assert "register" not in text.lower() and "forgot" not in text.lower(), module
    smoke = (keycloak / "tests" / "test_smoke.py").read_text(encoding="utf-8")
    assert "def test_s14_register_is_absent" in smoke
    assert "def test_s15_forgot_password_is_absent" in smoke


def test_the_session_lifecycle_is_there_when_the_spec_has_it(acme: Path) -> None:
    package = acme / "src" / "flask_acme"
    assert (package / "single_flight.py").is_file()
    for page in ("reset.html", "verify.html", "password.html"):
        assert (package / "templates" / "acme" / page).is_file(), page
    views = (package / "views.py").read_text(encoding="utf-8")
    for route in ('"/reset"', '"/verify"', '"/password"'):
        assert route in views, route
    lifecycle = (acme / "tests" / "test_lifecycle.py").read_text(encoding="utf-8")
    assert {int(n) for n in re.findall(r"^def test_s(\d\d)_", lifecycle, re.MULTILINE)} == set(range(18, 23))


def test_only_refresh_and_logout_for_a_spec_with_only_these(keycloak: Path) -> None:
    package = keycloak / "src" / "flask_keycloak"
    assert (package / "single_flight.py").is_file()
    pages = package / "templates" / "keycloak"
    assert not any((pages / page).exists() for page in ("reset.html", "verify.html", "password.html"))
    for module in ("views.py", "forms.py", "config.py"):
        text = (package / module).read_text(encoding="utf-8")
        for word in ("reset", "verify", "Verify", "change_password", "ChangePassword"):
            assert word not in text, f"{word} in {module}"
    lifecycle = (keycloak / "tests" / "test_lifecycle.py").read_text(encoding="utf-8")
    assert {int(n) for n in re.findall(r"^def test_s(\d\d)_", lifecycle, re.MULTILINE)} == {18, 19}


def test_no_lifecycle_code_for_a_spec_without_it(okta: Path) -> None:
    package = okta / "src" / "flask_okta"
    assert not (package / "single_flight.py").exists()
    assert not (okta / "tests" / "test_lifecycle.py").exists()
    assert not (okta / "tests" / "test_single_flight.py").exists()
    session = (package / "session.py").read_text(encoding="utf-8")
    for word in ("client.refresh", "_renew", "client.logout", "set_new_password"):
        assert word not in session, word
    for module in ("extension.py", "state.py", "config.py"):
        assert "SingleFlight" not in (package / module).read_text(encoding="utf-8"), module


def test_spec_strings_are_escaped(awkward: Path) -> None:
    config = (awkward / "src" / "flask_acme" / "config.py").read_text(encoding="utf-8")
    namespace: dict[str, object] = {}
    exec(compile(config, "config.py", "exec"), namespace)  # constants only, no imports
    assert namespace["BRAND_NAME"] == AWKWARD_NAME
    project = tomllib.loads((awkward / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"].endswith(AWKWARD_NAME)
    readme = (awkward / "README.md").read_text(encoding="utf-8")
    assert "</script>" not in readme, "no raw HTML from the spec in the README"
    assert '| Root URL of the "API" \\| */ &lt;/script> |' in readme, "one table cell, pipe escaped"


def test_generated_tests_pass(acme: Path) -> None:
    """The package's own tests (S1–S17 against the bundled fake), without installing it."""
    needs = ("flask", "flask_login", "flask_wtf", "cryptography", "requests", "limits", "redis")
    run_package_tests(acme, needs, "smoke-flask")


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(KEYCLOAK_OIDC, tmp_path_factory.mktemp("oidc"))


@pytest.fixture(scope="module")
def public_oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(PUBLIC_OIDC, tmp_path_factory.mktemp("public-oidc"))


@pytest.mark.parametrize("package", ["oidc", "public_oidc"])
def test_oidc_output_passes_ruff_and_compiles(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    checked = ruff("check", "--no-cache", ".", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = ruff("format", "--check", "--no-cache", ".", cwd=root)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    for path in root.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)


def test_oidc_layout_has_no_password_code(oidc: Path) -> None:
    """The provider signs users in: no password form, throttle, REST client or signed-out record."""
    package = oidc / "src" / "flask_keycloak"
    for name in ("extension.py", "views.py", "session.py", "single_flight.py", "settings.py", "state.py"):
        assert (package / name).is_file(), name
    for name in ("client.py", "forms.py", "throttle.py", "signed_out.py"):
        assert not (package / name).exists(), name
    pages = {path.name for path in (package / "templates" / "keycloak").iterdir()}
    assert pages == {"base.html", "_fields.html", "error.html", "forbidden.html", "signin.html"}
    tests = {path.name for path in (oidc / "tests").glob("test_*.py")}
    assert tests == {"test_oidc.py", "test_oidc_redis.py", "test_single_flight.py", "test_typing.py"}
    views = (package / "views.py").read_text(encoding="utf-8")
    assert "authorize_access_token" in views and "create_logout_url" in views
    for absent in ("password", "register", "forgot", "LoginForm"):
        assert absent not in views, absent


def test_oidc_smoke_tests_cover_s23_to_s26(oidc: Path) -> None:
    text = (oidc / "tests" / "test_oidc.py").read_text(encoding="utf-8")
    # S10 (session fixation) too: the callback starts the session, so it must give it a new id.
    assert {int(n) for n in re.findall(r"^def test_S(\d\d)_", text, re.MULTILINE)} == {10, 23, 24, 25, 26}


def test_oidc_provider_registration(oidc: Path, public_oidc: Path) -> None:
    config = (oidc / "src" / "flask_keycloak" / "config.py").read_text(encoding="utf-8")
    assert 'SCOPE = "openid profile email roles"' in config
    assert 'AUTHORIZE_PARAMS: dict[str, str] = {"prompt": "login"}' in config
    assert "REGISTER_URL" not in config  # Keycloak's login page links to its own
    extension = (oidc / "src" / "flask_keycloak" / "extension.py").read_text(encoding="utf-8")
    assert "client_secret=settings.client_secret" in extension
    assert '"code_challenge_method": "S256"' in extension
    assert '"token_endpoint_auth_method": "none"' not in extension
    public = (public_oidc / "src" / "flask_exampleop" / "extension.py").read_text(encoding="utf-8")
    assert "client_secret" not in public
    assert '"token_endpoint_auth_method": "none"' in public
    public_config = (public_oidc / "src" / "flask_exampleop" / "config.py").read_text(encoding="utf-8")
    assert 'REGISTER_URL = "${service.issuer}/signup?client_id=${service.client_id}"' in public_config
    assert 'RESET_URL = "${service.issuer}/password-reset"' in public_config


def test_oidc_pyproject_depends_on_authlib_and_flask_session(oidc: Path) -> None:
    project = tomllib.loads((oidc / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=\[]", dep)[0] for dep in project["dependencies"]}
    assert {"Authlib", "joserfc", "Flask-Session", "cachelib"} <= names
    assert "limits" not in names


def test_oidc_readme_five_minutes(oidc: Path) -> None:
    readme = (oidc / "README.md").read_text(encoding="utf-8")
    assert readme.index("## Auth in 5 minutes") < readme.index("## Settings")
    for text in ("KEYCLOAK_ISSUER", "KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET", "/auth/callback", "## Sessions"):
        assert text in readme, text
    assert "export KEYCLOAK_ISSUER=http://127.0.0.1:8900" in readme
    assert "LOGIN_LIMIT" not in readme and "SIGNED_OUT_DB" not in readme


@pytest.mark.parametrize("package", ["oidc", "public_oidc"])
def test_oidc_generated_tests_pass(package: str, request: pytest.FixtureRequest) -> None:
    """The package's own tests (S23–S26 against the bundled fake provider), without installing it."""
    needs = (
        "flask",
        "flask_login",
        "flask_wtf",
        "flask_session",
        "authlib",
        "cryptography",
        "requests",
        "redis",
    )
    run_package_tests(request.getfixturevalue(package), needs, "smoke-flask")
