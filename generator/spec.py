"""Load a spec file, validate all of it, and build the typed model.

Validation collects every problem before it fails, so a user fixes a spec in
one pass: each problem names the file, the line, the key path, what is wrong
and a hint that says how to fix it.  One mistake is reported once: what a
section declares (setting names, field names, extract names) is remembered
even when the section has problems, so later checks do not repeat them.
"""

from __future__ import annotations

import difflib
import hashlib
import keyword
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import expr
from .errors import Problem, SpecError
from .lines import KeyPath, LineIndex, format_path
from .model import (
    ERROR_KINDS,
    FIELD_TYPES,
    LOGIN_INPUTS,
    OPERATIONS,
    REQUIRED_OPERATIONS,
    USER_EXTRACT,
    ActiveRule,
    Auth,
    Credentials,
    ErrorRule,
    Field,
    Mapping,
    Operation,
    Service,
    Setting,
    Spec,
    Step,
)
from .targets import TARGETS

#: The spec schema this version of authgen reads.
SCHEMA = 1

#: The bundled default spec, used when none is given.
DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "examples" / "acme" / "identity.toml"

#: Words that cannot be a slug or a field name in some target language.
RESERVED = frozenset(keyword.kwlist) | frozenset(
    """abstract arguments await boolean break byte case catch char class const continue debugger default
    delete do double else enum eval export extends false final finally float for function goto if implements
    import in instanceof int interface let long native new null package private protected public return short
    static super switch synchronized this throw throws transient true try typeof var void volatile while with
    yield base bool checked decimal delegate event explicit extern fixed foreach implicit internal is lock
    namespace object operator out override params readonly ref sbyte sealed sizeof stackalloc string struct
    uint ulong unchecked unsafe ushort using virtual record assert strictfp""".split()
)

#: Names a user field cannot take because the framework user objects already use them.
RESERVED_FIELDS = frozenset(
    {"is_active", "is_authenticated", "is_anonymous", "get_id", "password", "pk", "session", "to_dict", "from_record"}
)

#: Settings every integration has; ``[service.config]`` cannot reuse their names.
BUILTIN_SETTINGS = (
    "base_url",
    "api_key",
    "api_username",
    "api_password",
    "timeout",
    "retries",
    "session_ttl",
    "route_prefix",
    "branding",
    "brand_name",
    "logo_url",
    "primary_color",
)

#: The top-level keys of a spec, and those it must have.
TOP_KEYS = ("schema", "service", "operations", "user", "mapping", "targets")
REQUIRED_TOP = ("schema", "service", "operations", "user", "mapping")

_SERVICE_KEYS = ("name", "slug", "base_url", "timeout_s", "credentials", "config")
_SETTING_KEYS = ("env", "default", "required", "secret", "description")
_CREDENTIAL_KINDS = ("none", "bearer", "basic", "header")
_CREDENTIAL_ENVS = {"none": (), "bearer": ("env",), "header": ("env",), "basic": ("username_env", "password_env")}
_CREDENTIALS_HINT = 'write { kind = "bearer", env = "ACME_API_KEY" }'
_STEP_KEYS = ("method", "path", "query", "headers", "json", "form", "auth", "ok", "errors", "extract")
_FIELD_KEYS = ("type", "from", "optional", "values", "description")
_MAPPED = ("id", "username", "email", "first_name", "last_name", "roles")
_MAPPING_KEYS = (*_MAPPED, "active", "admin_roles", "staff_roles")
#: Field types each mapped attribute accepts.
_MAPPED_TYPES = {
    "id": ("string", "int"),
    "username": ("string", "email"),
    "email": ("email", "string"),
    "first_name": ("string",),
    "last_name": ("string",),
    "roles": ("list<string>",),
}
#: Canonical attributes computed from others: no spec field may take their names.
_COMPUTED = ("is_staff", "is_admin")

_SLUG = re.compile(r"[a-z][a-z0-9]*\Z")
_FIELD = re.compile(r"[a-z][a-z0-9_]*\Z")
_ENV = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_HEADER = re.compile(r"[A-Za-z0-9-]+\Z")
_STATUS = re.compile(r"[1-5][0-9][0-9]\Z")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_AUTH_WORDS = ("none", "service")
_AUTH_HINT = 'use "none", "service", { bearer = "..." } or { basic = { username = "...", password = "..." } }'
_JAVA_PACKAGE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\Z")
_DOTNET_NAMESPACE = re.compile(r"[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*\Z")
_PY_PACKAGE = re.compile(r"[a-z_][a-z0-9_]*\Z")
_DISTRIBUTION = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\Z")
_NPM_PACKAGE = re.compile(r"(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*\Z")
_ARTIFACT = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")

#: Where keys that belong to one table only are written, for misplaced keys.
_HOMES = {
    **{key: "[service]" for key in _SERVICE_KEYS},
    **{key: "steps" for key in _STEP_KEYS},
    **{key: "[mapping]" for key in ("active", "admin_roles", "staff_roles", "first_name", "last_name", "roles")},
    **{key: "[targets]" for key in ("enabled", *TARGETS)},
}

#: Java keywords, which no part of a package name may be.
_JAVA_KEYWORDS = frozenset(
    """abstract assert boolean break byte case catch char class const continue default do double else enum
    extends final finally float for goto if implements import instanceof int interface long native new package
    private protected public return short static strictfp super switch synchronized this throw throws transient
    try void volatile while true false null _""".split()
)

#: How each target option is checked: (pattern, what it is, an example).
_OPTION_RULES: dict[str, tuple[re.Pattern[str], str, str]] = {
    "flask.package": (_PY_PACKAGE, "a Python package name", "flask_acme"),
    "flask.distribution": (_DISTRIBUTION, "a Python distribution name", "Flask-Acme"),
    "django.package": (_PY_PACKAGE, "a Python package name", "django_acme"),
    "django.distribution": (_DISTRIBUTION, "a Python distribution name", "django-acme"),
    "express.package": (_NPM_PACKAGE, "an npm package name", "express-acme"),
    "spring.group_id": (_JAVA_PACKAGE, "a Maven group id", "com.acme"),
    "spring.package": (_JAVA_PACKAGE, "a Java package name", "com.acme.auth"),
    "spring.artifact_id": (_ARTIFACT, "a Maven artifact id", "acme-spring-boot-starter"),
    "aspnetcore.namespace": (_DOTNET_NAMESPACE, "a .NET namespace", "Acme.AspNetCore"),
}

