"""Check ``[service]``: name, slug, timeout, and the settings the integration reads.

Settings are ``base_url``, the credentials and ``[service.config]``; each is
read from an environment variable, and no two may share one.  What the section
declares is remembered for the reference checks: the names ``${service.x}``
and ``${config.x}`` may use, and the kind of the credentials.
"""

from __future__ import annotations

import re
from typing import Any

from ..lines import KeyPath
from ..model import Credentials, Oidc, Service, Setting
from .operations import HEADER_TEXT_HINT, unsendable_header_text
from .report import did_you_mean, kind_of, snake_case
from .values import ValueChecks
from .vocabulary import BUILTIN_SETTINGS, CREDENTIAL_KINDS, FIELD, RESERVED, SERVICE_KEYS

_SETTING_KEYS = ("env", "default", "required", "secret", "description")
_CREDENTIAL_ENVS = {"none": (), "bearer": ("env",), "header": ("env",), "basic": ("username_env", "password_env")}
_CREDENTIALS_HINT = 'write { kind = "bearer", env = "ACME_API_KEY" }'
#: Keys of [service] that [service.oidc] replaces, and what to do about them.
_NOT_WITH_OIDC = {
    "base_url": "remove it: the issuer's discovery document says where the provider's endpoints are",
    "credentials": "remove it: the client_id and client_secret of [service.oidc] authenticate the integration",
}
_SLUG = re.compile(r"[a-z][a-z0-9]*\Z")
_ENV = re.compile(r"[A-Z][A-Z0-9_]*\Z")


