"""The integration's settings: ``{{ cookiecutter.config_prefix }}_*`` environment variables, read and checked once at start-up.

:class:`{{ cookiecutter.class_name }}Settings` is a pydantic-settings model: each field is read from the
environment variable of its name with the ``{{ cookiecutter.config_prefix }}_`` prefix (``session_ttl`` from
``{{ cookiecutter.config_prefix }}_SESSION_TTL``), unless the app passes the settings in code. A missing or
invalid setting fails :class:`~.extension.{{ cookiecutter.class_name }}` with a :class:`ConfigurationError`
naming each one, instead of failing on the first login.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import config

#: What ``{{ cookiecutter.config_prefix }}_PRIMARY_COLOR`` accepts: a hex colour or a CSS colour name, nothing that could end the style sheet.
_COLOR = r"^(?:#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,30})$"

#: The schemes of the URLs ``redis.asyncio.Redis.from_url`` reads.
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid. Raised when the integration is added to the app, so the app fails at start-up."""


@dataclass(frozen=True)
class Branding:
    """What the pages show: safe to hand to templates, unlike :class:`{{ cookiecutter.class_name }}Settings`."""

    #: The name at the top of the pages and in their titles.
    name: str
    #: An image shown instead of the name, when set.
    logo_url: str | None
    #: The colour of buttons, links and focus rings.
    primary_color: str


class {{ cookiecutter.class_name }}Settings(BaseSettings):
    """Everything the integration reads from the environment (or from the app, passed in code)."""

    model_config = SettingsConfigDict(
        env_prefix=config.ENV_PREFIX,
        # An empty variable counts as unset, as an unset one.
        env_ignore_empty=True,
        # Fields whose variable has another name are also given in code by their field name.
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )
{% for s in cookiecutter.settings %}
    #: {{ s.description | pycomment }} (``{{ s.env }}``{% if s.secret %}, secret{% endif %})
{%- set alias = s.env != cookiecutter.config_prefix ~ "_" ~ (s.attr | upper) %}
{%- if s.required %}
    {{ s.attr }}: str{% if alias or s.secret %} = Field({% if alias %}validation_alias={{ s.env | py }}{% endif %}{% if alias and s.secret %}, {% endif %}{% if s.secret %}repr=False{% endif %}){% endif %}
{%- elif s.default != "None" %}
    {{ s.attr }}: str = {% if alias or s.secret %}Field(default={{ s.default }}{% if alias %}, validation_alias={{ s.env | py }}{% endif %}{% if s.secret %}, repr=False{% endif %}){% else %}{{ s.default }}{% endif %}
{%- else %}
    {{ s.attr }}: str | None = {% if alias or s.secret %}Field(default=None{% if alias %}, validation_alias={{ s.env | py }}{% endif %}{% if s.secret %}, repr=False{% endif %}){% else %}None{% endif %}
{%- endif %}
{%- endfor %}
    #: Signs the session cookie: a long random text, the same on every instance of the app (``{{ cookiecutter.config_prefix }}_SECRET_KEY``, secret).
    secret_key: str = Field(min_length=1, repr=False)
    #: Seconds to wait for the service (``{{ cookiecutter.config_prefix }}_TIMEOUT``).
    timeout: float = Field(default=config.TIMEOUT, ge=0.001, allow_inf_nan=False)
    #: Seconds the cached user is trusted (``{{ cookiecutter.config_prefix }}_SESSION_TTL``).
    session_ttl: float = Field(default=config.SESSION_TTL, ge=0, allow_inf_nan=False)
    #: URL prefix of the routes (``{{ cookiecutter.config_prefix }}_ROUTE_PREFIX``).
    route_prefix: str = config.ROUTE_PREFIX
    #: Send the session cookie over HTTPS only: set it when the site is served over HTTPS (``{{ cookiecutter.config_prefix }}_COOKIE_SECURE``).
    cookie_secure: bool = False
    #: The SQLite file of the sessions, None for one in a private folder of the temporary folder (``{{ cookiecutter.config_prefix }}_SESSION_DB``).
    session_db: str | None = None
    #: The Redis that keeps sessions and sign-in counts for every instance of the app, None for this machine alone (``{{ cookiecutter.config_prefix }}_REDIS_URL``).
    redis_url: str | None = Field(default=None, repr=False)
    #: Failed sign-ins for one username before its sign-in is refused; 0 is off (``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT``).
    login_limit_per_account: int = Field(default=0, ge=0)
    #: Failed sign-ins from one client address before its sign-in is refused; 0 is off (``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT``).
    login_limit_per_client: int = Field(default=0, ge=0)
    #: Seconds the failed sign-ins are counted for (``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW``).
    login_limit_window: int = Field(default=config.LOGIN_LIMIT_WINDOW, ge=1)
    #: The name at the top of the pages (``{{ cookiecutter.config_prefix }}_BRAND_NAME``).
    brand_name: str = config.BRAND_NAME
    #: An image shown instead of the name (``{{ cookiecutter.config_prefix }}_LOGO_URL``).
    logo_url: str | None = None
    #: The colour of buttons, links and focus rings: a hex colour or a CSS colour name (``{{ cookiecutter.config_prefix }}_PRIMARY_COLOR``).
    primary_color: str = Field(default=config.PRIMARY_COLOR, pattern=_COLOR)

    @field_validator("route_prefix")
    @classmethod
    def _route_prefix(cls, prefix: str) -> str:
        prefix = prefix.rstrip("/")
        if prefix and not prefix.startswith("/"):
            raise ValueError("must start with '/'")
        return prefix

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, url: str | None) -> str | None:
        # Checked here: a URL Redis cannot read would otherwise fail at the first sign-in, not at start-up.
        if url is not None and not url.startswith(_REDIS_SCHEMES):
            raise ValueError("must be a Redis URL: redis://host:6379/0, rediss://... or unix://...")
        return url

    @property
    def branding(self) -> Branding:
        """The name, logo and colour of the pages."""
        return Branding(name=self.brand_name, logo_url=self.logo_url, primary_color=self.primary_color)


def load_settings() -> {{ cookiecutter.class_name }}Settings:
    """Read the settings from the environment.

    :raises ConfigurationError: naming every setting that is missing or invalid.
    """
    try:
        return {{ cookiecutter.class_name }}Settings()
    except ValidationError as err:
        raise ConfigurationError(describe(err)) from None


def describe(error: ValidationError) -> str:
    """One line naming each setting ``error`` found missing or invalid, by its environment variable.

    The value of a secret setting is never repeated.
    """
    fields = {{ cookiecutter.class_name }}Settings.model_fields
    problems = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        field = fields.get(name) or next((f for f in fields.values() if f.validation_alias == name), None)
        variable = _variable(name, field.validation_alias if field else None)
        if problem["type"] == "missing":
            problems.append(f"{variable} is missing")
        elif field is not None and field.repr:
            problems.append(f"{variable} {_lower_first(problem['msg'])}, not {problem['input']!r}")
        else:
            problems.append(f"{variable} {_lower_first(problem['msg'])}")
    return {{ (cookiecutter.service_name ~ " is not configured: ") | py }} + "; ".join(problems)


def _variable(name: str, alias: Any) -> str:
    """The environment variable of a field: its alias when it has one, else the prefix and its name."""
    if isinstance(alias, str):
        return alias
    return name if name.startswith(config.ENV_PREFIX) else config.ENV_PREFIX + name.upper()


def _lower_first(message: str) -> str:
    """Pydantic's "Input should be ..." as the end of a sentence: "input should be ..."; our own checks' words as they are."""
    message = message.removeprefix("Value error, ")
    return message[:1].lower() + message[1:]