#: How to add a key a spec must have, by the key's name.
_MISSING_HINTS = {
    "schema": "add schema = 1 at the top of the file",
    "service": "add a [service] table with name, slug and base_url",
    "operations": "add [[operations.login.steps]] and [[operations.get_user.steps]]",
    "user": "add a [user] table with the fields of the user record",
    "mapping": 'add a [mapping] table, at least id = "<field>" and username = "<field>"',
    "name": 'add name = "<the service\'s human name>"',
    "slug": 'add slug = "<short lowercase name>", e.g. "acme"',
    "base_url": 'add base_url = { env = "<SLUG>_BASE_URL", default = "https://..." }',
    "env": 'add env = "<UPPER_SNAKE_CASE variable name>"',
    "username_env": 'add username_env = "<UPPER_SNAKE_CASE variable name>"',
    "password_env": 'add password_env = "<UPPER_SNAKE_CASE variable name>"',
    "steps": "add one or more [[operations.<name>.steps]] tables",
    "method": 'add method = "GET" (or POST, PUT, PATCH, DELETE)',
    "path": 'add path = "/..."',
    "type": f'add type = "string" (or {", ".join(FIELD_TYPES[1:])})',
    "from": 'add from = "/<JSON pointer into the user record>"',
    "status": "add status = <a 4xx or 5xx code>",
    "field": 'add field = "<an enum or string field>"',
    "equals": 'add equals = "<the value that means active>"',
    "username": 'add username = "<a [user] field>"',
    "id": 'add id = "<a [user] field>"',
    "password": 'add password = "..."',
}


def load_spec(path: str | Path) -> Spec:
    """Read, validate and model the spec at ``path``.

    :param path: a TOML spec file.
    :raises SpecError: with every problem found.
    """
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        reason = err.strerror or str(err)
        problem = Problem(name, None, "", f"cannot read the spec: {reason}", "check the path of the spec file")
        raise SpecError(problems=[problem]) from err
    return parse_spec(data, name)


def parse_spec(data: bytes, name: str = "<spec>") -> Spec:
    """Validate and model spec bytes; ``name`` is used in messages.

    :raises SpecError: with every problem found, in the order of the file.
    """
    text = _decode(data, name)
    raw = _parse_toml(text, name)
    spec = build_spec(raw, name, LineIndex(text))
    return Spec(**{**spec.__dict__, "digest": hashlib.sha256(data).hexdigest()})


def build_spec(raw: dict, name: str = "<spec>", lines: LineIndex | None = None) -> Spec:
    """Validate and model a spec given as data (as ``tomllib`` reads it).

    :param lines: where each key is written, for messages; none for data
        that did not come from a file (the fake's copy of a spec).
    :raises SpecError: with every problem found, in the order of the file.
    """
    builder = _Builder(raw, name, lines or LineIndex(""))
    spec = builder.build()
    if builder.problems or spec is None:
        raise SpecError(problems=sorted(builder.problems, key=lambda p: p.line or 0))
    return Spec(**{**spec.__dict__, "data": raw})


