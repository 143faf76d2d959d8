"""The Django target: what it renders, its profile model's columns, and clean, deterministic output."""

from __future__ import annotations

import py_compile
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from generator.context import build_context
from generator.fake.fixtures import test_settings
from generator.render import generate
from generator.spec import load_spec
from generator.targets import TARGETS
from generator.targets.django import django_columns, django_field

from .conftest import ACME, ROOT

PACKAGE = "django/src/django_acme"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def spec_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the Acme spec with one piece of text replaced."""
    text = ACME.read_text(encoding="utf-8")
    assert old in text
    spec = tmp_path / "identity.toml"
    spec.write_text(text.replace(old, new), encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("django") / "out"
    generate(ACME, out, ["django"])
    return out


def test_renders_the_app_the_example_project_and_the_tests(rendered: Path) -> None:
    files = set(snapshot(rendered))
    for name in ("apps", "backends", "checks", "client", "errors", "middleware", "models", "urls", "views"):
        assert f"{PACKAGE}/{name}.py" in files
    assert f"{PACKAGE}/migrations/0001_initial.py" in files
    assert f"{PACKAGE}/templates/acme/login.html" in files
    assert {"django/example/manage.py", "django/example/example/settings.py", "django/tests/test_smoke.py"} <= files
    assert "django/tests/fake/spec.json" in files


def test_shared_client_and_errors_are_included(rendered: Path) -> None:
    client = (rendered / PACKAGE / "client.py").read_text()
    assert "class AcmeClient:" in client and "{%" not in client
    assert "class ServiceUnavailable(AcmeError):" in (rendered / PACKAGE / "errors.py").read_text()


def test_pages_are_copied_without_rendering(rendered: Path) -> None:
    login = (rendered / PACKAGE / "templates" / "acme" / "login.html").read_text()
    assert "{% csrf_token %}" in login and "{% extends layout %}" in login


def test_smoke_tests_are_named_for_every_case(rendered: Path) -> None:
    tests = (rendered / "django" / "tests" / "test_smoke.py").read_text()
    for number in range(1, 18):
        assert f"def test_s{number:02d}_" in tests, f"no test for S{number}"


def test_pyproject_names_the_distribution_and_django_lts(rendered: Path) -> None:
    pyproject = (rendered / "django" / "pyproject.toml").read_text()
    assert 'name = "django-acme"' in pyproject and '"Django>=5.2,<6"' in pyproject
    assert 'DJANGO_SETTINGS_MODULE = "example.settings"' in pyproject


def test_pyproject_is_ready_to_publish(rendered: Path) -> None:
    """The spec's [package] table, with the licence as an SPDX expression (PEP 639), not the deprecated table."""
    pyproject = tomllib.loads((rendered / "django" / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    package = tomllib.loads(ACME.read_text(encoding="utf-8"))["package"]
    assert project["version"] == package["version"]
    assert project["license"] == package["license"]
    assert project["license-files"] == ["LICENSE"] and (rendered / "django" / "LICENSE").is_file()
    assert project["authors"] == [{k: v for k, v in author.items() if v} for author in package["authors"]]
    assert project["urls"] == {"Repository": package["repository"]}
    assert not [c for c in project["classifiers"] if c.startswith("License ::")], "PEP 639: the expression only"
    assert pyproject["build-system"]["requires"] == ["setuptools>=77"], "the first to read license-files"


def test_pyproject_without_a_package_table(tmp_path: Path) -> None:
    generate(ROOT / "examples" / "okta" / "identity.toml", tmp_path / "out", ["django"])
    project = tomllib.loads((tmp_path / "out" / "django" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
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


def test_the_sdist_is_the_whole_project(rendered: Path) -> None:
    """Beside what setuptools ships anyway (the package, README, pyproject, LICENSE), MANIFEST.in adds the rest.

    So ``pytest`` runs from an unpacked sdist: ``nox -s smoke-django`` builds one and runs the tests there.
    """
    package = rendered / "django"
    # .gitignore is for the repository the package is generated into, not for a release.
    ships_anyway = {"README.md", "pyproject.toml", "LICENSE", "MANIFEST.in", ".gitignore"}
    files = {
        p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    rest = {f for f in files if not f.startswith("src/") and f not in ships_anyway}
    assert {"tests/conftest.py", "tests/serving.py", "tests/fake/spec.json", "example/example/settings.py"} <= rest
    assert rest <= manifest_selects(package)


def test_the_sdist_leaves_the_examples_database_out(tmp_path: Path) -> None:
    generate(ACME, tmp_path / "out", ["django"])
    package = tmp_path / "out" / "django"
    (package / "example" / "db.sqlite3").write_bytes(b"SQLite format 3\x00")  # what `migrate` leaves there
    assert "example/manage.py" in manifest_selects(package)
    assert "example/db.sqlite3" not in manifest_selects(package)


def test_output_passes_ruff_with_its_own_config(rendered: Path) -> None:
    from ruff.__main__ import find_ruff_bin

    ruff = find_ruff_bin()
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        done = subprocess.run([ruff, *command], cwd=rendered / "django", capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_generating_twice_is_byte_identical(tmp_path: Path) -> None:
    generate(ACME, tmp_path / "a", ["django"])
    generate(ACME, tmp_path / "b", ["django"])
    first, second = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert first == second


def test_spec_text_is_escaped_in_every_file(tmp_path: Path) -> None:
    tricky = 'Acme "Quote" \\\\ ${x} */ </script> Ünïcode'
    spec = spec_with(tmp_path, 'name = "Acme Identity"', f'name = "{tricky.replace(chr(34), chr(92) + chr(34))}"')
    out = tmp_path / "out"
    generate(spec, out, ["django"])
    for path in sorted((out / "django").rglob("*.py")):
        py_compile.compile(str(path), doraise=True)
    defaults = (out / PACKAGE / "defaults.py").read_text(encoding="utf-8")
    assert "Ünïcode" in defaults and "</script>" in defaults
    readme = (out / "django" / "README.md").read_text(encoding="utf-8")
    assert "</script>" not in readme


def test_profile_columns_follow_the_spec_fields() -> None:
    columns = {c["name"]: c for c in django_columns(load_spec(ACME))}
    assert columns["id"]["column"] == "service_id"
    assert columns["id"]["field"] == "models.CharField(max_length=255, unique=True)"
    assert columns["roles"]["read"].startswith("list(")
    assert columns["status"]["field"].startswith("models.CharField(max_length=6, choices=[")
    assert columns["created"]["json"] == "self.created.isoformat() if self.created else None"
    assert [c["name"] for c in columns.values() if c["canonical"]] == [
        "id",
        "username",
        "email",
        "first_name",
        "last_name",
        "roles",
        "active",
    ]


def test_profile_columns_avoid_names_django_models_reserve(tmp_path: Path) -> None:
    spec = spec_with(
        tmp_path,
        'created = { type = "datetime", from = "/created", optional = true }',
        'save = { type = "int", from = "/n" }\nobjects = { type = "bool", from = "/b", optional = true }',
    )
    columns = {c["name"]: c["column"] for c in django_columns(load_spec(spec))}
    assert columns["save"] == "save_value"
    assert columns["objects"] == "objects_value"


@pytest.mark.parametrize(
    ("ftype", "optional", "declaration"),
    [
        ("string", False, "models.TextField()"),
        ("string", True, "models.TextField(blank=True, null=True)"),
        ("email", True, "models.EmailField(max_length=254, blank=True, null=True)"),
        ("int", False, "models.BigIntegerField()"),
        ("float", False, "models.FloatField()"),
        ("bool", True, "models.BooleanField(blank=True, null=True)"),
        ("datetime", False, "models.DateTimeField()"),
        ("list<string>", False, "models.JSONField(default=list)"),
        ("list<string>", True, "models.JSONField(blank=True, null=True)"),
    ],
)
def test_django_field_declarations(ftype: str, optional: bool, declaration: str) -> None:
    assert django_field(ftype, optional) == declaration


def test_register_smoke_test_skips_with_a_reason_when_the_new_account_cannot_sign_in(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, 'username = "email"\n', 'username = "id"\n')
    out = tmp_path / "out"
    generate(spec, out, ["django"])
    tests = (out / "django" / "tests" / "test_smoke.py").read_text(encoding="utf-8")
    assert "SIGN_IN_BY_EMAIL = False" in tests
    start = tests.index("def test_s14_register_creates_an_account_that_can_sign_in")
    body = tests[start : tests.index("\ndef ", start + 1)]
    assert "pytest.skip(" in body, "the test says why it cannot check the sign-in"
    assert "if username is not None" not in body, "no assertion is dropped silently"
    assert "def test_s14_register_answers_201" in tests, "the 201 is still checked"


def test_the_readmes_five_minutes_name_nothing_they_do_not_import(rendered: Path, tmp_path: Path) -> None:
    """Copied into a new project (``django-admin startproject``), each file of the snippet runs as shown.

    Once it used ``include`` and ``HttpResponse`` without importing them: the first thing a newcomer hit.
    """
    from ruff.__main__ import find_ruff_bin

    readme = (rendered / "django" / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    files = re.split(r"^# (\w+\.py)\n", snippet, flags=re.MULTILINE)[1:]
    assert files[::2] == ["settings.py", "urls.py", "views.py"]
    for name, code in zip(files[::2], files[1::2], strict=True):
        (tmp_path / name).write_text(code, encoding="utf-8")
    # F821: an undefined name. `...` stands for what the project already has, and is valid Python.
    done = subprocess.run(
        [find_ruff_bin(), "check", "--no-cache", "--isolated", "--select", "F821", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


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


@pytest.mark.parametrize("name", ["acme", "keycloak"])
def test_readme_points_a_project_at_the_fake(name: str, tmp_path: Path) -> None:
    """Followed as written in a fresh project, these lines sign a user in at the fake: each setting is there."""
    spec = ROOT / "examples" / name / "identity.toml"
    generate(spec, tmp_path / "out", ["django"])
    readme = (tmp_path / "out" / "django" / "README.md").read_text(encoding="utf-8")
    exported, needed = the_fake_lines(readme, spec, "django")
    assert exported == needed


def test_readme_documents_the_sign_in_limits_and_sqlite_settings(rendered: Path) -> None:
    readme = (rendered / "django" / "README.md").read_text(encoding="utf-8")
    for variable in ("ACME_LOGIN_LIMIT_PER_ACCOUNT", "ACME_LOGIN_LIMIT_PER_CLIENT", "ACME_LOGIN_LIMIT_WINDOW"):
        assert f"`{variable}`" in readme
    assert '"transaction_mode": "IMMEDIATE"' in readme
    assert 'handler500 = "django_acme.views.server_error"' in readme
    settings = (rendered / "django" / "example" / "example" / "settings.py").read_text(encoding="utf-8")
    assert '"transaction_mode": "IMMEDIATE"' in settings and "journal_mode=WAL" in settings


# -- the session lifecycle (issue 15) ---------------------------------------------

EXAMPLES = ACME.parent.parent


def test_lifecycle_smoke_tests_are_named_for_every_case(rendered: Path) -> None:
    tests = (rendered / "django" / "tests" / "test_lifecycle.py").read_text()
    for number in range(18, 23):
        assert f"def test_s{number}_" in tests, f"no test for S{number}"
    assert "because_the_service_has" not in tests, "Acme has every lifecycle operation"
    assert (
        "def test_s18_concurrent_requests_after_expiry_refresh_once"
        in (rendered / "django/tests/test_served.py").read_text()
    )


def test_lifecycle_routes_and_pages_follow_the_spec(rendered: Path, tmp_path: Path) -> None:
    urls = (rendered / PACKAGE / "urls.py").read_text()
    for name in ("reset", "verify", "password"):
        assert f'route("{name}", ' in urls
        page = (rendered / PACKAGE / "templates" / "acme" / f"{name}.html").read_text()
        assert page.startswith("{% extends layout %}") and "{% raw %}" not in page and "{% csrf_token %}" in page
    assert (rendered / PACKAGE / "single_flight.py").is_file()
    generate(EXAMPLES / "okta" / "identity.toml", tmp_path / "okta", ["django"])
    package = tmp_path / "okta" / "django" / "src" / "django_okta"
    urls = (package / "urls.py").read_text()
    assert not any(f'route("{name}", ' in urls for name in ("reset", "verify", "password"))
    assert not any(
        (package / "templates" / "okta" / f"{name}.html").exists() for name in ("reset", "verify", "password")
    )
    assert not (package / "single_flight.py").exists()
    session = (package / "session.py").read_text()
    assert "def renew(" not in session and "def end_service_session(" not in session
    views = (package / "views.py").read_text()
    assert "TokenLinkView" not in views and "ChangePasswordView" not in views
    tests = (tmp_path / "okta" / "django" / "tests" / "test_lifecycle.py").read_text()
    assert tests.count("because_the_service_has") == 5
    assert_ruff_clean(tmp_path / "okta" / "django")


def test_refresh_and_logout_without_the_account_pages(tmp_path: Path) -> None:
    generate(EXAMPLES / "keycloak" / "identity.toml", tmp_path / "kc", ["django"])
    package = tmp_path / "kc" / "django" / "src" / "django_keycloak"
    session = (package / "session.py").read_text()
    assert "def renew(" in session and "def end_service_session(" in session
    assert "def change_password(" not in session
    assert 'route("reset", ' not in (package / "urls.py").read_text()
    assert_ruff_clean(tmp_path / "kc" / "django")


def assert_ruff_clean(package: Path) -> None:
    """The generated package passes ruff with its own settings."""
    from ruff.__main__ import find_ruff_bin

    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        done = subprocess.run([find_ruff_bin(), *command], cwd=package, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_errors_each_module_catches_follow_the_rules() -> None:
    from generator.targets.django import context

    acme = context(load_spec(ACME))
    assert acme["django_ended"] == {
        "get_user": "InvalidCredentials",
        "logout": "InvalidCredentials",
        "change_password": "Expired",
    }
    assert acme["django_counted_errors"] == ["InvalidCredentials", "AccountDisabled", "Unverified"]
    assert "Unverified" in acme["django_view_errors"] and "Expired" in acme["django_session_errors"]
    okta = context(load_spec(EXAMPLES / "okta" / "identity.toml"))
    assert okta["django_ended"] == {"get_user": "", "logout": "", "change_password": ""}
    assert okta["django_counted_errors"] == ["InvalidCredentials", "AccountDisabled"]
    assert "Expired" not in okta["django_session_errors"]


def test_an_optional_list_is_read_as_the_json_column_gives_it_back() -> None:
    """A tuple never equals the list the database returns: the profile would be rewritten at every sign-in."""
    columns = {c["name"]: c for c in django_columns(load_spec(EXAMPLES / "okta" / "identity.toml"))}
    assert columns["app_roles"]["read"].startswith("_list_or_none(")
