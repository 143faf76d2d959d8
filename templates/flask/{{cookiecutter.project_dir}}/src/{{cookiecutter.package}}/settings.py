"""The integration's settings: read from ``app.config``, checked once at start-up.

Every setting is an ``app.config`` key and falls back to an environment
variable of its own (``{{ cookiecutter.config_prefix }}_*``, read here, not by Flask), so ``from_object``,
``from_prefixed_env()`` (``FLASK_{{ cookiecutter.config_prefix }}_TIMEOUT`` becomes ``{{ cookiecutter.config_prefix }}_TIMEOUT``) and a
plain environment all work. A missing or invalid setting fails ``init_app``
with a message naming each one, instead of failing on the first login.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
{%- if cookiecutter.is_oidc and (cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url) %}
from urllib.parse import quote
{%- endif %}

from . import config

{% if cookiecutter.is_oidc and (cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url) -%}
#: A setting in a link to the provider's pages: ``${service.issuer}``, ``${config.realm}``.
_PLACEHOLDER = re.compile(r"\$\{(service|config)\.([a-z_][a-z0-9_]*)\}")

{% endif -%}
#: What ``{{ cookiecutter.config_prefix }}_PRIMARY_COLOR`` accepts: a hex colour or a CSS colour name, nothing that could end the style sheet.
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,30}")


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid. Raised by ``init_app``, so the app fails at start-up."""


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
    """Everything the integration reads from ``app.config``."""
{% for s in cookiecutter.settings %}
    #: {{ s.description | pycomment }} (``{{ s.config_key }}``, env ``{{ s.env }}``)
    {{ s.attr }}: str{% if not s.required and s.default == "None" %} | None{% endif %}
{%- endfor %}
    #: Seconds to wait for the service (``{{ cookiecutter.config_prefix }}_TIMEOUT``).
    timeout: float
    #: Seconds the cached user is trusted (``{{ cookiecutter.config_prefix }}_SESSION_TTL``).
    session_ttl: float
    #: URL prefix of the routes (``{{ cookiecutter.config_prefix }}_ROUTE_PREFIX``).
    route_prefix: str
{%- if cookiecutter.is_oidc %}
    #: The folder of the server-side sessions, None for one in the app's instance folder (``{{ cookiecutter.config_prefix }}_SESSION_DIR``).
    session_dir: str | None
    #: The Redis that keeps sessions for every instance of the app, None for files on this machine (``{{ cookiecutter.config_prefix }}_REDIS_URL``).
    redis_url: str | None
{%- else %}
    #: The SQLite file of signed-out sessions, None for the app's instance folder (``{{ cookiecutter.config_prefix }}_SIGNED_OUT_DB``).
    signed_out_db: str | None
    #: The Redis that keeps sessions and sign-in counts for every instance of the app, None for this process alone (``{{ cookiecutter.config_prefix }}_REDIS_URL``).
    redis_url: str | None
    #: Failed sign-ins for one username before its sign-in is refused; 0 is off (``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT``).
    login_limit_per_account: int
    #: Failed sign-ins from one client address before its sign-in is refused; 0 is off (``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT``).
    login_limit_per_client: int
    #: Seconds the failed sign-ins are counted for (``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW``).
    login_limit_window: int
{%- endif %}
    #: Protect every POST of the app with Flask-WTF's ``CSRFProtect``, not only the integration's (``{{ cookiecutter.config_prefix }}_CSRF_APP_WIDE``).
    csrf_app_wide: bool
    #: Brand name, logo and colour of the pages (``{{ cookiecutter.config_prefix }}_BRAND_NAME``, ``{{ cookiecutter.config_prefix }}_LOGO_URL``, ``{{ cookiecutter.config_prefix }}_PRIMARY_COLOR``).
    branding: Branding


