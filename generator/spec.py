"""Load a spec file, validate all of it, and build the typed model.

Validation collects every problem before it fails, so a user fixes a spec in
one pass: each problem names the file, the line, the key path and a hint.
"""

from __future__ import annotations

import difflib
import hashlib
import keyword
import re
import sys
from pathlib import Path
from typing import Any

from . import expr
from .errors import Problem, SpecError
from .lines import KeyPath, LineIndex, format_path
from .model import (
    CANONICAL,
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

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The spec schema this version of authgen reads.
SCHEMA = 1

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

_SLUG = re.compile(r"[a-z][a-z0-9]*\Z")
_FIELD = re.compile(r"[a-z][a-z0-9_]*\Z")
_ENV = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_HEADER = re.compile(r"[A-Za-z0-9-]+\Z")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_JAVA_PACKAGE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\Z")
_DOTNET_NAMESPACE = re.compile(r"[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*\Z")

#: The bundled default spec, used when none is given.
DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "examples" / "acme" / "identity.toml"


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
        raise SpecError(problems=[Problem(name, None, "", f"cannot read the spec: {err.strerror}")]) from err
    return parse_spec(data, name)


def parse_spec(data: bytes, name: str = "<spec>") -> Spec:
    """Validate and model spec bytes; ``name`` is used in messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SpecError(
            problems=[Problem(name, line, "", "the file is not valid UTF-8", "save the spec as UTF-8")]
        ) from err
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"\(at line (\d+), column \d+\)", str(err))
        message = re.sub(r"\s*\(at line.*\)$", "", str(err))
        raise SpecError(
            problems=[Problem(name, int(m.group(1)) if m else None, "", f"not valid TOML: {message}")]
        ) from err
    builder = _Builder(raw, name, LineIndex(text))
    spec = builder.build()
    if builder.problems:
        raise SpecError(problems=builder.problems)
    assert spec is not None
    return Spec(**{**spec.__dict__, "digest": hashlib.sha256(data).hexdigest(), "data": raw})


def check_unique_slugs(specs: dict[str, Spec]) -> list[Problem]:
    """Problems for specs that share a slug (their packages would collide)."""
    seen: dict[str, str] = {}
    problems = []
    for name, spec in specs.items():
        slug = spec.service.slug
        if slug in seen:
            problems.append(
                Problem(name, None, "service.slug", f"slug {slug!r} is also used by {seen[slug]}", "give each service its own slug")
            )
        seen.setdefault(slug, name)
    return problems


class _Builder:
    """Walks the raw TOML once, building the model and collecting problems."""

    def __init__(self, raw: dict, name: str, lines: LineIndex) -> None:
        self.raw = raw
        self.name = name
        self.lines = lines
        self.problems: list[Problem] = []

    # -- reporting -----------------------------------------------------------

    def problem(self, path: KeyPath, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.name, self.lines.line(path), format_path(path), message, hint))

    def table(self, value: Any, path: KeyPath, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict:
        """Check that ``value`` is a table with only ``allowed`` keys and every ``required`` one."""
        if not isinstance(value, dict):
            self.problem(path, f"expected a table, got {_kind(value)}")
            return {}
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
                self.problem((*path, key), f"unknown key {key!r}", hint)
        for key in required:
            if key not in value:
                self.problem(path, f"missing required key {key!r}")
        return {k: v for k, v in value.items() if k in allowed}

    def typed(self, value: Any, path: KeyPath, kind: type | tuple[type, ...], what: str) -> Any:
        """Return ``value`` when it has the type ``kind``, else report it and return None."""
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            ok = False
        else:
            ok = isinstance(value, kind)
        if not ok:
            self.problem(path, f"expected {what}, got {_kind(value)}")
            return None
        return value

    # -- sections ------------------------------------------------------------

    def build(self) -> Spec | None:
        top = self.table(self.raw, (), ("schema", "service", "operations", "user", "mapping", "targets"),
                         ("schema", "service", "operations", "user", "mapping"))
        schema = top.get("schema")
        if "schema" in top and schema != SCHEMA:
            self.problem(("schema",), f"unsupported schema {schema!r}", f"this authgen reads schema = {SCHEMA}")
        service = self.service(top.get("service", {}))
        user = self.user(top.get("user", {}))
        operations = self.operations(top.get("operations", {}), service)
        mapping = self.mapping(top.get("mapping", {}), user)
        targets, options = self.targets(top.get("targets", {}))
        if self.problems or service is None or mapping is None:
            return None
        return Spec(SCHEMA, service, operations, user, mapping, targets, options)

    def setting(self, value: Any, path: KeyPath, name: str, *, secret: bool = False) -> Setting | None:
        keys = ("env", "default", "required", "description")
        t = self.table(value, path, keys, ("env",))
        env = self.typed(t.get("env", "X"), (*path, "env"), str, "an environment variable name")
        if env is not None and not _ENV.match(env):
            self.problem((*path, "env"), f"{env!r} is not an environment variable name", "use UPPER_SNAKE_CASE, e.g. ACME_BASE_URL")
        default = t.get("default")
        if default is not None and not isinstance(default, str):
            if isinstance(default, (int, float)) and not isinstance(default, bool):
                default = str(default)
            else:
                self.problem((*path, "default"), f"expected text, got {_kind(default)}")
                default = None
        required = self.typed(t.get("required", False), (*path, "required"), bool, "true or false")
        description = self.typed(t.get("description", ""), (*path, "description"), str, "text") or ""
        if required and default is not None:
            self.problem((*path, "required"), "a required setting cannot have a default", "drop one of the two")
        if "env" not in t or env is None:
            return None
        return Setting(name, env, default, bool(required) or (secret and default is None), secret, description)

    def service(self, value: Any) -> Service | None:
        path = ("service",)
        keys = ("name", "slug", "base_url", "timeout_s", "credentials", "config")
        t = self.table(value, path, keys, ("name", "slug", "base_url"))
        name = self.typed(t.get("name", ""), (*path, "name"), str, "text")
        slug = self.typed(t.get("slug", "x"), (*path, "slug"), str, "text")
        if slug is not None and (not _SLUG.match(slug) or slug in RESERVED):
            self.problem(
                (*path, "slug"),
                f"slug {slug!r} is not a valid identifier in every target language",
                "use lowercase letters and digits, starting with a letter, not a reserved word (e.g. 'acme')",
            )
        timeout = self.typed(t.get("timeout_s", 5), (*path, "timeout_s"), (int, float), "a number of seconds")
        if timeout is not None and not 0 < timeout <= 300:
            self.problem((*path, "timeout_s"), f"timeout {timeout} is out of range", "use a number of seconds between 0 and 300")
        settings: list[Setting] = []
        if "base_url" in t:
            base = self.setting(t["base_url"], (*path, "base_url"), "base_url")
            if base and base.default is not None and not re.match(r"https?://", base.default):
                self.problem((*path, "base_url", "default"), f"{base.default!r} is not an http(s) URL")
            if base:
                settings.append(base)
        credentials = self.credentials(t.get("credentials", {"kind": "none"}), settings)
        config_names = []
        config = t.get("config", {})
        if self.typed(config, (*path, "config"), dict, "a table") is not None:
            for key, item in config.items():
                if not _FIELD.match(key) or key in RESERVED:
                    self.problem((*path, "config", key), f"{key!r} is not a valid setting name", "use snake_case")
                    continue
                if key in ("base_url", "timeout", *credentials.setting_names):
                    self.problem((*path, "config", key), f"{key!r} is already a built-in setting")
                    continue
                setting = self.setting(item, (*path, "config", key), key)
                if setting:
                    settings.append(setting)
                    config_names.append(key)
        envs = [s.env for s in settings]
        for s in settings:
            if envs.count(s.env) > 1:
                self.problem(path, f"environment variable {s.env} is used by more than one setting")
                break
        if name is None or slug is None or timeout is None or not settings:
            return None
        return Service(name, slug, float(timeout), credentials, tuple(settings), tuple(config_names))

    def credentials(self, value: Any, settings: list[Setting]) -> Credentials:
        path = ("service", "credentials")
        kinds = ("none", "bearer", "basic", "header")
        t = self.table(value, path, ("kind", "env", "username_env", "password_env", "header", "prefix"), ("kind",))
        kind = t.get("kind", "none")
        if kind not in kinds:
            self.problem((*path, "kind"), f"unknown credentials kind {kind!r}", f"use one of {', '.join(kinds)}")
            return Credentials("none")
        needed = {"none": (), "bearer": ("env",), "header": ("env",), "basic": ("username_env", "password_env")}[kind]
        for key in needed:
            if key not in t:
                self.problem(path, f"credentials of kind {kind!r} need {key!r}")
        for key in ("env", "username_env", "password_env"):
            if key in t and key not in needed:
                self.problem((*path, key), f"{key!r} does not apply to credentials of kind {kind!r}")
        header = t.get("header", "Authorization")
        prefix = t.get("prefix", "")
        if kind != "header" and ("header" in t or "prefix" in t):
            self.problem(path, "'header' and 'prefix' apply only to credentials of kind 'header'")
        if not isinstance(header, str) or not _HEADER.match(header):
            self.problem((*path, "header"), f"{header!r} is not an HTTP header name")
            header = "Authorization"
        if not isinstance(prefix, str):
            self.problem((*path, "prefix"), "expected text")
            prefix = ""
        creds = Credentials(kind, header, prefix)
        envs = [t.get(k) for k in needed]
        for setting_name, env in zip(creds.setting_names, envs):
            if isinstance(env, str) and _ENV.match(env):
                settings.append(Setting(setting_name, env, None, True, True, f"{kind} credential for the service"))
            elif env is not None:
                self.problem(path, f"{env!r} is not an environment variable name", "use UPPER_SNAKE_CASE")
        return creds

    def user(self, value: Any) -> tuple[Field, ...]:
        path = ("user",)
        if self.typed(value, path, dict, "a table of fields") is None:
            return ()
        fields = []
        for name, item in value.items():
            fpath = (*path, name)
            if not _FIELD.match(name) or name in RESERVED or name in RESERVED_FIELDS:
                self.problem(fpath, f"{name!r} cannot be a field name", "use snake_case that is not a reserved word")
                continue
            t = self.table(item, fpath, ("type", "from", "optional", "values", "description"), ("type", "from"))
            ftype = t.get("type", "string")
            if ftype not in FIELD_TYPES:
                close = difflib.get_close_matches(str(ftype), FIELD_TYPES, n=1)
                self.problem((*fpath, "type"), f"unknown type {ftype!r}",
                             f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(FIELD_TYPES)}")
                continue
            pointer = self.pointer(t.get("from", ""), (*fpath, "from"))
            values: tuple[str, ...] = ()
            if ftype == "enum":
                raw = t.get("values")
                if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
                    self.problem((*fpath, "values"), "an enum needs 'values', a non-empty array of text")
                else:
                    values = tuple(raw)
            elif "values" in t:
                self.problem((*fpath, "values"), "'values' applies only to type 'enum'")
            if pointer is not None and pointer.has_wildcard and ftype != "list<string>":
                self.problem((*fpath, "from"), "a '*' pointer yields a list", "use type = \"list<string>\"")
            optional = self.typed(t.get("optional", False), (*fpath, "optional"), bool, "true or false")
            if pointer is not None and "type" in t and "from" in t:
                fields.append(Field(name, ftype, pointer, bool(optional), values))
        if not fields and not self.problems:
            self.problem(path, "the user record needs at least one field")
        return tuple(fields)

    def pointer(self, value: Any, path: KeyPath) -> expr.Pointer | None:
        if self.typed(value, path, str, "a JSON pointer") is None:
            return None
        try:
            return expr.parse_pointer(value)
        except expr.ExprError as err:
            self.problem(path, str(err), 'write a JSON pointer such as "/user/id", or "" for the whole body')
            return None

    def value(self, raw: Any, path: KeyPath, *, body: bool = False) -> expr.Value | None:
        try:
            return expr.parse_value(raw, body=body)
        except expr.ExprError as err:
            self.problem(path, str(err))
            return None

    def operations(self, value: Any, service: Service | None) -> dict[str, Operation]:
        path = ("operations",)
        t = self.table(value, path, OPERATIONS, REQUIRED_OPERATIONS)
        ops: dict[str, Operation] = {}
        for name in OPERATIONS:
            if name not in t:
                continue
            op_t = self.table(t[name], (*path, name), ("steps",), ("steps",))
            steps_raw = op_t.get("steps", [])
            if not isinstance(steps_raw, list) or not steps_raw:
                if "steps" in op_t:
                    self.problem((*path, name, "steps"), "expected at least one step", f"add [[operations.{name}.steps]]")
                continue
            steps = [self.step(s, (*path, name, "steps", i)) for i, s in enumerate(steps_raw)]
            if all(steps):
                ops[name] = Operation(name, tuple(steps))  # type: ignore[arg-type]
        self.check_references(ops, service)
        return ops

    def step(self, value: Any, path: KeyPath) -> Step | None:
        keys = ("method", "path", "query", "headers", "json", "form", "auth", "ok", "errors", "extract")
        t = self.table(value, path, keys, ("method", "path"))
        method = t.get("method", "GET")
        if not isinstance(method, str) or method.upper() not in _METHODS:
            self.problem((*path, "method"), f"unsupported method {method!r}", f"use one of {', '.join(_METHODS)}")
            method = "GET"
        method = method.upper()
        ok_count = len(self.problems)
        step_path = self.value(t.get("path", "/"), (*path, "path"))
        if isinstance(step_path, expr.Template):
            first = step_path.parts[0]
            if isinstance(first, expr.Lit) and not first.text.startswith("/"):
                self.problem((*path, "path"), f"path {first.text!r} must start with '/'",
                             "or with a reference to a URL from an earlier step, e.g. \"${steps.1.href}\"")
        elif step_path is not None:
            self.problem((*path, "path"), "a path is text, not a transform")
        query = self.pairs(t.get("query", {}), (*path, "query"))
        headers = self.pairs(t.get("headers", {}), (*path, "headers"))
        for hname, _ in headers:
            if not _HEADER.match(hname):
                self.problem((*path, "headers", hname), f"{hname!r} is not an HTTP header name")
        body = None
        if "json" in t:
            if not isinstance(t["json"], (dict, list)):
                self.problem((*path, "json"), f"expected a table or array, got {_kind(t['json'])}")
            else:
                body = self.value(t["json"], (*path, "json"), body=True)
        form = self.pairs(t["form"], (*path, "form")) if "form" in t else None
        if body is not None and form is not None:
            self.problem(path, "a step sends either 'json' or 'form', not both")
        if method == "GET" and (body is not None or form):
            self.problem((*path, "method"), "a GET step cannot send a body", "use query parameters, or POST")
        auth = self.auth(t.get("auth", "none"), (*path, "auth"))
        ok = t.get("ok", [200] if method == "GET" else [200, 201, 204])
        if not isinstance(ok, list) or not ok or not all(_is_status(s) and s < 400 for s in ok):
            self.problem((*path, "ok"), "expected an array of success status codes", "e.g. ok = [200, 201]")
            ok = [200]
        errors = self.errors(t.get("errors", {}), (*path, "errors"))
        extract = []
        raw_extract = t.get("extract", {})
        if self.typed(raw_extract, (*path, "extract"), dict, "a table of name = JSON pointer") is not None:
            for key, ptr in raw_extract.items():
                if not _FIELD.match(key):
                    self.problem((*path, "extract", key), f"{key!r} is not a valid name", "use snake_case")
                    continue
                pointer = self.pointer(ptr, (*path, "extract", key))
                if pointer is not None:
                    extract.append((key, pointer))
        if len(self.problems) > ok_count or not isinstance(step_path, expr.Template):
            return None
        return Step(method, step_path, query, headers, body, form, auth, tuple(ok), errors, tuple(extract))

    def pairs(self, value: Any, path: KeyPath) -> tuple[tuple[str, expr.Value], ...]:
        if self.typed(value, path, dict, "a table") is None:
            return ()
        out = []
        for key, item in value.items():
            parsed = self.value(item, (*path, key))
            if parsed is not None:
                out.append((key, parsed))
        return tuple(out)

    def auth(self, value: Any, path: KeyPath) -> Auth:
        if value in ("none", "service"):
            return Auth(value)
        hint = 'use "none", "service", { bearer = "..." } or { basic = { username = "...", password = "..." } }'
        if not isinstance(value, dict) or len(value) != 1:
            self.problem(path, f"unsupported auth {value!r}", hint)
            return Auth("none")
        (kind, arg), = value.items()
        if kind == "bearer":
            token = self.value(arg, (*path, "bearer"))
            return Auth("bearer", (token,)) if token is not None else Auth("none")
        if kind == "basic":
            t = self.table(arg, (*path, "basic"), ("username", "password"), ("username", "password"))
            user = self.value(t.get("username", ""), (*path, "basic", "username"))
            password = self.value(t.get("password", ""), (*path, "basic", "password"))
            if user is not None and password is not None and len(t) == 2:
                return Auth("basic", (user, password))
            return Auth("none")
        self.problem(path, f"unknown auth kind {kind!r}", hint)
        return Auth("none")

    def errors(self, value: Any, path: KeyPath) -> tuple[ErrorRule, ...]:
        rules = []
        if isinstance(value, dict):
            for status, kind in value.items():
                if not status.isdigit() or not _is_status(int(status)) or int(status) < 400:
                    self.problem((*path, status), f"{status!r} is not an error status code", "use 400..599")
                    continue
                if self.kind(kind, (*path, status)):
                    rules.append(ErrorRule(int(status), kind))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                t = self.table(item, (*path, i), ("status", "match", "kind"), ("status", "kind"))
                status = t.get("status")
                if status is not None and (not _is_status(status) or status < 400):
                    self.problem((*path, i, "status"), f"{status!r} is not an error status code", "use 400..599")
                    continue
                match = []
                raw_match = t.get("match", {})
                if self.typed(raw_match, (*path, i, "match"), dict, "a table of JSON pointer = value") is not None:
                    for ptr, expected in raw_match.items():
                        pointer = self.pointer(ptr, (*path, i, "match", ptr))
                        if isinstance(expected, (dict, list)):
                            self.problem((*path, i, "match", ptr), "expected a text, number or boolean value")
                        elif pointer is not None:
                            match.append((pointer, expected))
                if status is not None and "kind" in t and self.kind(t["kind"], (*path, i, "kind")):
                    rules.append(ErrorRule(status, t["kind"], tuple(match)))
        else:
            self.problem(path, f"expected a table or an array of tables, got {_kind(value)}")
        return tuple(rules)

    def kind(self, kind: Any, path: KeyPath) -> bool:
        if kind in ERROR_KINDS:
            return True
        close = difflib.get_close_matches(str(kind), ERROR_KINDS, n=1)
        self.problem(path, f"unknown error kind {kind!r}",
                     f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(ERROR_KINDS)}")
        return False

    # -- cross references ----------------------------------------------------

    def check_references(self, ops: dict[str, Operation], service: Service | None) -> None:
        """Every ``${...}`` must name something that exists by the time it is used."""
        settings = {s.name for s in service.settings} if service else set()
        config = set(service.config_names) if service else set()
        login_extracts = set(ops["login"].extracts) - {USER_EXTRACT} if "login" in ops else set()
        used_session: set[str] = set()
        for name, op in ops.items():
            for i, step in enumerate(op.steps):
                path = ("operations", name, "steps", i)
                if step.auth.kind == "service" and service and service.credentials.kind == "none":
                    self.problem((*path, "auth"), "auth = \"service\" but the service has no credentials",
                                 "set [service] credentials, or drop auth")
                for ref in step.refs:
                    self.check_ref(ref, name, op, i, path, settings, config, login_extracts)
                    if ref.ns == "session":
                        used_session.add(ref.name)
                first = step.path.parts[0]
                if isinstance(first, expr.Ref) and first.ns == "input":
                    self.problem((*path, "path"), "a URL cannot come from user input", "take it from an earlier step")
            self.check_extracts(name, op, used_session)
        if "login" in ops:
            unused = [n for n in ops["login"].extracts if n not in used_session and n != USER_EXTRACT
                      and not self.used_later(ops["login"], n)]
            for n in unused:
                self.problem(("operations", "login"), f"login extracts {n!r} but nothing uses it",
                             f"use it as ${{session.{n}}} in get_user, or drop it")
        if "get_user" in ops and USER_EXTRACT not in dict(ops["get_user"].steps[-1].extract):
            last = len(ops["get_user"].steps) - 1
            self.problem(("operations", "get_user", "steps", last, "extract"),
                         "the last step of get_user must extract the user record",
                         'add extract = { user = "" } (or the pointer of the user object)')

    def check_ref(self, ref, op_name, op, index, path, settings, config, login_extracts) -> None:
        where = (*path,)
        if ref.ns == "input":
            if op_name == "login" and ref.name not in LOGIN_INPUTS:
                self.problem(where, f"${{{ref}}}: login takes only input.username and input.password")
            elif op_name == "get_user":
                self.problem(where, f"${{{ref}}}: get_user has no input", "use ${session.<name>} from login")
        elif ref.ns == "config":
            if ref.name not in config:
                self.problem(where, f"${{{ref}}} is not defined", self.suggest(ref.name, config, "[service.config]"))
        elif ref.ns == "service":
            if ref.name not in settings:
                self.problem(where, f"${{{ref}}} is not defined", self.suggest(ref.name, settings, "[service]"))
        elif ref.ns == "session":
            if op_name == "login":
                self.problem(where, f"${{{ref}}}: login runs before there is a session", "use ${steps.<n>.<name>}")
            elif ref.name not in login_extracts:
                self.problem(where, f"${{{ref}}}: login does not extract {ref.name!r}",
                             self.suggest(ref.name, login_extracts, "operations.login extract"))
        elif ref.ns == "steps":
            n = ref.step or 0
            if n > index:
                self.problem(where, f"${{{ref}}}: step {n} does not run before step {index + 1}",
                             "a step can only use what earlier steps extracted")
            elif ref.name not in dict(op.steps[n - 1].extract):
                names = {k for k, _ in op.steps[n - 1].extract}
                self.problem(where, f"${{{ref}}}: step {n} does not extract {ref.name!r}",
                             self.suggest(ref.name, names, f"step {n}'s extract"))

    def used_later(self, op: Operation, name: str) -> bool:
        return any(
            ref.ns == "steps" and ref.name == name for step in op.steps for ref in step.refs
        )

    def check_extracts(self, name: str, op: Operation, used_session: set[str]) -> None:
        if name == "login":
            return  # checked once get_user's session refs are known
        for i, step in enumerate(op.steps):
            for key, _ in step.extract:
                if key == USER_EXTRACT and name in ("get_user", "register"):
                    continue
                used = any(r.ns == "steps" and r.step == i + 1 and r.name == key
                           for later in op.steps[i + 1:] for r in later.refs)
                if not used:
                    self.problem(("operations", name, "steps", i, "extract", key),
                                 f"{key!r} is extracted but no later step uses it",
                                 f"use it as ${{steps.{i + 1}.{key}}}, or drop it")

    @staticmethod
    def suggest(name: str, known: set[str], where: str) -> str:
        close = difflib.get_close_matches(name, sorted(known), n=1)
        if close:
            return f"did you mean {close[0]!r}?"
        return f"defined names in {where}: {', '.join(sorted(known))}" if known else f"define it in {where}"

    # -- mapping and targets -------------------------------------------------

    def mapping(self, value: Any, fields: tuple[Field, ...]) -> Mapping | None:
        path = ("mapping",)
        keys = ("id", "username", "email", "first_name", "last_name", "roles", "active", "admin_roles", "staff_roles")
        t = self.table(value, path, keys, ("id", "username"))
        by_name = {f.name: f for f in fields}
        names: dict[str, str | None] = {}
        for key in ("id", "username", "email", "first_name", "last_name", "roles"):
            target = t.get(key)
            if target is None:
                names[key] = None
                continue
            if not isinstance(target, str) or target not in by_name:
                self.problem((*path, key), f"{key} maps to {target!r}, which is not a [user] field",
                             self.suggest(str(target), set(by_name), "[user]"))
                names[key] = None
                continue
            ftype = by_name[target].type
            wanted = ("list<string>",) if key == "roles" else ("string", "email", "int", "enum")
            if ftype not in wanted:
                self.problem((*path, key), f"{key} maps to {target!r} of type {ftype}", f"use a field of type {' or '.join(wanted)}")
            if key in ("id", "username") and by_name[target].optional:
                self.problem((*path, key), f"{key} maps to {target!r}, which is optional", "the id and username must always be present")
            names[key] = target
        active = self.active(t.get("active"), by_name)
        roles = {}
        for key in ("admin_roles", "staff_roles"):
            raw = t.get(key, [])
            if not isinstance(raw, list) or not all(isinstance(r, str) and r for r in raw):
                self.problem((*path, key), "expected an array of role names")
                raw = []
            if raw and names.get("roles") is None:
                self.problem((*path, key), f"{key} needs roles to be mapped", "add roles = \"<a list<string> field>\"")
            roles[key] = tuple(raw)
        for f in fields:
            if f.name in CANONICAL and names.get(f.name, f.name) != f.name:
                self.problem(("user", f.name), f"field {f.name!r} would hide the canonical {f.name!r}",
                             f"rename the field, or map {f.name} = \"{f.name}\"")
        if "id" not in t or "username" not in t or names["id"] is None or names["username"] is None:
            return None
        return Mapping(names["id"], names["username"], names["email"], names["first_name"], names["last_name"],
                       names["roles"], active, roles["admin_roles"], roles["staff_roles"])

    def active(self, value: Any, by_name: dict[str, Field]) -> ActiveRule:
        path = ("mapping", "active")
        if value is None:
            return ActiveRule()
        if isinstance(value, str):
            if value not in by_name or by_name[value].type != "bool":
                self.problem(path, f"active maps to {value!r}, which is not a bool field",
                             'use a bool field, or { field = "status", equals = "ACTIVE" }')
                return ActiveRule()
            return ActiveRule(value)
        t = self.table(value, path, ("field", "equals"), ("field", "equals"))
        fname, equals = t.get("field"), t.get("equals")
        if fname is not None and fname not in by_name:
            self.problem((*path, "field"), f"{fname!r} is not a [user] field", self.suggest(str(fname), set(by_name), "[user]"))
            return ActiveRule()
        if fname is None or equals is None:
            return ActiveRule()
        field = by_name[fname]
        if not isinstance(equals, str):
            self.problem((*path, "equals"), "expected text")
        elif field.type == "enum" and equals not in field.values:
            self.problem((*path, "equals"), f"{equals!r} is not one of {fname}'s values {list(field.values)}")
        elif field.type not in ("enum", "string"):
            self.problem((*path, "field"), f"{fname!r} is of type {field.type}", "compare a string or enum field")
        return ActiveRule(fname, equals)

    def targets(self, value: Any) -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
        path = ("targets",)
        names = tuple(TARGETS)
        t = self.table(value, path, ("enabled", *names))
        enabled = t.get("enabled", list(names))
        if not isinstance(enabled, list) or not enabled:
            self.problem((*path, "enabled"), "expected a non-empty array of target names")
            enabled = []
        out = []
        for i, name in enumerate(enabled):
            if name not in TARGETS:
                close = difflib.get_close_matches(str(name), names, n=1)
                self.problem((*path, "enabled", i), f"unknown target {name!r}",
                             f"did you mean {close[0]!r}?" if close else f"use {', '.join(names)}")
            elif name in out:
                self.problem((*path, "enabled", i), f"target {name!r} is listed twice")
            else:
                out.append(name)
        options: dict[str, dict[str, str]] = {}
        for name in names:
            if name in t:
                allowed = TARGETS[name].options
                opts = self.table(t[name], (*path, name), allowed)
                options[name] = {k: v for k, v in opts.items() if self.typed(v, (*path, name, k), str, "text")}
        spring = options.get("spring", {})
        if "package" in spring and not _JAVA_PACKAGE.match(spring["package"]):
            self.problem((*path, "spring", "package"), f"{spring['package']!r} is not a Java package name", "e.g. com.acme.auth")
        if "group_id" in spring and not _JAVA_PACKAGE.match(spring["group_id"]):
            self.problem((*path, "spring", "group_id"), f"{spring['group_id']!r} is not a Maven group id", "e.g. com.acme")
        ns = options.get("aspnetcore", {}).get("namespace")
        if ns is not None and not _DOTNET_NAMESPACE.match(ns):
            self.problem((*path, "aspnetcore", "namespace"), f"{ns!r} is not a .NET namespace", "e.g. Acme.AspNetCore")
        return tuple(out), options


def _is_status(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599


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
    return type(value).__name__
