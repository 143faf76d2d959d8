"""System checks: ``manage.py check`` (and ``runserver``, ``migrate``) name each setting that is missing or wrong.

Errors stop the project from starting; warnings point at a setting that
works against the integration.

=================  ==========================================================
``{{ cookiecutter.slug }}.E001``        a required key of ``settings.{{ cookiecutter.config_prefix }}`` is missing
``{{ cookiecutter.slug }}.E002``        a key of ``settings.{{ cookiecutter.config_prefix }}`` is invalid or unknown
``{{ cookiecutter.slug }}.E003``        the backend is not in ``AUTHENTICATION_BACKENDS``
``{{ cookiecutter.slug }}.E004``        the middleware is missing, or before ``AuthenticationMiddleware``
``{{ cookiecutter.slug }}.E005``        sessions are stored in signed cookies, which would give the browser the service's tokens
``{{ cookiecutter.slug }}.W001``        ``LOGIN_URL`` is not the integration's login page
``{{ cookiecutter.slug }}.W002``        ``CSRF_FAILURE_VIEW`` does not answer API clients in JSON
``{{ cookiecutter.slug }}.W003``        the CSRF cookie is readable by scripts
{%- if not cookiecutter.is_oidc %}
``{{ cookiecutter.slug }}.W004``        sign-in limits are set, but the cache they count in keeps nothing
{%- endif %}
=================  ==========================================================
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks import CheckMessage, Error
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse

from . import defaults
from .conf import read_settings
{%- if not cookiecutter.is_oidc %}
from .throttle import CACHE_ALIAS
{%- endif %}

BACKEND = "{{ cookiecutter.package }}.backends.{{ cookiecutter.class_name }}Backend"
MIDDLEWARE = "{{ cookiecutter.package }}.middleware.{{ cookiecutter.class_name }}Middleware"
AUTHENTICATION_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
CSRF_FAILURE_VIEW = "{{ cookiecutter.package }}.views.csrf_failure"
SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """One error per missing or invalid key of ``settings.{{ cookiecutter.config_prefix }}``."""
    _, problems = read_settings()
    ids = {"missing": "{{ cookiecutter.slug }}.E001", "invalid": "{{ cookiecutter.slug }}.E002"}
    return [Error(p.message, hint=p.hint, obj=f"settings.{defaults.SETTING}", id=ids[p.kind]) for p in problems]


def check_setup(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Errors for a project that cannot sign users in safely; warnings for settings that work against it."""
    messages: list[CheckMessage] = []
    if BACKEND not in settings.AUTHENTICATION_BACKENDS:
        messages.append(
            Error(
                f"{BACKEND} is not in AUTHENTICATION_BACKENDS",
                hint=f'add "{BACKEND}" to AUTHENTICATION_BACKENDS',
                id="{{ cookiecutter.slug }}.E003",
            )
        )
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:
        messages.append(
            Error(
                f"{MIDDLEWARE} is not in MIDDLEWARE",
                hint=f'add "{MIDDLEWARE}" right after "{AUTHENTICATION_MIDDLEWARE}"',
                id="{{ cookiecutter.slug }}.E004",
            )
        )
    elif AUTHENTICATION_MIDDLEWARE not in middleware[: middleware.index(MIDDLEWARE)]:
        messages.append(
            Error(
                f"{MIDDLEWARE} must come after {AUTHENTICATION_MIDDLEWARE} in MIDDLEWARE",
                hint="it reads request.user, which AuthenticationMiddleware sets",
                id="{{ cookiecutter.slug }}.E004",
            )
        )
    if settings.SESSION_ENGINE == SIGNED_COOKIES:
        messages.append(
            Error(
                "SESSION_ENGINE stores sessions in signed cookies, which the browser can read",
                hint="the session holds the service's tokens: use the database, cache or file engine",
                id="{{ cookiecutter.slug }}.E005",
            )
        )
    messages += _warnings()
    return messages


def _warnings() -> list[CheckMessage]:
    warnings: list[CheckMessage] = []
    try:
        login = reverse(f"{defaults.URL_NAMESPACE}:login")
    except NoReverseMatch:
        login = None
    if login is not None and resolve_url(settings.LOGIN_URL) != login:
        warnings.append(
            checks.Warning(
                f"LOGIN_URL is {settings.LOGIN_URL!r}: login_required sends users elsewhere than {login}",
                hint=f'set LOGIN_URL = "{defaults.URL_NAMESPACE}:login"',
                id="{{ cookiecutter.slug }}.W001",
            )
        )
    if settings.CSRF_FAILURE_VIEW != CSRF_FAILURE_VIEW:
        warnings.append(
            checks.Warning(
                "CSRF_FAILURE_VIEW answers a CSRF failure with an HTML page, also to API clients",
                hint=f'set CSRF_FAILURE_VIEW = "{CSRF_FAILURE_VIEW}" for a JSON error body',
                id="{{ cookiecutter.slug }}.W002",
            )
        )
    if not settings.CSRF_COOKIE_HTTPONLY:
        warnings.append(
            checks.Warning(
                "the CSRF cookie is readable by scripts (CSRF_COOKIE_HTTPONLY is False)",
                hint="set CSRF_COOKIE_HTTPONLY = True; scripts get the token from the csrf route",
                id="{{ cookiecutter.slug }}.W003",
            )
        )
{%- if not cookiecutter.is_oidc %}
    limits, _ = read_settings()
    limited = limits.login_limit_per_account or limits.login_limit_per_client
    if limited and settings.CACHES.get(CACHE_ALIAS, {}).get("BACKEND") == DUMMY_CACHE:
        warnings.append(
            checks.Warning(
                f"the sign-in limits count failures in the {CACHE_ALIAS!r} cache, which is a DummyCache:"
                " nobody is ever refused",
                hint=f"give CACHES[{CACHE_ALIAS!r}] a cache that keeps values (local memory, Redis, Memcached)",
                id="{{ cookiecutter.slug }}.W004",
            )
        )
{%- endif %}
    return warnings