def load_settings(app_config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Settings:
    """Read the settings from ``app_config``, falling back to ``environ``.

    :raises ConfigurationError: naming every setting that is missing or invalid.
    """
    read = _Reader(app_config, environ)
    settings = Settings(
{%- for s in cookiecutter.settings %}
{%- if s.required %}
        {{ s.attr }}=read.required({{ s.config_key | py }}, env={{ s.env | py }}),
{%- elif s.default != "None" %}
        {{ s.attr }}=read.text({{ s.config_key | py }}, env={{ s.env | py }}, default={{ s.default }}),
{%- else %}
        {{ s.attr }}=read.optional({{ s.config_key | py }}, env={{ s.env | py }}),
{%- endif %}
{%- endfor %}
        timeout=read.seconds("{{ cookiecutter.config_prefix }}_TIMEOUT", default=config.TIMEOUT, minimum=0.001),
        session_ttl=read.seconds("{{ cookiecutter.config_prefix }}_SESSION_TTL", default=config.SESSION_TTL, minimum=0),
        route_prefix=read.route_prefix("{{ cookiecutter.config_prefix }}_ROUTE_PREFIX", default=config.ROUTE_PREFIX),
{%- if cookiecutter.is_oidc %}
        session_dir=read.optional("{{ cookiecutter.config_prefix }}_SESSION_DIR"),
        redis_url=read.optional("{{ cookiecutter.config_prefix }}_REDIS_URL"),
{%- else %}
        signed_out_db=read.optional("{{ cookiecutter.config_prefix }}_SIGNED_OUT_DB"),
        redis_url=read.optional("{{ cookiecutter.config_prefix }}_REDIS_URL"),
        login_limit_per_account=read.count("{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT", default=0, minimum=0),
        login_limit_per_client=read.count("{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT", default=0, minimum=0),
        login_limit_window=read.count("{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW", default=config.LOGIN_LIMIT_WINDOW, minimum=1),
{%- endif %}
        csrf_app_wide=read.flag("{{ cookiecutter.config_prefix }}_CSRF_APP_WIDE", default=False),
        branding=Branding(
            name=read.text("{{ cookiecutter.config_prefix }}_BRAND_NAME", default=config.BRAND_NAME),
            logo_url=read.optional("{{ cookiecutter.config_prefix }}_LOGO_URL"),
            primary_color=read.color("{{ cookiecutter.config_prefix }}_PRIMARY_COLOR", default=config.PRIMARY_COLOR),
        ),
    )
    if not app_config.get("SECRET_KEY"):
        read.problems.append("SECRET_KEY is missing: it signs the session (FLASK_SECRET_KEY with from_prefixed_env())")
    if read.problems:
        raise ConfigurationError({{ (cookiecutter.service_name ~ " is not configured: ") | py }} + "; ".join(read.problems))
    return settings


{% if cookiecutter.is_oidc and (cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url) -%}
def provider_link(template: str, settings: Settings) -> str:
    """A link to one of the provider's pages: ``template`` with its ``${service.<name>}`` and ``${config.<name>}`` filled in.

    The issuer goes in as it is (the link starts with it); every other value is
    percent-encoded, as it lands in a path segment or a query parameter.
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        text = str(getattr(settings, name) or "")
        return text.rstrip("/") if name == "issuer" else quote(text, safe="")

    return _PLACEHOLDER.sub(value, template)


{% endif -%}
class _Reader:
    """Reads settings one by one and collects every problem, so all are reported at once."""

    def __init__(self, app_config: Mapping[str, Any], environ: Mapping[str, str]) -> None:
        self.app_config = app_config
        self.environ = environ
        self.problems: list[str] = []

    def value(self, key: str, env: str | None = None) -> Any:
        """``app.config[key]``, else the environment variable; None when neither is set.

        A setting whose environment variable has another name is also read
        from ``app.config`` under that name, so either name works everywhere.
        """
        for value in (self.app_config.get(key), self.app_config.get(env) if env else None):
            if value is not None and value != "":
                return value
        return self.environ.get(env or key) or None

    def text(self, key: str, *, env: str | None = None, default: str) -> str:
        return str(self.value(key, env) or default)

    def optional(self, key: str, *, env: str | None = None) -> str | None:
        value = self.value(key, env)
        return None if value is None else str(value)

    def required(self, key: str, *, env: str) -> str:
        value = self.value(key, env)
        if value is None:
            self.problems.append(f"{key} is missing (set app.config[{key!r}] or the {env} environment variable)")
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
            self.problems.append(f"{key} must be a number of seconds of at least {minimum:g}, not {value!r}")
            return default
        return seconds

    def count(self, key: str, *, default: int, minimum: int) -> int:
        value = self.value(key)
        if value is None:
            return default
        try:
            count = int(str(value))  # "8" or 8, not 8.5 or True
        except ValueError:
            count = minimum - 1
        if count < minimum:
            self.problems.append(f"{key} must be a whole number of at least {minimum}, not {value!r}")
            return default
        return count

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.value(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        self.problems.append(f"{key} must be true or false, not {value!r}")
        return default

    def route_prefix(self, key: str, *, default: str) -> str:
        prefix = self.text(key, default=default).rstrip("/")
        if prefix and not prefix.startswith("/"):
            self.problems.append(f"{key} must start with '/', not {prefix!r}")
        return prefix

    def color(self, key: str, *, default: str) -> str:
        color = self.text(key, default=default)
        if not _COLOR.fullmatch(color):
            self.problems.append(f"{key} must be a hex colour like '#4f46e5' or a CSS colour name, not {color!r}")
            return default
        return color