def _decode(data: bytes, name: str) -> str:
    """The spec's text; a byte-order mark is dropped."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        message = f"the file is not UTF-8 (byte 0x{data[err.start]:02x})"
        raise SpecError(problems=[Problem(name, line, "", message, "save the spec as UTF-8")]) from err
    return text.removeprefix("\ufeff")


def _parse_toml(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(problems=[_toml_problem(str(err), text, name)]) from err


def _toml_problem(error: str, text: str, name: str) -> Problem:
    """A TOML syntax error as a problem at its line."""
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", error)
    if m := re.match(r"Cannot declare \((.*)\) twice", message):
        table = ".".join(part.strip(" '\"") for part in m.group(1).split(",") if part.strip())
        message = f"the table [{table}] is declared twice"
        hint = "merge the two tables into one"
    else:
        message = message[:1].lower() + message[1:]
        hint = "check the quotes, brackets and commas there"
    if m := re.search(r"\(at line (\d+), column (\d+)\)$", error):
        line = int(m.group(1))
        hint = f"at column {m.group(2)}: {hint}"
    else:
        line = len(text.rstrip().splitlines()) or 1
        hint = f"the file ends too early: {hint}"
    return Problem(name, line, "", f"not valid TOML: {message}", hint)


def check_unique_slugs(specs: dict[str, Spec]) -> list[Problem]:
    """Problems for specs that share a slug (their packages would collide).

    :param specs: loaded specs by the file name they were read from.
    """
    seen: dict[str, str] = {}
    problems = []
    for name, spec in specs.items():
        slug = spec.service.slug
        if slug in seen:
            message = f"slug {slug!r} is also used by {seen[slug]}"
            line = _line_in_file(name, ("service", "slug"))
            problems.append(Problem(name, line, "service.slug", message, "give each service its own slug"))
        seen.setdefault(slug, name)
    return problems


def _line_in_file(name: str, path: KeyPath) -> int | None:
    try:
        return LineIndex(Path(name).read_text(encoding="utf-8-sig")).line(path)
    except (OSError, UnicodeDecodeError):
        return None


class _Table(dict):
    """A checked table: its allowed keys, and the allowed keys that were misspelt.

    What a misspelt key holds is unknown, so checks that depend on it are skipped.
    """

    def __init__(self, items: dict | None = None, misspelt: set[str] | None = None) -> None:
        super().__init__(items or {})
        self.misspelt = misspelt or set()


@dataclass
class _Draft:
    """What one step declares, kept even when the step has problems."""

    path: KeyPath
    #: every parsed value of the step with its key path, for reference checks
    values: list[tuple[KeyPath, expr.Value]] = field(default_factory=list)
    #: extract names with their key paths
    extracts: dict[str, KeyPath] = field(default_factory=dict)
    #: False when the step's values or extracts could not all be read
    complete: bool = True
    step: Step | None = None

    def refs(self) -> Iterable[tuple[KeyPath, expr.Ref]]:
        return ((path, ref) for path, value in self.values for ref in expr.refs_of(value))


class _Builder:
    """Walks the raw TOML once, building the model and collecting problems."""

    def __init__(self, raw: dict, name: str, lines: LineIndex) -> None:
        self.raw = raw
        self.name = name
        self.lines = lines
        self.problems: list[Problem] = []
        #: names a ``${service.x}`` / ``${config.x}`` may use; None when [service] is unreadable
        self.service_names: set[str] | None = None
        self.config_names: set[str] | None = None
        #: the kind of the service credentials; None when unknown
        self.credentials_kind: str | None = None
        #: every name written in [user], valid or not; None when [user] is unreadable
        self.field_names: set[str] | None = None

    # -- reporting -----------------------------------------------------------

    def problem(self, path: KeyPath, message: str, hint: str = "") -> None:
        line = self.lines.line(path) or 1
        self.problems.append(Problem(self.name, line, format_path(path), message, hint))

    def missing(self, path: KeyPath, key: str) -> None:
        if key == "kind":
            kinds = _CREDENTIAL_KINDS[1:] if path[-1] == "credentials" else ERROR_KINDS
            hint = f'add kind = "{kinds[0]}" (or {", ".join(kinds[1:])})'
        else:
            hint = _MISSING_HINTS.get(key, f"add {key} = ...")
        self.problem((*path, key), f"missing required key {key!r}", hint)

    def table(
        self, value: Any, path: KeyPath, allowed: tuple[str, ...], required: tuple[str, ...] = (), hint: str = ""
    ) -> _Table:
        """Check that ``value`` is a table with only ``allowed`` keys and every ``required`` one.

        :returns: the allowed keys and their values; ``misspelt`` names the
            allowed keys that unknown keys look like typos of.
        """
        if not isinstance(value, dict):
            hint = hint or f"write it as a [{format_path(path)}] table, or inline as {{ key = value, ... }}"
            self.problem(path, f"expected a table, got {_kind(value)}", hint)
            return _Table()
        suggested = set()
        for key in value:
            if key in allowed:
                continue
            close = _close(key, allowed)
            if close:
                suggested.add(close)
            advice = (
                f"did you mean {close!r}?"
                if close
                else _elsewhere(key, path) or f"the keys here are {', '.join(allowed)}"
            )
            self.problem((*path, key), f"unknown key {key!r}", advice)
        for key in required:
            if key not in value and key not in suggested:
                self.missing(path, key)
        return _Table({k: v for k, v in value.items() if k in allowed}, misspelt=suggested - set(value))

    def typed(self, value: Any, path: KeyPath, kind: type | tuple[type, ...], what: str, hint: str = "") -> Any:
        """Return ``value`` when it has the type ``kind``, else report it and return None."""
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool)):
            return value
        self.problem(path, f"expected {what}, got {_kind(value)}", hint or _example(path, kinds))
        return None

    def suggest(self, name: str, known: Iterable[str], where: str) -> str:
        """A did-you-mean hint, else the names that exist, else where to define one."""
        known = sorted(known)
        close = _close(name, known)
        if close:
            return f"did you mean {close!r}?"
        return f"the names in {where} are {', '.join(known)}" if known else f"define it in {where}"

    # -- the whole spec ------------------------------------------------------

    def build(self) -> Spec | None:
        top = self.table(self.raw, (), TOP_KEYS, REQUIRED_TOP)
        self.schema(top)
        service = self.service(top["service"]) if "service" in top else None
        user = self.user(top["user"]) if "user" in top else ()
        operations = self.operations(top["operations"]) if "operations" in top else {}
        mapping = self.mapping(top["mapping"], user) if "mapping" in top else None
        targets, options = self.targets(top.get("targets", {}))
        if self.problems or service is None or mapping is None:
            return None
        return Spec(SCHEMA, service, operations, user, mapping, targets, options)

    def schema(self, top: dict) -> None:
        if "schema" not in top:
            return
        schema = top["schema"]
        if isinstance(schema, str) and schema.strip() == str(SCHEMA):
            self.problem(("schema",), f"expected a number, got text {schema!r}", f"write schema = {SCHEMA}, no quotes")
        elif isinstance(schema, bool) or schema != SCHEMA:
            self.problem(("schema",), f"unsupported schema {schema!r}", f"this authgen reads schema = {SCHEMA}")

    # -- [service] -----------------------------------------------------------

    def service(self, value: Any) -> Service | None:
        path = ("service",)
        t = self.table(value, path, _SERVICE_KEYS, ("name", "slug", "base_url"))
        if not isinstance(value, dict):
            return None
        name = self.service_name(t["name"], (*path, "name")) if "name" in t else None
        slug = self.slug(t["slug"], (*path, "slug")) if "slug" in t else None
        timeout = self.timeout(t.get("timeout_s", 5), (*path, "timeout_s"))
        settings: list[tuple[KeyPath, Setting]] = []
        if "base_url" in t:
            self.base_url(t["base_url"], settings)
        credentials = self.credentials(t.get("credentials"), settings)
        if "credentials" in t.misspelt:
            credentials = None
        builtin = ("base_url", *credentials.setting_names) if credentials else None
        self.service_names = set(builtin) if builtin is not None else None
        self.credentials_kind = credentials.kind if credentials else None
        config_names = self.config(t.get("config", {}), credentials, settings)
        if "config" in t.misspelt:
            self.config_names = None
        self.unique_envs(settings)
        if name is None or slug is None or timeout is None or credentials is None or "base_url" not in t:
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
        self.problem((*path, "default"), f"expected text, got {_kind(default)}", 'e.g. default = "..."')
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
            self.problem(path, f"expected a table, got {_kind(value)}", _CREDENTIALS_HINT)
            return None
        keys = ("kind", "env", "username_env", "password_env", "header", "prefix")
        t = self.table(value, path, keys, ("kind",), _CREDENTIALS_HINT)
        if "kind" not in t:
            return None
        kind = t["kind"]
        if kind not in _CREDENTIAL_KINDS:
            hint = _did_you_mean(kind, _CREDENTIAL_KINDS)
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
        credentials = Credentials(kind, header or "Authorization", prefix or "")
        for setting_name, key in zip(credentials.setting_names, needed, strict=True):
            env = self.env(t[key], (*path, key)) if key in t else None
            if env is not None:
                setting = Setting(setting_name, env, None, True, True, f"{kind} credential for the service")
                settings.append(((*path, key), setting))
        return credentials

    def header_name(self, value: Any, path: KeyPath) -> str | None:
        name = self.typed(value, path, str, "an HTTP header name", 'e.g. "Authorization"')
        if name is not None and not _HEADER.match(name):
            self.problem(path, f"{name!r} is not an HTTP header name", "use letters, digits and -, e.g. X-Api-Key")
            return None
        return name

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
            elif not _FIELD.match(key):
                self.problem(kpath, f"setting name {key!r} is not snake_case", f"rename it, e.g. {_snake(key)!r}")
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

    # -- [user] --------------------------------------------------------------

    def user(self, value: Any) -> tuple[Field, ...]:
        path = ("user",)
        if self.typed(value, path, dict, "a table of fields", "write [user] with id = { ... } lines") is None:
            return ()
        self.field_names = set(value)
        if not value:
            self.problem(path, "the user record has no fields", 'add at least id = { type = "string", from = "/id" }')
        fields = [self.field(name, item, (*path, name)) for name, item in value.items()]
        return tuple(f for f in fields if f is not None)

    def field(self, name: str, value: Any, path: KeyPath) -> Field | None:
        named = self.field_name(name, path)
        t = self.table(value, path, _FIELD_KEYS, ("type", "from"), 'write { type = "string", from = "/pointer" }')
        ftype = self.field_type(t["type"], (*path, "type")) if "type" in t else None
        pointer = self.pointer(t["from"], (*path, "from")) if "from" in t else None
        values = self.enum_values(t, path, ftype)
        optional = self.typed(t.get("optional", False), (*path, "optional"), bool, "true or false")
        self.typed(t.get("description", ""), (*path, "description"), str, "text")
        if pointer is not None and pointer.has_wildcard and ftype not in (None, "list<string>"):
            self.problem(
                (*path, "from"),
                f"a '*' pointer gives a list, but the field is of type {ftype}",
                'use type = "list<string>", or a pointer without *',
            )
            return None
        if not named or ftype is None or pointer is None or values is None:
            return None
        return Field(name, ftype, pointer, bool(optional), values)

    def field_name(self, name: str, path: KeyPath) -> bool:
        if not _FIELD.match(name):
            self.problem(path, f"field name {name!r} is not snake_case", f"rename it, e.g. {_snake(name)!r}")
        elif name in RESERVED:
            self.problem(
                path, f"field name {name!r} is a reserved word in a target language", f"rename it, e.g. 'user_{name}'"
            )
        elif name in RESERVED_FIELDS or name in _COMPUTED:
            self.problem(
                path, f"field name {name!r} is taken by the framework user objects", f"rename it, e.g. 'user_{name}'"
            )
        else:
            return True
        return False

    def field_type(self, value: Any, path: KeyPath) -> str | None:
        if value in FIELD_TYPES:
            return value
        self.problem(path, f"unknown type {value!r}", _did_you_mean(value, FIELD_TYPES))
        return None

    def enum_values(self, t: dict, path: KeyPath, ftype: str | None) -> tuple[str, ...] | None:
        """An enum's values; () for other types; None when they are wrong."""
        vpath = (*path, "values")
        if ftype != "enum":
            if "values" in t and ftype is not None:
                self.problem(vpath, "'values' applies only to type \"enum\"", 'remove values, or set type = "enum"')
            return ()
        raw = t.get("values")
        example = 'e.g. values = ["ACTIVE", "LOCKED"]'
        if raw is None:
            self.problem(vpath, "an enum field needs values", f"add {example[5:]}")
        elif not isinstance(raw, list) or not raw or not all(isinstance(v, str) and v for v in raw):
            self.problem(vpath, "expected a non-empty array of text", example)
        elif len(set(raw)) != len(raw):
            twice = next(v for v in raw if raw.count(v) > 1)
            self.problem(vpath, f"{twice!r} is listed twice", "list each value once")
        else:
            return tuple(raw)
        return None

    def pointer(self, value: Any, path: KeyPath) -> expr.Pointer | None:
        if self.typed(value, path, str, "a JSON pointer", 'e.g. "/user/id", or "" for the whole body') is None:
            return None
        try:
            return expr.parse_pointer(value)
        except expr.ExprError as err:
            self.problem(path, str(err), err.hint)
            return None

    # -- [operations] --------------------------------------------------------

    def operations(self, value: Any) -> dict[str, Operation]:
        path = ("operations",)
        t = self.table(value, path, OPERATIONS, REQUIRED_OPERATIONS)
        drafts = {name: self.operation(name, t[name]) for name in OPERATIONS if name in t}
        self.check_references(drafts)
        self.check_extracts(drafts)
        return {
            name: Operation(name, tuple(d.step for d in steps))  # type: ignore[misc]
            for name, steps in drafts.items()
            if steps and all(d.step for d in steps)
        }

    def operation(self, name: str, value: Any) -> list[_Draft] | None:
        path = ("operations", name)
        t = self.table(value, path, ("steps",), ("steps",), f"write [[operations.{name}.steps]] tables")
        if "steps" not in t:
            return None
        steps = t["steps"]
        if not isinstance(steps, list) or not steps:
            self.problem((*path, "steps"), "expected one or more steps", f"write [[operations.{name}.steps]] tables")
            return None
        return [self.step(raw, (*path, "steps", i)) for i, raw in enumerate(steps)]

    def step(self, value: Any, path: KeyPath) -> _Draft:
        draft = _Draft(path)
        t = self.table(value, path, _STEP_KEYS, ("method", "path"))
        if not isinstance(value, dict) or t.misspelt - {"method", "ok", "errors"}:
            draft.complete = False
        if not isinstance(value, dict):
            return draft
        before = len(self.problems)
        method = self.method(t["method"], (*path, "method")) if "method" in t else None
        url = self.step_path(t["path"], (*path, "path"), draft) if "path" in t else None
        query = self.pairs(t, "query", path, draft)
        headers = self.pairs(t, "headers", path, draft)
        for name, _ in headers:
            self.header_name(name, (*path, "headers", name))
        json, form = self.body(t, path, method, draft)
        auth = self.auth(t["auth"], (*path, "auth"), draft) if "auth" in t else Auth("none")
        ok = self.ok(t, path, method)
        errors = self.errors(t["errors"], (*path, "errors")) if "errors" in t else ()
        extract = self.extract(t, path, draft)
        if len(self.problems) == before and method is not None and url is not None:
            draft.step = Step(method, url, query, headers, json, form, auth, ok, errors, extract)
        return draft

    def value(self, raw: Any, path: KeyPath, draft: _Draft, *, body: bool = False) -> expr.Value | None:
        """Parse a value of the value language; in a JSON body, member by member."""
        if body and isinstance(raw, dict) and not _is_transform(raw):
            members = [(str(k), self.value(v, (*path, k), draft, body=True)) for k, v in raw.items()]
            return None if any(v is None for _, v in members) else expr.Obj(tuple(members))  # type: ignore[arg-type]
        if body and isinstance(raw, list):
            items = [self.value(v, (*path, i), draft, body=True) for i, v in enumerate(raw)]
            return None if any(v is None for v in items) else expr.Arr(tuple(items))  # type: ignore[arg-type]
        try:
            parsed = expr.parse_value(raw, body=body)
        except expr.ExprError as err:
            self.problem(path, str(err), err.hint)
            draft.complete = False
            return None
        draft.values.append((path, parsed))
        return parsed

    def method(self, value: Any, path: KeyPath) -> str | None:
        if isinstance(value, str) and value.upper() in _METHODS:
            return value.upper()
        self.problem(path, f"unsupported method {value!r}", _did_you_mean(value, _METHODS))
        return None

    def step_path(self, value: Any, path: KeyPath, draft: _Draft) -> expr.Template | None:
        """The path (after base_url), or a URL from an earlier response followed by more path."""
        if self.typed(value, path, str, "text", 'e.g. path = "/v1/users/${session.user_id}"') is None:
            draft.complete = False
            return None
        parsed = self.value(value, path, draft)
        if not isinstance(parsed, expr.Template):
            return None
        first = parsed.parts[0]
        if isinstance(first, expr.Lit) and re.match(r"https?://", first.text):
            self.problem(path, f"path {value!r} is a full URL", "write only the path; the URL comes from base_url")
        elif isinstance(first, expr.Lit) and not first.text.startswith("/"):
            self.problem(path, f"path {value!r} must start with '/'", f"did you mean {'/' + value!r}?")
        elif isinstance(first, expr.Ref) and first.ns == "input":
            self.problem(path, "a URL cannot come from user input", "take it from a response: ${steps.<n>.<name>}")
        elif any(isinstance(p, expr.Lit) and ("?" in p.text or "#" in p.text) for p in parsed.parts):
            self.problem(path, f"path {value!r} holds a query or a fragment", "put parameters in query = { ... }")
        else:
            return parsed
        return None

    def pairs(self, t: dict, key: str, path: KeyPath, draft: _Draft) -> tuple[tuple[str, expr.Value], ...]:
        """A table of name = value (query, headers, form)."""
        if key not in t:
            return ()
        kpath = (*path, key)
        if self.typed(t[key], kpath, dict, "a table", f'e.g. {key} = {{ name = "value" }}') is None:
            draft.complete = False
            return ()
        out = []
        for name, item in t[key].items():
            parsed = self.value(item, (*kpath, name), draft)
            if parsed is not None:
                out.append((name, parsed))
        return tuple(out)

    def body(self, t: dict, path: KeyPath, method: str | None, draft: _Draft) -> tuple[expr.Value | None, Any]:
        """The JSON body or the form of a step."""
        json = form = None
        if "json" in t:
            raw = t["json"]
            if isinstance(raw, (dict, list)) and not _is_transform(raw):
                json = self.value(raw, (*path, "json"), draft, body=True)
            else:
                what = "a transform" if isinstance(raw, dict) else _kind(raw)
                hint = 'e.g. json = { login = "${input.username}" }'
                self.problem((*path, "json"), f"a JSON body is a table or an array, got {what}", hint)
        if "form" in t:
            form = self.pairs(t, "form", path, draft)
        if "json" in t and "form" in t:
            self.problem((*path, "form"), "a step sends either 'json' or 'form', not both", "keep one of them")
        if method == "GET":
            for key in ("json", "form"):
                if key in t:
                    message = f"a GET request has no body, but this step sends {key!r}"
                    self.problem((*path, key), message, 'send the values as query = { ... }, or use method = "POST"')
        return json, form

    def auth(self, value: Any, path: KeyPath, draft: _Draft) -> Auth:
        if isinstance(value, str):
            return self.auth_word(value, path)
        if not isinstance(value, dict) or len(value) != 1:
            self.problem(path, f"unsupported auth {_kind(value)}", _AUTH_HINT)
            return Auth("none")
        ((kind, arg),) = value.items()
        if kind == "bearer":
            token = self.value(arg, (*path, "bearer"), draft)
            return Auth("bearer", (token,)) if token is not None else Auth("none")
        if kind == "basic":
            bpath = (*path, "basic")
            t = self.table(arg, bpath, ("username", "password"), ("username", "password"), _AUTH_HINT)
            user = self.value(t["username"], (*bpath, "username"), draft) if "username" in t else None
            password = self.value(t["password"], (*bpath, "password"), draft) if "password" in t else None
            return Auth("basic", (user, password)) if user is not None and password is not None else Auth("none")
        close = _close(kind, ("bearer", "basic"))
        self.problem((*path, kind), f"unknown auth kind {kind!r}", f"did you mean {close!r}?" if close else _AUTH_HINT)
        draft.complete = False
        return Auth("none")

    def auth_word(self, value: str, path: KeyPath) -> Auth:
        if value not in _AUTH_WORDS:
            close = _close(value, _AUTH_WORDS)
            self.problem(path, f"unknown auth {value!r}", f"did you mean {close!r}?" if close else _AUTH_HINT)
            return Auth("none")
        if value == "service" and self.credentials_kind == "none":
            self.problem(
                path,
                'auth = "service", but the service has no credentials',
                "set credentials in [service], or remove auth",
            )
        return Auth(value)

    def ok(self, t: dict, path: KeyPath, method: str | None) -> tuple[int, ...]:
        default = (200,) if method == "GET" else (200, 201, 204)
        if "ok" not in t:
            return default
        raw, kpath = t["ok"], (*path, "ok")
        if _is_status(raw) or (isinstance(raw, str) and _STATUS.match(raw)):
            self.problem(kpath, f"expected an array of status codes, got {_kind(raw)}", f"write ok = [{raw}]")
        elif not isinstance(raw, list) or not raw:
            what = "an empty array" if raw == [] else _kind(raw)
            self.problem(kpath, f"expected an array of success status codes, got {what}", "e.g. ok = [200, 201]")
        else:
            for i, status in enumerate(raw):
                if not _is_status(status) or status >= 400:
                    self.problem(
                        (*kpath, i), f"{status!r} is not a success status code", "use codes below 400, e.g. 200"
                    )
            return tuple(raw)
        return default

    def errors(self, value: Any, path: KeyPath) -> tuple[ErrorRule, ...]:
        if isinstance(value, dict):
            rules = [self.error_entry(status, kind, (*path, status)) for status, kind in value.items()]
        elif isinstance(value, list):
            rules = [self.error_rule(item, (*path, i)) for i, item in enumerate(value)]
            self.check_shadowed(rules, path)
        else:
            hint = 'e.g. errors = { 401 = "invalid_credentials" }'
            self.problem(path, f"expected a table or an array of tables, got {_kind(value)}", hint)
            return ()
        return tuple(r for r in rules if r is not None)

    def error_entry(self, status: str, kind: Any, path: KeyPath) -> ErrorRule | None:
        """``401 = "invalid_credentials"``."""
        code = self.error_status(int(status) if _STATUS.match(status) else status, path)
        if self.error_kind(kind, path) and code is not None:
            return ErrorRule(code, kind)
        return None

    def error_rule(self, value: Any, path: KeyPath) -> ErrorRule | None:
        """``{ status = 400, match = { "/code" = 7101 }, kind = "account_disabled" }``."""
        hint = 'write { status = 400, kind = "invalid_input" }'
        t = self.table(value, path, ("status", "match", "kind"), ("status", "kind"), hint)
        code = self.error_status(t["status"], (*path, "status")) if "status" in t else None
        kind = self.error_kind(t["kind"], (*path, "kind")) if "kind" in t else False
        match = self.error_match(t["match"], (*path, "match")) if "match" in t else ()
        if code is None or not kind or match is None:
            return None
        return ErrorRule(code, t["kind"], match)

    def error_status(self, status: Any, path: KeyPath) -> int | None:
        if not _is_status(status):
            self.problem(path, f"{status!r} is not an HTTP status code", "use an error status from 400 to 599")
            return None
        if status < 400:
            self.problem(path, f"status {status} is not an error", "errors map 4xx and 5xx; success codes go in ok")
            return None
        return status

    def error_kind(self, kind: Any, path: KeyPath) -> bool:
        if kind in ERROR_KINDS:
            return True
        self.problem(path, f"unknown error kind {kind!r}", _did_you_mean(kind, ERROR_KINDS))
        return False

    def error_match(self, value: Any, path: KeyPath) -> tuple[tuple[expr.Pointer, object], ...] | None:
        """``match = { "/code" = 7101 }``: values the error body must hold at JSON pointers."""
        hint = 'e.g. match = { "/code" = 7101 }'
        if self.typed(value, path, dict, "a table of JSON pointer = value", hint) is None:
            return None
        if not value:
            self.problem(path, "the match table is empty", f"remove it, or {hint}")
            return None
        items = [self.match_item(ptr, expected, (*path, ptr)) for ptr, expected in value.items()]
        return None if None in items else tuple(items)  # type: ignore[arg-type]

    def match_item(self, ptr: str, expected: Any, path: KeyPath) -> tuple[expr.Pointer, object] | None:
        pointer = self.pointer(ptr, path)
        if pointer is None:
            return None
        if pointer.has_wildcard:
            self.problem(path, "a match pointer cannot hold '*'", "point at one value of the error body")
        elif not isinstance(expected, (str, int, float, bool)):
            self.problem(path, f"expected text, a number or a boolean, got {_kind(expected)}", 'e.g. "/code" = 7101')
        else:
            return pointer, expected
        return None

    def check_shadowed(self, rules: list[ErrorRule | None], path: KeyPath) -> None:
        """A rule after one for the same status that matches at least as much never applies."""
        for j, later in enumerate(rules):
            for i, earlier in enumerate(rules[:j]):
                if later and earlier and earlier.status == later.status and set(earlier.match) <= set(later.match):
                    message = f"rule [{i}] already catches every {later.status} this rule matches, so it never applies"
                    self.problem((*path, j), message, "put the rule with the more specific match first")
                    break

    def extract(self, t: dict, path: KeyPath, draft: _Draft) -> tuple[tuple[str, expr.Pointer], ...]:
        if "extract" not in t:
            return ()
        kpath = (*path, "extract")
        hint = 'e.g. extract = { token = "/token" }'
        if self.typed(t["extract"], kpath, dict, "a table of name = JSON pointer", hint) is None:
            draft.complete = False
            return ()
        out = []
        for key, raw in t["extract"].items():
            epath = (*kpath, key)
            if not _FIELD.match(key):
                self.problem(epath, f"extract name {key!r} is not snake_case", f"rename it, e.g. {_snake(key)!r}")
                continue
            draft.extracts[key] = epath
            pointer = self.pointer(raw, epath)
            if pointer is not None and pointer.has_wildcard:
                self.problem(epath, "an extract is one text value; a '*' pointer gives a list", "point at one value")
            elif pointer is not None:
                out.append((key, pointer))
        return tuple(out)

    # -- references between steps and sections -------------------------------

    def check_references(self, drafts: dict[str, list[_Draft] | None]) -> None:
        """Every ``${...}`` must name something that exists by the time it is used."""
        login_names = _declared(drafts.get("login"))
        for op, steps in drafts.items():
            for index, draft in enumerate(steps or ()):
                for path, ref in draft.refs():
                    self.check_ref(ref, path, op, index, steps, login_names)  # type: ignore[arg-type]
            if steps and all(d.complete for d in steps):
                self.check_inputs(op, steps)

    def check_inputs(self, op: str, steps: list[_Draft]) -> None:
        """Login sends both credentials; register and forgot_password send some of their form."""
        used = {ref.name for d in steps for _, ref in d.refs() if ref.ns == "input"}
        if op == "login" and used <= set(LOGIN_INPUTS):
            for name in LOGIN_INPUTS:
                if name not in used:
                    message = f"login never sends ${{input.{name}}}"
                    self.problem(("operations", op), message, "send it in json, form, a header or basic auth")
        elif op in ("register", "forgot_password") and not used:
            self.problem(
                ("operations", op), f"{op} sends nothing the user typed", "send the form's fields, e.g. ${input.email}"
            )

    def check_ref(
        self, ref: expr.Ref, path: KeyPath, op: str, index: int, steps: list[_Draft], login_names: set[str] | None
    ) -> None:
        label = "${" + str(ref) + "}"
        if ref.ns == "input":
            self.check_input(ref, label, path, op)
        elif ref.ns == "config":
            self.check_config(ref, label, path)
        elif ref.ns == "service":
            self.check_service(ref, label, path)
        elif ref.ns == "session":
            self.check_session(ref, label, path, op, login_names)
        else:
            self.check_step_ref(ref, label, path, op, index, steps)

    def check_input(self, ref: expr.Ref, label: str, path: KeyPath, op: str) -> None:
        if op == "login" and ref.name not in LOGIN_INPUTS:
            close = _close(ref.name, LOGIN_INPUTS)
            hint = f"did you mean 'input.{close}'?" if close else "use ${input.username} for the name the user types"
            self.problem(path, f"{label}: login has only input.username and input.password", hint)
        elif op == "get_user":
            self.problem(path, f"{label}: get_user has no input", "use what login extracted: ${session.<name>}")

    def check_config(self, ref: expr.Ref, label: str, path: KeyPath) -> None:
        if self.config_names is None or ref.name in self.config_names:
            return
        if self.service_names and ref.name in self.service_names:
            hint = f"{ref.name!r} is a service setting: write ${{service.{ref.name}}}"
        else:
            hint = self.suggest(ref.name, self.config_names, "[service.config]")
        self.problem(path, f"{label} is not defined", hint)

    def check_service(self, ref: expr.Ref, label: str, path: KeyPath) -> None:
        if self.service_names is None or ref.name in self.service_names:
            return
        if self.config_names and ref.name in self.config_names:
            hint = f"{ref.name!r} is in [service.config]: write ${{config.{ref.name}}}"
        else:
            hint = self.suggest(ref.name, self.service_names, "[service]")
        self.problem(path, f"{label} is not defined", hint)

    def check_session(self, ref: expr.Ref, label: str, path: KeyPath, op: str, login_names: set[str] | None) -> None:
        if op == "login":
            self.problem(
                path,
                f"{label}: login runs before there is a session",
                "use ${steps.<n>.<name>} from an earlier login step",
            )
        elif op != "get_user":
            self.problem(path, f"{label}: {op} runs without a session", "use ${input.<name>} or ${config.<name>}")
        elif login_names is not None and ref.name not in login_names:
            hint = self.suggest(ref.name, login_names, "the login steps' extract")
            self.problem(path, f"{label}: login does not extract {ref.name!r}", hint)

    def check_step_ref(
        self, ref: expr.Ref, label: str, path: KeyPath, op: str, index: int, steps: list[_Draft]
    ) -> None:
        n = ref.step or 0
        earlier = "a step can use only what an earlier step extracted"
        if n > len(steps):
            count = f"{len(steps)} step" + ("s" if len(steps) > 1 else "")
            self.problem(path, f"{label}: there is no step {n}; {op} has {count}", earlier)
        elif n > index:
            self.problem(path, f"{label}: step {n} does not run before step {index + 1}", earlier)
        elif steps[n - 1].complete and ref.name not in steps[n - 1].extracts:
            hint = self.suggest(ref.name, steps[n - 1].extracts, f"step {n}'s extract")
            self.problem(path, f"{label}: step {n} does not extract {ref.name!r}", hint)

    def check_extracts(self, drafts: dict[str, list[_Draft] | None]) -> None:
        """Every extracted value must be used, and get_user must end with the user record."""
        session_used = None
        get_user = drafts.get("get_user")
        if get_user and all(d.complete for d in get_user):
            login_names = _declared(drafts.get("login")) or set()
            session_used = {_intended(r.name, login_names) for d in get_user for _, r in d.refs() if r.ns == "session"}
        misspelt_user = self.check_user_extract(get_user)
        for op, steps in drafts.items():
            for index, draft in enumerate(steps or ()):
                for key, path in draft.extracts.items():
                    if path != misspelt_user:
                        self.check_extract(op, steps, index, key, path, session_used)  # type: ignore[arg-type]

    def check_user_extract(self, get_user: list[_Draft] | None) -> KeyPath | None:
        """get_user's last step must extract ``user``; returns the path of a misspelling of it."""
        if not get_user or not get_user[-1].complete or USER_EXTRACT in get_user[-1].extracts:
            return None
        extracts = get_user[-1].extracts
        close = _close(USER_EXTRACT, extracts)
        if close:
            message = f"the last step of get_user must extract 'user', the user record, not {close!r}"
            self.problem(extracts[close], message, "did you mean 'user'?")
            return extracts[close]
        self.problem(
            (*get_user[-1].path, "extract"),
            "the last step of get_user must extract the user record",
            'add extract = { user = "" }, or the JSON pointer of the user object instead of ""',
        )
        return None

    def check_extract(
        self, op: str, steps: list[_Draft], index: int, key: str, path: KeyPath, session_used: set[str] | None
    ) -> None:
        later = steps[index + 1 :]
        if key == USER_EXTRACT and op == "login":
            self.problem(path, "login cannot extract 'user'; get_user reads the user record", "rename it, e.g. user_id")
        elif key == USER_EXTRACT and op in ("get_user", "register"):
            if later:
                self.problem(
                    path, f"the user record must come from the last step of {op}", "move this extract to the last step"
                )
        elif not all(d.complete for d in later) or _used_later(later, index + 1, key, steps[index].extracts):
            return
        elif op == "login":
            if session_used is not None and key not in session_used:
                self.problem(
                    path,
                    f"login extracts {key!r} but nothing uses it",
                    f"use it as ${{session.{key}}} in get_user, or remove it",
                )
        else:
            self.problem(
                path,
                f"{key!r} is extracted but no later step uses it",
                f"use it as ${{steps.{index + 1}.{key}}} in a later step, or remove it",
            )

    # -- [mapping] -----------------------------------------------------------

    def mapping(self, value: Any, fields: tuple[Field, ...]) -> Mapping | None:
        path = ("mapping",)
        t = self.table(value, path, _MAPPING_KEYS, ("id", "username"))
        by_name = {f.name: f for f in fields}
        names = {key: self.mapped_field(key, t[key], by_name) for key in _MAPPED if key in t}
        active = self.active(t["active"], by_name) if "active" in t else ActiveRule()
        admin_roles = self.role_names(t, "admin_roles")
        staff_roles = self.role_names(t, "staff_roles")
        self.check_shadowing(fields, t, names, active)
        if names.get("id") is None or names.get("username") is None:
            return None
        return Mapping(
            names["id"],  # type: ignore[arg-type]
            names["username"],  # type: ignore[arg-type]
            names.get("email"),
            names.get("first_name"),
            names.get("last_name"),
            names.get("roles"),
            active,
            admin_roles,
            staff_roles,
        )

    def mapped_field(self, key: str, target: Any, by_name: dict[str, Field]) -> str | None:
        path = ("mapping", key)
        wanted = _MAPPED_TYPES[key]
        if not isinstance(target, str):
            self.problem(path, f"expected the name of a [user] field, got {_kind(target)}", f'e.g. {key} = "{key}"')
            return None
        if target not in by_name:
            if self.field_names is not None and target not in self.field_names:
                hint = self.suggest(target, self.field_names, "[user]")
                self.problem(path, f"{key} maps to {target!r}, which is not a [user] field", hint)
            return None
        fld = by_name[target]
        if fld.type not in wanted:
            fitting = [f.name for f in by_name.values() if f.type in wanted]
            example = f", e.g. {fitting[0]!r}" if fitting else ""
            kinds = " or ".join(wanted)
            self.problem(
                path,
                f"{key} maps to {target!r}, a field of type {fld.type}",
                f"map {key} to a field of type {kinds}{example}",
            )
            return None
        if key in ("id", "username") and fld.optional:
            self.problem(path, f"{key} maps to {target!r}, which is optional", f"the {key} must always be present")
            return None
        return target

    def active(self, value: Any, by_name: dict[str, Field]) -> ActiveRule:
        path = ("mapping", "active")
        hint = 'use a bool field, or { field = "status", equals = "ACTIVE" }'
        if isinstance(value, str):
            return self.active_field(value, by_name, hint)
        t = self.table(value, path, ("field", "equals"), ("field", "equals"), hint)
        if "field" not in t or "equals" not in t:
            return ActiveRule()
        fname, equals = t["field"], t["equals"]
        if not isinstance(fname, str):
            self.problem((*path, "field"), f"expected the name of a [user] field, got {_kind(fname)}", hint)
            return ActiveRule()
        if fname not in by_name:
            if self.field_names is not None and fname not in self.field_names:
                self.problem(
                    (*path, "field"),
                    f"{fname!r} is not a [user] field",
                    self.suggest(fname, self.field_names, "[user]"),
                )
            return ActiveRule()
        fld = by_name[fname]
        if fld.type not in ("enum", "string"):
            self.problem(
                (*path, "field"),
                f"{fname!r} is of type {fld.type}",
                f'compare an enum or string field, or write active = "{fname}" for a bool field'
                if fld.type == "bool"
                else "compare an enum or string field",
            )
        elif not isinstance(equals, str):
            self.problem((*path, "equals"), f"expected text, got {_kind(equals)}", 'e.g. equals = "ACTIVE"')
        elif fld.type == "enum" and equals not in fld.values:
            self.problem(
                (*path, "equals"),
                f"{equals!r} is not one of the values of {fname!r}",
                _did_you_mean(equals, fld.values),
            )
        return ActiveRule(fname, equals)

    def active_field(self, value: str, by_name: dict[str, Field], hint: str) -> ActiveRule:
        path = ("mapping", "active")
        if value not in by_name:
            if self.field_names is not None and value not in self.field_names:
                self.problem(
                    path,
                    f"active maps to {value!r}, which is not a [user] field",
                    self.suggest(value, self.field_names, "[user]"),
                )
            return ActiveRule()
        if by_name[value].type != "bool":
            self.problem(path, f"active maps to {value!r}, a field of type {by_name[value].type}", hint)
            return ActiveRule()
        return ActiveRule(value)

    def role_names(self, t: _Table, key: str) -> tuple[str, ...]:
        path = ("mapping", key)
        raw = t.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(r, str) and r for r in raw):
            self.problem(path, f"expected an array of role names, got {_kind(raw)}", f'e.g. {key} = ["admins"]')
            return ()
        if raw and "roles" not in t and "roles" not in t.misspelt:
            self.problem(path, f"{key} needs roles to be mapped", 'add roles = "<a list<string> field>"')
        return tuple(raw)

    def check_shadowing(self, fields: tuple[Field, ...], t: _Table, names: dict, active: ActiveRule) -> None:
        """A spec field may not take the name of a canonical attribute that holds something else."""
        for f in fields:
            if f.name not in t and (f.name in ("id", "username") or f.name in t.misspelt):
                continue  # reported as missing or misspelt in [mapping]
            if f.name in _MAPPED and f.name not in t:
                self.problem(
                    ("user", f.name),
                    f"field {f.name!r} would hide the canonical {f.name!r}",
                    f'map it: {f.name} = "{f.name}" in [mapping], or rename the field',
                )
            elif f.name in _MAPPED and names.get(f.name) not in (None, f.name):
                self.problem(
                    ("user", f.name),
                    f"field {f.name!r} would hide the canonical {f.name!r}",
                    f'rename the field, or map {f.name} = "{f.name}"',
                )
            elif f.name == "active" and active.field != "active":
                self.problem(
                    ("user", f.name),
                    "field 'active' would hide the canonical 'active'",
                    'rename the field, or map active = "active"',
                )

    # -- [targets] -----------------------------------------------------------

    def targets(self, value: Any) -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
        path = ("targets",)
        names = tuple(TARGETS)
        t = self.table(value, path, ("enabled", *names))
        enabled = self.enabled(t.get("enabled", list(names)))
        options = {name: self.target_options(name, t[name]) for name in names if name in t}
        return enabled, options

    def enabled(self, value: Any) -> tuple[str, ...]:
        path = ("targets", "enabled")
        if not isinstance(value, list) or not value:
            self.problem(path, "expected a non-empty array of target names", 'e.g. enabled = ["flask"]')
            return ()
        out: list[str] = []
        for i, name in enumerate(value):
            if not isinstance(name, str) or name not in TARGETS:
                self.problem((*path, i), f"unknown target {name!r}", _did_you_mean(name, tuple(TARGETS)))
            elif name in out:
                self.problem((*path, i), f"target {name!r} is listed twice", "list each target once")
            else:
                out.append(name)
        return tuple(out)

    def target_options(self, target: str, value: Any) -> dict[str, str]:
        path = ("targets", target)
        t = self.table(value, path, TARGETS[target].options)
        options = {}
        for key, raw in t.items():
            text = self.typed(raw, (*path, key), str, "text")
            if text is not None and self.target_option(f"{target}.{key}", text, (*path, key)):
                options[key] = text
        return options

    def target_option(self, option: str, text: str, path: KeyPath) -> bool:
        if option not in _OPTION_RULES:
            return True
        pattern, what, example = _OPTION_RULES[option]
        keywords = {_JAVA_PACKAGE: _JAVA_KEYWORDS, _PY_PACKAGE: frozenset(keyword.kwlist)}.get(pattern, frozenset())
        reserved = [word for word in text.split(".") if word in keywords]
        if pattern.match(text) and not reserved:
            return True
        reason = f" ({reserved[0]!r} is a reserved word)" if reserved else ""
        self.problem(path, f"{text!r} is not {what}{reason}", f"e.g. {example!r}")
        return False