class ServiceChecks(ValueChecks):
    """The ``[service]`` table and its settings."""

    #: ``[service.oidc]`` as read (:mod:`.oidc`), None when absent or wrong.
    oidc_model: Oidc | None = None

    def service(self, value: Any) -> Service | None:
        path = ("service",)
        oidc = isinstance(value, dict) and "oidc" in value
        t = self.table(value, path, SERVICE_KEYS, ("name", "slug") if oidc else ("name", "slug", "base_url"))
        if not isinstance(value, dict):
            return None
        name = self.service_name(t["name"], (*path, "name")) if "name" in t else None
        slug = self.slug(t["slug"], (*path, "slug")) if "slug" in t else None
        timeout = self.timeout(t.get("timeout_s", 5), (*path, "timeout_s"))
        settings: list[tuple[KeyPath, Setting]] = []
        if oidc:
            self.oidc_model = self.oidc(t["oidc"], settings)
            for key, hint in _NOT_WITH_OIDC.items():
                if key in t:
                    self.problem((*path, key), f"{key} does not apply beside [service.oidc]", hint)
        elif "base_url" in t:
            self.base_url(t["base_url"], settings)
        credentials = self.credentials(None if oidc else t.get("credentials"), settings)
        if "credentials" in t.misspelt:
            credentials = None
        builtin = ("base_url", *credentials.setting_names) if credentials else None
        self.service_names = set(builtin) if builtin is not None else None
        self.credentials_kind = credentials.kind if credentials else None
        config_names = self.config(t.get("config", {}), credentials, settings)
        if "config" in t.misspelt:
            self.config_names = None
        if oidc:
            self.oidc_model = self.oidc_links(self.oidc_model)
        self.unique_envs(settings)
        if name is None or slug is None or timeout is None or credentials is None:
            return None
        if (self.oidc_model is None or "base_url" in t or "credentials" in t) if oidc else "base_url" not in t:
            return None
        return Service(name, slug, float(timeout), credentials, tuple(s for _, s in settings), config_names)

    def service_name(self, value: Any, path: KeyPath) -> str | None:
        name = self.typed(value, path, str, "text", 'e.g. name = "Acme Identity"')
        if name is not None and not name.strip():
            self.problem(path, "the service name is empty", 'e.g. name = "Acme Identity"')
            return None
        return name

    def slug(self, value: Any, path: KeyPath) -> str | None:
        slug = self.typed(value, path, str, "text", 'e.g. slug = "acme"')
        if slug is None:
            return None
        if slug in RESERVED or slug.capitalize() in RESERVED:
            self.problem(
                path,
                f"slug {slug!r} is a reserved word in a target language",
                f"choose another slug, e.g. {slug + 'id'!r}",
            )
            return None
        if not _SLUG.match(slug):
            fixed = re.sub(r"[^a-z0-9]", "", slug.lower()).lstrip("0123456789")
            example = f", e.g. {fixed!r}" if fixed and fixed not in RESERVED else ""
            message = f"slug {slug!r} is not a valid identifier in every target language"
            self.problem(path, message, f"use lowercase letters and digits, starting with a letter{example}")
            return None
        return slug

    def timeout(self, value: Any, path: KeyPath) -> float | None:
        timeout = self.typed(value, path, (int, float), "a number of seconds", "e.g. timeout_s = 5, no quotes")
        if timeout is not None and not 0 < timeout <= 300:
            self.problem(path, f"timeout {timeout} is out of range", "use a number of seconds above 0, at most 300")
            return None
        return timeout

    def base_url(self, value: Any, settings: list[tuple[KeyPath, Setting]]) -> None:
        path = ("service", "base_url")
        setting = self.setting(value, path, "base_url")
        if setting is None:
            return
        if setting.default is not None and not re.match(r"https?://[^/\s]", setting.default):
            self.problem(
                (*path, "default"), f"{setting.default!r} is not an http(s) URL", "e.g. https://id.acme.example"
            )
        if setting.default is None and not setting.required:
            setting = Setting(setting.name, setting.env, None, True, setting.secret, setting.description)
        settings.append(((*path, "env"), setting))

    def setting(self, value: Any, path: KeyPath, name: str) -> Setting | None:
        """A ``{ env = ..., default = ..., required = ..., secret = ..., description = ... }`` table."""
        example = f'write {{ env = "ACME_{name.upper()}", default = "..." }}'
        t = self.table(value, path, _SETTING_KEYS, ("env",), example)
        env = self.env(t["env"], (*path, "env")) if "env" in t else None
        default = self.setting_default(t, path)
        required = self.typed(t.get("required", False), (*path, "required"), bool, "true or false")
        secret = self.typed(t.get("secret", False), (*path, "secret"), bool, "true or false")
        description = self.typed(t.get("description", ""), (*path, "description"), str, "text") or ""
        if required and default is not None:
            self.problem((*path, "required"), "a required setting cannot have a default", "drop one of the two")
        if env is None:
            return None
        return Setting(name, env, default, bool(required), bool(secret), description)

    def setting_default(self, t: dict, path: KeyPath) -> str | None:
        default = t.get("default")
        if default is None or isinstance(default, str):
            return default
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            return str(default)
        self.problem((*path, "default"), f"expected text, got {kind_of(default)}", 'e.g. default = "..."')
        return None

    def env(self, value: Any, path: KeyPath) -> str | None:
        env = self.typed(value, path, str, "an environment variable name", 'e.g. env = "ACME_BASE_URL"')
        if env is None:
            return None
        if not _ENV.match(env):
            fixed = re.sub(r"[^A-Z0-9]+", "_", env.upper()).strip("_")
            hint = f"write {fixed!r}" if _ENV.match(fixed) else "use UPPER_SNAKE_CASE, e.g. ACME_BASE_URL"
            self.problem(path, f"environment variable {env!r} is not UPPER_SNAKE_CASE", hint)
            return None
        return env

    def credentials(self, value: Any, settings: list[tuple[KeyPath, Setting]]) -> Credentials | None:
        """The service credentials; None when their kind cannot be known."""
        path = ("service", "credentials")
        if value is None:
            return Credentials("none")
        if not isinstance(value, dict):
            self.problem(path, f"expected a table, got {kind_of(value)}", _CREDENTIALS_HINT)
            return None
        keys = ("kind", "env", "username_env", "password_env", "header", "prefix")
        t = self.table(value, path, keys, ("kind",), _CREDENTIALS_HINT)
        if "kind" not in t:
            return None
        kind = t["kind"]
        if kind not in CREDENTIAL_KINDS:
            hint = did_you_mean(kind, CREDENTIAL_KINDS)
            self.problem((*path, "kind"), f"unknown credentials kind {kind!r}", hint)
            return None
        needed = _CREDENTIAL_ENVS[kind]
        for key in needed:
            if key not in t and key not in t.misspelt:
                self.missing(path, key)
        for key in ("env", "username_env", "password_env", "header", "prefix"):
            applies = key in needed or (kind == "header" and key in ("header", "prefix"))
            if key in t and not applies:
                self.problem((*path, key), f"{key!r} does not apply to credentials of kind {kind!r}", "remove it")
        header = self.header_name(t.get("header", "Authorization"), (*path, "header"))
        prefix = self.typed(t.get("prefix", ""), (*path, "prefix"), str, "text", 'e.g. prefix = "SSWS "')
        what = unsendable_header_text(prefix) if prefix else None
        if what is not None:
            self.problem((*path, "prefix"), f"prefix holds {what}, which no HTTP client can send", HEADER_TEXT_HINT)
            prefix = None
        credentials = Credentials(kind, header or "Authorization", prefix or "")
        for setting_name, key in zip(credentials.setting_names, needed, strict=True):
            env = self.env(t[key], (*path, key)) if key in t else None
            if env is not None:
                setting = Setting(setting_name, env, None, True, True, f"{kind} credential for the service")
                settings.append(((*path, key), setting))
        return credentials

    def config(
        self, value: Any, credentials: Credentials | None, settings: list[tuple[KeyPath, Setting]]
    ) -> tuple[str, ...]:
        """The ``[service.config]`` settings; returns their names."""
        path = ("service", "config")
        hint = 'write [service.config] with entries such as app_id = { env = "ACME_APP_ID" }'
        if self.typed(value, path, dict, "a table", hint) is None:
            return ()
        self.config_names = set(value)
        builtin = (*BUILTIN_SETTINGS, *(credentials.setting_names if credentials else ()))
        names = []
        for key, item in value.items():
            kpath = (*path, key)
            if key in builtin:
                self.problem(kpath, f"{key!r} is already a setting of every integration", "choose another name")
            elif not FIELD.match(key):
                self.problem(kpath, f"setting name {key!r} is not snake_case", f"rename it, e.g. {snake_case(key)!r}")
            elif key in RESERVED:
                self.problem(
                    kpath,
                    f"setting name {key!r} is a reserved word in a target language",
                    f"rename it, e.g. '{key}_id'",
                )
            elif setting := self.setting(item, kpath, key):
                settings.append(((*kpath, "env"), setting))
                names.append(key)
        return tuple(names)

    def unique_envs(self, settings: list[tuple[KeyPath, Setting]]) -> None:
        seen: dict[str, str] = {}
        for path, setting in settings:
            if setting.env in seen:
                message = f"environment variable {setting.env} is also used by the {seen[setting.env]} setting"
                self.problem(path, message, "give each setting its own variable")
            seen.setdefault(setting.env, setting.name)
