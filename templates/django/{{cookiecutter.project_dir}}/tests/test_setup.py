"""The project around the routes: system checks, migrations, page overrides and branding, the guards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core import checks
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.views import View

from support import JSON, Agent, route
from {{ cookiecutter.package }} import RolesRequiredMixin, roles_required
from {{ cookiecutter.package }}.conf import KEYS

pytestmark = pytest.mark.django_db

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: The keys of ``settings.{{ cookiecutter.config_prefix }}`` a project must set (or their environment variables).
REQUIRED = {{ cookiecutter.settings | selectattr("required") | map(attribute="name") | map("upper") | list | py }}


def messages() -> list[checks.CheckMessage]:
    """The integration's system check messages."""
    return [m for m in checks.run_checks() if (m.id or "").startswith("{{ cookiecutter.slug }}.")]


def manage(*args: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the example project's ``manage.py`` with exactly the integration's variables of ``environ``."""
    env = {k: v for k, v in os.environ.items() if k not in KEYS.values() and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "example/manage.py", *args],
        cwd=PACKAGE_ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_passes_with_the_settings() -> None:
    assert messages() == []


def test_check_names_each_missing_setting(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in KEYS.values():
        monkeypatch.delenv(variable, raising=False)
    settings.{{ cookiecutter.config_prefix }} = {}
    missing = sorted(m.msg for m in messages() if m.id == "{{ cookiecutter.slug }}.E001")
    assert missing == sorted(f"settings.{{ cookiecutter.config_prefix }}[{key!r}] is missing" for key in REQUIRED)


def test_check_names_invalid_and_unknown_settings(settings: Any) -> None:
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, "TIMEOUT": "soon", "PRIMARY_COLOR": "red;}", "COLOUR": "red"}
    invalid = [m.msg for m in messages() if m.id == "{{ cookiecutter.slug }}.E002"]
    assert len(invalid) == 3
    assert all(any(key in msg for msg in invalid) for key in ("'TIMEOUT'", "'PRIMARY_COLOR'", "'COLOUR'"))


def test_check_refuses_sessions_in_signed_cookies(settings: Any) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    assert [m.id for m in messages()] == ["{{ cookiecutter.slug }}.E005"]


{% if cookiecutter.settings | selectattr("required") | list -%}
def test_manage_py_check_fails_naming_each_missing_setting() -> None:
    done = manage("check", environ={})
    assert done.returncode == 1
    for key in REQUIRED:
        assert f"settings.{{ cookiecutter.config_prefix }}[{key!r}] is missing" in done.stderr
    assert "{{ cookiecutter.slug }}.E001" in done.stderr


{% endif -%}
def test_manage_py_check_passes_with_the_environment() -> None:
    environ = {KEYS[key]: "set-in-the-environment" for key in REQUIRED}
    done = manage("check", environ=environ)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_migrations_match_the_models() -> None:
    call_command("makemigrations", "{{ cookiecutter.package }}", "--check", "--dry-run", verbosity=0)


def test_pages_are_overridden_the_django_way(settings: Any, tmp_path: Path, browser: Agent) -> None:
    (tmp_path / "{{ cookiecutter.slug }}").mkdir()
{%- if cookiecutter.is_oidc %}
    # The sign-in form is the provider's: the integration's own page is the one after a sign-in that failed.
    (tmp_path / "{{ cookiecutter.slug }}" / "signin.html").write_text("the project's own sign-in page")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    assert browser.get(route("callback")).content == b"the project's own sign-in page"
{%- else %}
    (tmp_path / "{{ cookiecutter.slug }}" / "login.html").write_text("the project's own login page")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    assert browser.get(route("login")).content == b"the project's own login page"
{%- endif %}


def test_pages_show_the_brand_from_settings(settings: Any, browser: Agent) -> None:
    brand = {"BRAND_NAME": "Example <& Co>", "LOGO_URL": "/static/logo.svg", "PRIMARY_COLOR": "#123456"}
    settings.{{ cookiecutter.config_prefix }} = {**settings.{{ cookiecutter.config_prefix }}, **brand}
    page = browser.get(route("{% if cookiecutter.is_oidc %}callback{% else %}login{% endif %}")).content.decode()
    assert 'alt="Example &lt;&amp; Co&gt;"' in page and 'src="/static/logo.svg"' in page
    assert "--primary: #123456;" in page and "<& Co>" not in page


class AdminReport(RolesRequiredMixin, View):
    roles_required = ("report-readers",)

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("report")


@roles_required("report-readers")
def admin_report(request: HttpRequest) -> HttpResponse:
    return HttpResponse("report")


@pytest.mark.parametrize("view", [AdminReport.as_view(), admin_report], ids=["mixin", "decorator"])
def test_roles_required_guards_views(view: Any) -> None:
    factory = RequestFactory()

    def call(user: Any, accept: str) -> HttpResponse:
        request = factory.get("/report", headers={"Accept": accept})
        request.user = user
        return view(request)

    assert call(AnonymousUser(), JSON).status_code == 401
    assert call(AnonymousUser(), "text/html")["Location"].endswith("?next=/report")
    reader = get_user_model().objects.create_user("reader")
    assert call(reader, JSON).status_code == 403
    Group.objects.create(name="report-readers").user_set.add(reader)
    reader = get_user_model().objects.get(pk=reader.pk)
    assert call(reader, "text/html").content == b"report"
