"""The FastAPI target: what its template renders, for the bundled spec and for awkward ones."""

from __future__ import annotations

import json
import py_compile
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

from generator.errors import UnsupportedTargetError
from generator.render import generate
from generator.spec import load_spec

from .conftest import KEYCLOAK_OIDC, ROOT, run_package_tests
from .test_flask_target import manifest_selects, the_fake_lines

ACME = ROOT / "examples" / "acme" / "identity.toml"
KEYCLOAK = ROOT / "examples" / "keycloak" / "identity.toml"
OKTA = ROOT / "examples" / "okta" / "identity.toml"
SPECS = ROOT / "tests" / "specs"

#: A service name with everything that breaks careless escaping in Python, TOML, Markdown and HTML.
AWKWARD_NAME = 'Acme "Quoted" \\ ${x} {{ y }} */ </script> | Ünïcode'
#: A setting description with a line break besides.
AWKWARD_DESCRIPTION = 'Root URL\nof the "API" | */ </script>'

#: The routes of each optional operation, and the page it shows.
OPTIONAL_ROUTES = {
    "register": ('"/register"', "register.html"),
    "forgot_password": ('"/forgot"', "forgot.html"),
    "reset_password": ('"/reset"', "reset.html"),
    "verify_email": ('"/verify"', "verify.html"),
    "change_password": ('"/password"', "password.html"),
}


def render(spec: Path, out: Path) -> Path:
    generate(spec, out, ["fastapi"])
    return out / "fastapi"


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every operation: register, forgot, reset, verify, change password, refresh, logout."""
    return render(ACME, tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spec without register and forgot_password, with refresh and logout."""
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


