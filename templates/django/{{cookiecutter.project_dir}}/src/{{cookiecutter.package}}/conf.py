"""The integration's settings: one dict, ``settings.{{ cookiecutter.config_prefix }}``, with environment variables as fallback.

Every key falls back to an environment variable, so a deployment can
configure the integration from the environment alone. ``manage.py check``
reports each missing or invalid setting (:mod:`.checks`); code that needs
the settings calls :func:`get_settings`, which refuses to run with a
broken configuration rather than fail on the first sign-in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from . import defaults

#: Every key of ``settings.{{ cookiecutter.config_prefix }}``, with the environment variable it falls back to.
KEYS = {
{%- for s in cookiecutter.settings %}
    {{ (s.name | upper) | py }}: {{ s.env | py }},
{%- endfor %}
    "TIMEOUT": "{{ cookiecutter.config_prefix }}_TIMEOUT",
    "SESSION_TTL": "{{ cookiecutter.config_prefix }}_SESSION_TTL",
    "USER_CACHE_TIMEOUT": "{{ cookiecutter.config_prefix }}_USER_CACHE_TIMEOUT",
{%- if not cookiecutter.is_oidc %}
    "LOGIN_LIMIT_PER_ACCOUNT": "{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT",
{%- endif %}
{%- if not cookiecutter.is_oidc %}
    "LOGIN_LIMIT_PER_CLIENT": "{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT",
{%- endif %}
{%- if not cookiecutter.is_oidc %}
    "LOGIN_LIMIT_WINDOW": "{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW",
{%- endif %}
    "BRAND_NAME": "{{ cookiecutter.config_prefix }}_BRAND_NAME",
    "LOGO_URL": "{{ cookiecutter.config_prefix }}_LOGO_URL",
    "PRIMARY_COLOR": "{{ cookiecutter.config_prefix }}_PRIMARY_COLOR",
}

#: What ``PRIMARY_COLOR`` accepts: a hex colour or a CSS colour name, nothing that could end the style sheet.
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,30}")
#: What ``LOGO_URL`` accepts: an http(s) URL or a path on this site.
_LOGO_URL = re.compile(r"(?:https?://|/)[^\s\"'<>\\]*")


@dataclass(frozen=True)
class Problem:
    """One missing or invalid setting, as :mod:`.checks` reports it."""

    #: The key in ``settings.{{ cookiecutter.config_prefix }}`` (empty when the dict itself is wrong).
    key: str
    message: str
    hint: str
    #: ``missing`` or ``invalid``; the checks give each its own id.
    kind: str


@dataclass(frozen=True)
class Branding:
    """What the pages show: safe to hand to templates, unlike :class:`Settings`."""

    #: The name at the top of the pages and in their titles.
    name: str
    #: An image shown instead of the name, when set.
    logo_url: str | None
    #: The colour of buttons, links and focus rings.
    primary_color: str


@dataclass(frozen=True)
class Settings:
    """Everything the integration reads from ``settings.{{ cookiecutter.config_prefix }}`` and the environment."""
{% for s in cookiecutter.settings %}
    #: {{ s.description | pycomment }} (``{{ s.name | upper }}``, env ``{{ s.env }}``)
    {{ s.attr }}: str{% if not s.required and s.default == "None" %} | None{% endif %}
{%- endfor %}
    #: Seconds to wait for the service (``TIMEOUT``).
    timeout: float
    #: Seconds the signed-in user is trusted before the service is asked again (``SESSION_TTL``).
    session_ttl: float
    #: Seconds a process may serve the local user from Django's cache (``USER_CACHE_TIMEOUT``, 0: off).
    user_cache_timeout: float
{%- if not cookiecutter.is_oidc %}
    #: Failed sign-ins of one username within the window before it is refused (``LOGIN_LIMIT_PER_ACCOUNT``, 0: off).
{%- endif %}
{%- if not cookiecutter.is_oidc %}
    login_limit_per_account: int
{%- endif %}
{%- if not cookiecutter.is_oidc %}
    #: Failed sign-ins from one client address within the window before it is refused (``LOGIN_LIMIT_PER_CLIENT``, 0: off).
{%- endif %}
{%- if not cookiecutter.is_oidc %}
    login_limit_per_client: int
{%- endif %}
{%- if not cookiecutter.is_oidc %}
    #: Seconds failed sign-ins are counted for (``LOGIN_LIMIT_WINDOW``).
{%- endif %}
{%- if not cookiecutter.is_oidc %}
    login_limit_window: float
{%- endif %}
    #: Brand name, logo and colour of the pages (``BRAND_NAME``, ``LOGO_URL``, ``PRIMARY_COLOR``).
    branding: Branding


def read_settings(
    configured: Any = None, environ: Mapping[str, str] = os.environ
) -> tuple[Settings, list[Problem]]:
    """Read the settings from ``configured`` (default: ``settings.{{ cookiecutter.config_prefix }}``), falling back to ``environ``.

    :return: the settings, and every problem found; the settings are only
        usable when there is none.
    """
    if configured is None:
        configured = getattr(django_settings, defaults.SETTING, {})
    read = _Reader(configured, environ)
    settings = Settings(
{%- for s in cookiecutter.settings %}
{%- if s.required %}
        {{ s.attr }}=read.required({{ (s.name | upper) | py }}),
{%- elif s.default != "None" %}
        {{ s.attr }}=read.text({{ (s.name | upper) | py }}, default={{ s.default }}),
{%- else %}
        {{ s.attr }}=read.optional({{ (s.name | upper) | py }}),
{%- endif %}
{%- endfor %}
        timeout=read.seconds("TIMEOUT", default=defaults.TIMEOUT, minimum=0.001),
        session_ttl=read.seconds("SESSION_TTL", default=defaults.SESSION_TTL, minimum=0),
        user_cache_timeout=read.seconds("USER_CACHE_TIMEOUT", default=defaults.USER_CACHE_TIMEOUT, minimum=0),
{%- if not cookiecutter.is_oidc %}
        login_limit_per_account=read.count("LOGIN_LIMIT_PER_ACCOUNT", default=defaults.LOGIN_LIMIT_PER_ACCOUNT),
{%- endif %}
{%- if not cookiecutter.is_oidc %}
        login_limit_per_client=read.count("LOGIN_LIMIT_PER_CLIENT", default=defaults.LOGIN_LIMIT_PER_CLIENT),
{%- endif %}
{%- if not cookiecutter.is_oidc %}
        login_limit_window=read.seconds("LOGIN_LIMIT_WINDOW", default=defaults.LOGIN_LIMIT_WINDOW, minimum=1),
{%- endif %}
        branding=Branding(
            name=read.text("BRAND_NAME", default=defaults.BRAND_NAME),
            logo_url=read.logo_url("LOGO_URL"),
            primary_color=read.color("PRIMARY_COLOR", default=defaults.PRIMARY_COLOR),
        ),
    )
    return settings, read.problems


@cache
def get_settings() -> Settings:
    """The settings, read once per process (again after ``override_settings``).

    :raises ImproperlyConfigured: naming every setting that is missing or invalid.
    """
    settings, problems = read_settings()
    if problems:
        raise ImproperlyConfigured(
            {{ (cookiecutter.service_name ~ " is not configured: ") | py }} + "; ".join(p.message for p in problems)
        )
    return settings


def reload(*, setting: str, **kwargs: Any) -> None:
    """Forget the settings read so far when ``settings.{{ cookiecutter.config_prefix }}`` changes (the ``setting_changed`` signal)."""
    if setting == defaults.SETTING:
        get_settings.cache_clear()


class _Reader:
    """Reads settings one by one and collects every problem, so all are reported at once."""

    def __init__(self, configured: Any, environ: Mapping[str, str]) -> None:
        self.problems: list[Problem] = []
        self.environ = environ
        if not isinstance(configured, Mapping):
            self._problem(
                "",
                f"settings.{defaults.SETTING} must be a dict, not {type(configured).__name__}",
                "make it a dict with the keys " + ", ".join(KEYS),
                "invalid",
            )
            configured = {}
        self.configured = configured
        for key in sorted(set(configured) - set(KEYS), key=str):
            self._problem(
                str(key),
                f"settings.{defaults.SETTING} has an unknown key {key!r}",
                "the keys are " + ", ".join(KEYS),
                "invalid",
            )

    def value(self, key: str) -> Any:
        """``settings.{{ cookiecutter.config_prefix }}[key]``, else its environment variable; None when neither is set."""
        value = self.configured.get(key)
        if value is None or value == "":
            value = self.environ.get(KEYS[key]) or None
        return value

    def text(self, key: str, *, default: str) -> str:
        return str(self.value(key) or default)

    def optional(self, key: str) -> str | None:
        value = self.value(key)
        return None if value is None else str(value)

    def required(self, key: str) -> str:
        value = self.value(key)
        if value is None:
            self._problem(
                key,
                f"settings.{defaults.SETTING}[{key!r}] is missing",
                f"set it in settings.{defaults.SETTING} or the {KEYS[key]} environment variable",
                "missing",
            )
            return ""
        return str(value)

    def seconds(self, key: str, *, default: float, minimum: float) -> float:
        value = self.value(key)
        if value is None:
            return default
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = float("nan")
        if not seconds >= minimum:  # also catches NaN
            self._problem(
                key,
                f"settings.{defaults.SETTING}[{key!r}] must be a number of seconds"
                f" (at least {minimum:g}), not {value!r}",
                f"for example {default:g}",
                "invalid",
            )
            return default
        return seconds

    def count(self, key: str, *, default: int) -> int:
        value = self.value(key)
        if value is None:
            return default
        try:
            count = int(value)
        except (TypeError, ValueError):
            count = -1
        if count < 0 or isinstance(value, (bool, float)):
            self._problem(
                key,
                f"settings.{defaults.SETTING}[{key!r}] must be a whole number (at least 0), not {value!r}",
                "for example 10, or 0 for no limit",
                "invalid",
            )
            return default
        return count

    def color(self, key: str, *, default: str) -> str:
        color = self.text(key, default=default)
        if not _COLOR.fullmatch(color):
            self._problem(
                key,
                f"settings.{defaults.SETTING}[{key!r}] must be a hex colour or a CSS colour name, not {color!r}",
                f"for example {default!r}",
                "invalid",
            )
            return default
        return color

    def logo_url(self, key: str) -> str | None:
        url = self.optional(key)
        if url is not None and not _LOGO_URL.fullmatch(url):
            self._problem(
                key,
                f"settings.{defaults.SETTING}[{key!r}] must be an http(s) URL or a path starting with '/', not {url!r}",
                "for example 'https://example.com/logo.svg' or '/static/logo.svg'",
                "invalid",
            )
            return None
        return url

    def _problem(self, key: str, message: str, hint: str, kind: str) -> None:
        self.problems.append(Problem(key, message, hint, kind))