def _elsewhere(key: str, path: KeyPath) -> str:
    """A hint for a key that belongs in another table, as when a header is missing."""
    home = _HOMES.get(key)
    if home is None:
        return ""
    if home == "steps":
        home = f"[[{format_path(path)}.steps]]" if path[:1] == ("operations",) and len(path) == 2 else "a step"
    return f"{key!r} belongs in {home}; is its header missing?"


def _declared(steps: list[_Draft] | None) -> set[str] | None:
    """The names an operation's steps extract; None when they cannot all be read."""
    if not steps or not all(d.complete for d in steps):
        return None
    return {name for d in steps for name in d.extracts}


def _used_later(later: list[_Draft], step: int, name: str, extracted: Iterable[str]) -> bool:
    """Whether a later step reads ``${steps.<step>.<name>}`` (or a misspelling of it)."""
    refs = (r for d in later for _, r in d.refs() if r.ns == "steps" and r.step == step)
    return any(_intended(r.name, extracted) == name for r in refs)


def _intended(name: str, known: Iterable[str]) -> str:
    """``name`` when it is known, else the known name it most likely misspells.

    A misspelt reference is reported once, as such; the name it meant to use
    then does not also count as unused.
    """
    known = list(known)
    return name if name in known else (_close(name, known) or name)


def _is_transform(raw: Any) -> bool:
    return isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)) in expr.TRANSFORMS


def _is_status(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599


def _close(word: Any, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, if one is close enough to be a typo."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return close[0] if close else None


def _did_you_mean(word: Any, choices: tuple[str, ...]) -> str:
    close = _close(word, choices)
    return f"did you mean {close!r}?" if close else f"use one of {', '.join(choices)}"


def _snake(name: str) -> str:
    """``first_name`` for ``firstName`` or ``First-Name``: a suggestion for a bad name."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    snake = re.sub(r"[^a-z0-9_]+", "_", snake).strip("_")
    return snake if _FIELD.match(snake) else "snake_case"


def _example(path: KeyPath, kinds: tuple[type, ...]) -> str:
    """A hint showing a value of the expected type for the last key of ``path``."""
    key = path[-1] if path and isinstance(path[-1], str) else "value"
    if bool in kinds:
        return f"write {key} = true or {key} = false, no quotes"
    if str in kinds:
        return f'write {key} = "...", in quotes'
    if dict in kinds:
        return f"write {key} as a table"
    return f"write {key} = 5, no quotes"


def _kind(value: Any) -> str:
    """How a TOML value is called in messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"