@pytest.fixture(scope="module")
def test_specs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The package of each password spec under tests/specs (the fakes' own specs: other shapes of service)."""
    out = tmp_path_factory.mktemp("specs")
    return {spec.stem: render(spec, out / spec.stem) for spec in sorted(SPECS.glob("fake_*.toml"))}


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([find_ruff_bin(), *args], cwd=cwd, capture_output=True, text=True, check=False)


def package_of(root: Path) -> Path:
    """The import package of a generated project: ``src/fastapi_<slug>``."""
    (package,) = (root / "src").glob("fastapi_*")
    return package


def routes_of(root: Path) -> str:
    """The source of the module(s) that declare the integration's routes."""
    sources = (path.read_text(encoding="utf-8") for path in sorted(package_of(root).glob("*.py")))
    return "\n".join(source for source in sources if "APIRouter" in source)


def pages_of(root: Path) -> set[str]:
    package = package_of(root)
    return {page.name for page in package.rglob("*.html")}


def case_ids(test_file: Path) -> set[int]:
    text = test_file.read_text(encoding="utf-8")
    return {int(n) for n in re.findall(r"^async def test_s(\d\d)_", text, re.MULTILINE)}


@pytest.mark.parametrize("package", ["acme", "keycloak", "okta", "awkward"])
def test_output_passes_ruff_and_compiles(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    checked = ruff("check", "--no-cache", ".", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = ruff("format", "--check", "--no-cache", ".", cwd=root)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    for path in root.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)


def test_the_other_shapes_of_service_pass_ruff(test_specs: dict[str, Path]) -> None:
    for name, root in test_specs.items():
        checked = ruff("check", "--no-cache", ".", cwd=root)
        assert checked.returncode == 0, name + "\n" + checked.stdout + checked.stderr
        formatted = ruff("format", "--check", "--no-cache", ".", cwd=root)
        assert formatted.returncode == 0, name + "\n" + formatted.stdout + formatted.stderr


@pytest.mark.parametrize("package", ["acme", "keycloak", "okta", "test_specs"])
def test_a_route_and_a_page_exactly_for_each_operation(package: str, request: pytest.FixtureRequest) -> None:
    """No dead route or page for an operation the spec lacks, and none missing for one it has."""
    specs = {"acme": ACME, "keycloak": KEYCLOAK, "okta": OKTA}
    if package == "test_specs":
        roots = {SPECS / f"{name}.toml": root for name, root in request.getfixturevalue(package).items()}
    else:
        roots = {specs[package]: request.getfixturevalue(package)}
    for spec_path, root in roots.items():
        spec = load_spec(spec_path)
        routes, pages = routes_of(root), pages_of(root)
        for operation, (route, page) in OPTIONAL_ROUTES.items():
            assert (route in routes) == spec.has(operation), f"{spec_path.name}: {route}"
            assert (page in pages) == spec.has(operation), f"{spec_path.name}: {page}"


def test_layout(acme: Path) -> None:
    package = acme / "src" / "fastapi_acme"
    for name in ("__init__.py", "client.py", "errors.py", "user.py", "py.typed"):
        assert (package / name).is_file(), name
    for name in ("README.md", "example.py", "pyproject.toml", "MANIFEST.in", "LICENSE"):
        assert (acme / name).is_file(), name
    for name in ("conftest.py", "support.py", "test_smoke.py", "test_extension.py", "test_throttle.py"):
        assert (acme / "tests" / name).is_file(), name
    for name in ("test_redis.py", "test_typing.py", "test_lifecycle.py"):
        assert (acme / "tests" / name).is_file(), name
    assert (acme / "tests" / "fake" / "spec.json").is_file()
    assert not (acme / "noxfile.py").exists()
    assert not any("{{" in p.name or "{%" in p.name for p in acme.rglob("*")), "a file name left unrendered"


def test_the_public_api(acme: Path) -> None:
    """What the README promises is exported: the integration, its settings, the user and the dependencies."""
    init = (acme / "src" / "fastapi_acme" / "__init__.py").read_text(encoding="utf-8")
    exported = set(re.findall(r'^    "(\w+)",$', init, re.MULTILINE))
    assert {"Acme", "AcmeSettings", "AcmeUser", "AcmeClient", "ConfigurationError"} <= exported
    assert {
        "current_user",
        "optional_user",
        "require_roles",
        "service_session",
        "CurrentUser",
        "OptionalUser",
    } <= exported


def test_no_oidc_for_fastapi(tmp_path: Path) -> None:
    """FastAPI signs users in with the password operations only: an OpenID Connect spec is refused, clearly."""
    with pytest.raises(UnsupportedTargetError, match="fastapi"):
        generate(KEYCLOAK_OIDC, tmp_path, ["fastapi"])
    assert not (tmp_path / "fastapi").exists()


def test_pyproject(acme: Path) -> None:
    pyproject = tomllib.loads((acme / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    assert project["name"] == "fastapi-acme"
    assert project["requires-python"] == ">=3.11"
    names = {re.split(r"[<>=\[ ;]", dep)[0].lower() for dep in project["dependencies"]}
    assert {"fastapi", "httpx", "pydantic-settings", "jinja2", "itsdangerous"} <= names
    extras = project["optional-dependencies"]
    assert "redis" in {re.split(r"[<>=\[ ;]", dep)[0].lower() for dep in extras["redis"]}
    test = {re.split(r"[<>=\[ ;]", dep)[0].lower() for dep in extras["test"]}
    assert {"pytest", "mypy", "redis"} <= test
    assert pyproject["tool"]["mypy"]["strict"] is True
    assert pyproject["tool"]["pytest"]["ini_options"]["pythonpath"] == ["tests"]


def test_the_sdist_is_the_whole_project(acme: Path) -> None:
    """Beside what setuptools ships anyway (the package, README, pyproject, LICENSE), MANIFEST.in adds the rest.

    So ``pytest`` runs from an unpacked sdist: ``nox -s smoke-fastapi`` builds one and runs the tests there.
    """
    ships_anyway = {"README.md", "pyproject.toml", "LICENSE", "MANIFEST.in", ".gitignore"}
    files = {p.relative_to(acme).as_posix() for p in acme.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    rest = {f for f in files if not f.startswith("src/") and f not in ships_anyway}
    assert {"tests/conftest.py", "tests/support.py", "tests/fake/spec.json", "example.py"} <= rest
    assert rest <= manifest_selects(acme)


def test_readme_starts_with_the_five_minutes(acme: Path) -> None:
    readme = (acme / "README.md").read_text(encoding="utf-8")
    assert readme.index("## Auth in 5 minutes") < readme.index("## Settings")
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert snippet.startswith("# pip install ./integrations/fastapi")
    for line in (
        "from fastapi_acme import Acme, AcmeUser, current_user, require_roles",
        "app = FastAPI()",
        "Depends(current_user)",
        'require_roles("admins")',
    ):
        assert line in snippet, line
    assert re.search(r"^(acme = )?Acme\(app\)", snippet, re.MULTILINE), "one line adds the integration"
    assert "## Several instances" in readme
    for name in ("SECRET_KEY", "APP_ID", "REDIS_URL", "SESSION_TTL", "SESSION_DB", "LOGIN_LIMIT_PER_ACCOUNT"):
        assert f"`ACME_{name}`" in readme, name


@pytest.mark.parametrize(("package", "spec"), [("acme", ACME), ("keycloak", KEYCLOAK)])
def test_readme_runs_the_example_against_the_fake(package: str, spec: Path, request: pytest.FixtureRequest) -> None:
    """Followed as written in a fresh folder, these lines sign a user in at the fake: each setting is there."""
    readme = (request.getfixturevalue(package) / "README.md").read_text(encoding="utf-8")
    exported, needed = the_fake_lines(readme, spec, "fastapi")
    slug = "ACME" if package == "acme" else "KEYCLOAK"
    assert exported.keys() == {f"{slug}_SECRET_KEY", *needed}
    assert {name: exported[name] for name in needed} == needed
    assert "uvicorn example:app" in readme


@pytest.mark.parametrize("package", ["acme", "keycloak", "okta"])
def test_smoke_tests_cover_every_case(package: str, request: pytest.FixtureRequest) -> None:
    assert case_ids(request.getfixturevalue(package) / "tests" / "test_smoke.py") == set(range(1, 18))


def test_every_route_and_page_of_the_bundled_spec(acme: Path) -> None:
    routes = routes_of(acme)
    pages = pages_of(acme)
    for route, page in OPTIONAL_ROUTES.values():
        assert route in routes, route
        assert page in pages, page
    for route in ('"/login"', '"/logout"', '"/me"', '"/csrf"'):
        assert route in routes, route
    assert "login.html" in pages


def test_no_code_for_operations_the_spec_lacks(keycloak: Path) -> None:
    """Keycloak's spec has no register, forgot, reset, verify or change password: no route, page, form or call."""
    routes = routes_of(keycloak)
    pages = pages_of(keycloak)
    for route, page in OPTIONAL_ROUTES.values():
        assert route not in routes, route
        assert page not in pages, page
    package = package_of(keycloak)
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("forgot", "reset_password", "verify_email", "change_password", "ChangePassword", "Register"):
            assert word not in text, f"{word} in {path.name}"
    smoke = (keycloak / "tests" / "test_smoke.py").read_text(encoding="utf-8")
    assert "async def test_s14_register_is_absent" in smoke
    assert "async def test_s15_forgot_password_is_absent" in smoke
    assert case_ids(keycloak / "tests" / "test_lifecycle.py") == {18, 19}


def test_the_session_lifecycle_is_there_when_the_spec_has_it(acme: Path) -> None:
    assert case_ids(acme / "tests" / "test_lifecycle.py") == set(range(18, 23))
    sources = "\n".join(p.read_text(encoding="utf-8") for p in package_of(acme).glob("*.py"))
    for call in ("refresh", "logout", "reset_password", "verify_email", "change_password"):
        assert f".{call}(" in sources, call


def test_no_lifecycle_code_for_a_spec_without_it(okta: Path) -> None:
    assert not (okta / "tests" / "test_lifecycle.py").exists()
    package = package_of(okta)
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in (".refresh(", ".logout(", "reset_password", "verify_email", "change_password", "single_flight"):
            assert word not in text, f"{word} in {path.name}"
    assert not (package / "single_flight.py").exists()


def test_spec_strings_are_escaped(awkward: Path) -> None:
    project = tomllib.loads((awkward / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"].endswith(AWKWARD_NAME)
    readme = (awkward / "README.md").read_text(encoding="utf-8")
    assert "</script>" not in readme, "no raw HTML from the spec in the README"
    assert '| Root URL of the "API" \\| */ &lt;/script> |' in readme, "one table cell, pipe escaped"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in package_of(awkward).glob("*.py"))
    assert json.dumps(AWKWARD_NAME, ensure_ascii=False)[1:-1] in sources or repr(AWKWARD_NAME) in sources


#: The modules the generated tests import, beside the standard library and the package's own.
NEEDS = ("fastapi", "httpx", "pydantic_settings", "jinja2", "itsdangerous", "limits", "anyio", "redis")


def test_generated_tests_pass(acme: Path) -> None:
    """The package's own tests (S1–S22 against the bundled fake), without installing it."""
    run_package_tests(acme, NEEDS, "smoke-fastapi")


def test_generated_tests_pass_without_the_session_lifecycle(okta: Path) -> None:
    """A spec with register and forgot but no refresh, logout or email links: its own tests pass too."""
    run_package_tests(okta, NEEDS, "smoke-fastapi")
