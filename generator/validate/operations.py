"""Check ``[operations]``: each operation's steps, as HTTP requests and what their responses mean.

A step is read into a :class:`Draft` that keeps what the step declares (its
values and extract names) even when the step has problems: the reference
checks then read every draft, and only problem-free drafts become the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import expr
from ..lines import KeyPath
from ..model import (
    DEFAULT_TOKEN_QUERY,
    ERROR_KINDS,
    KIND_OPERATIONS,
    MESSAGE_KINDS,
    OPERATIONS,
    REQUIRED_OPERATIONS,
    TOKEN_LINK_OPERATIONS,
    Auth,
    ErrorRule,
    Operation,
    Step,
)
from .report import closest, did_you_mean, kind_of, listed, snake_case
from .values import ValueChecks
from .vocabulary import FIELD, STEP_KEYS

#: Operations whose extracts become session values, which public = true may mark.
_SESSION_OPERATIONS = ("login", "refresh")
#: Where an optional input may be used: as the whole value of a JSON body member, which can be left out.
_OMITTABLE = ("json",)
#: Text that reads as a JSON number.
_NUMBER = re.compile(r"\s*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*\Z")
_STATUS = re.compile(r"[1-5][0-9][0-9]\Z")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_AUTH_WORDS = ("none", "service")
_AUTH_HINT = 'use "none", "service", { bearer = "..." } or { basic = { username = "...", password = "..." } }'
#: A query parameter name that needs no percent-encoding in a link.
_QUERY_NAME = re.compile(r"[A-Za-z0-9._~-]+\Z")
#: What every HTTP client sends in a header value: tab, printable ASCII and printable Latin-1.
_HEADER_TEXT = re.compile(r"[^\t\x20-\x7e\xa0-\xff]")
HEADER_TEXT_HINT = "header values can hold only printable Latin-1 text; put other text in the body"


def unsendable_header_text(text: str) -> str | None:
    """What in ``text`` no HTTP client sends in a header value (a line break, a NUL, ...), or None."""
    bad = _HEADER_TEXT.search(text)
    if bad is None:
        return None
    char = bad.group()
    if char in "\r\n":
        return "a line break"
    if char == "\x00":
        return "a NUL character"
    if ord(char) > 0xFF:
        return f"a character beyond Latin-1 (U+{ord(char):04X})"
    return f"a control character (U+{ord(char):04X})"


@dataclass
class Draft:
    """What one step declares, kept even when the step has problems."""

    path: KeyPath
    #: every parsed value of the step with its key path, for reference checks
    values: list[tuple[KeyPath, expr.Value]] = field(default_factory=list)
    #: extract names with their key paths
    extracts: dict[str, KeyPath] = field(default_factory=dict)
    #: extract names marked public = true
    public: list[str] = field(default_factory=list)
    #: False when the step's values or extracts could not all be read
    complete: bool = True
    step: Step | None = None

    def refs(self) -> Iterable[tuple[KeyPath, expr.Ref]]:
        return ((path, ref) for path, value in self.values for ref in expr.refs_of(value))


#: Each operation's drafts by name; None when its steps cannot be read.
Drafts = dict[str, list[Draft] | None]


#: Operations whose form inputs a spec may mark optional (login's two inputs are always required).
_INPUT_OPERATIONS = ("register", "forgot_password")
_INPUTS_HINT = "write inputs = { <input name> = { optional = true } }"


def build_operations(
    drafts: Drafts,
    token_queries: dict[str, str] | None = None,
    optional_inputs: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, Operation]:
    """The operations whose every step was built without a problem.

    :param token_queries: the ``token_query`` of the operations that wrote one.
    :param optional_inputs: each operation's inputs marked ``optional = true``.
    """
    queries = token_queries or {}
    optional = optional_inputs or {}
    return {
        name: Operation(
            name,
            tuple(d.step for d in steps),  # type: ignore[misc]
            token_query=queries.get(name, DEFAULT_TOKEN_QUERY) if name in TOKEN_LINK_OPERATIONS else None,
            optional_inputs=optional.get(name, ()),
        )
        for name, steps in drafts.items()
        if steps and all(d.step for d in steps)
    }


class OperationChecks(ValueChecks):
    """The ``[operations]`` table: steps, values, auth, success codes, errors and extracts."""

    #: the ``token_query`` each operation with an emailed link wrote
    token_queries: dict[str, str]
    #: each operation's inputs marked ``optional = true``
    optional_inputs: dict[str, tuple[str, ...]]

    def operations(self, value: Any) -> Drafts:
        """Each operation's steps as drafts: the references between them are checked before they become the model."""
        path = ("operations",)
        self.token_queries = {}
        self.optional_inputs = {}
        t = self.table(value, path, OPERATIONS, REQUIRED_OPERATIONS)
        return {name: self.operation(name, t[name]) for name in OPERATIONS if name in t}

    def operation(self, name: str, value: Any) -> list[Draft] | None:
        path = ("operations", name)
        keys = (
            "steps",
            *(("inputs",) if name in _INPUT_OPERATIONS else ()),
            *(("token_query",) if name in TOKEN_LINK_OPERATIONS else ()),
        )
        if isinstance(value, dict) and "token_query" in value and name not in TOKEN_LINK_OPERATIONS:
            where = " and ".join(TOKEN_LINK_OPERATIONS)
            message = f"{name} has no emailed link, so no token_query"
            self.problem((*path, "token_query"), message, f"token_query belongs to {where}; remove it here")
            value = {k: v for k, v in value.items() if k != "token_query"}
        if isinstance(value, dict) and "inputs" in value and name not in _INPUT_OPERATIONS:
            where = " and ".join(_INPUT_OPERATIONS)
            self.problem((*path, "inputs"), f"{name} has no form inputs to mark optional", f"inputs applies to {where}")
            value = {k: v for k, v in value.items() if k != "inputs"}
        t = self.table(value, path, keys, ("steps",), f"write [[operations.{name}.steps]] tables")
        if "token_query" in t:
            self.token_query(name, t["token_query"], (*path, "token_query"))
        if "steps" not in t:
            return None
        steps = t["steps"]
        if not isinstance(steps, list) or not steps:
            self.problem((*path, "steps"), "expected one or more steps", f"write [[operations.{name}.steps]] tables")
            return None
        drafts = [self.step(raw, (*path, "steps", i), name) for i, raw in enumerate(steps)]
        if "inputs" in t:
            self.inputs(name, t["inputs"], (*path, "inputs"), drafts)
        return drafts

    def inputs(self, operation: str, value: Any, path: KeyPath, drafts: list[Draft]) -> None:
        """``inputs = { username = { optional = true } }``: form inputs the user may leave empty.

        An optional input left empty is left out of the request, so it must be
        the whole value of a member of a JSON body.
        """
        if self.typed(value, path, dict, "a table of input name = { optional = true }", _INPUTS_HINT) is None:
            return
        uses: dict[str, list[tuple[KeyPath, expr.Value]]] = {}
        for draft in drafts:
            for vpath, parsed in draft.values:
                for ref in expr.refs_of(parsed):
                    if ref.ns == "input":
                        uses.setdefault(ref.name, []).append((vpath, parsed))
        optional = []
        for name, item in value.items():
            ipath = (*path, name)
            t = self.table(item, ipath, ("optional",), ("optional",), _INPUTS_HINT)
            flag = self.typed(t.get("optional", False), (*ipath, "optional"), bool, "true or false")
            if name not in uses:
                self.problem(ipath, f"{operation} never sends ${{input.{name}}}", did_you_mean(name, tuple(uses)))
            elif flag and self.omittable(name, uses[name]):
                optional.append(name)
        self.optional_inputs[operation] = tuple(optional)

    def omittable(self, name: str, uses: list[tuple[KeyPath, expr.Value]]) -> bool:
        """Whether every use of an optional input can be left out of its request when it is empty."""
        for vpath, parsed in uses:
            whole = isinstance(parsed, expr.Template) and parsed.single_ref is not None
            if not (whole and len(vpath) >= 2 and isinstance(vpath[-1], str) and any(k in vpath for k in _OMITTABLE)):
                self.problem(
                    vpath,
                    f"optional input {name!r} must be the whole value of a JSON body member",
                    f'an empty input is left out of the request: write {vpath[-1]} = "${{input.{name}}}"',
                )
                return False
        return True

    def token_query(self, op: str, value: Any, path: KeyPath) -> None:
        """The query parameter of the link in the service's email that holds the token (``?sptoken=...``)."""
        hint = f'the parameter of the link in the email, e.g. token_query = "sptoken" (default "{DEFAULT_TOKEN_QUERY}")'
        if self.typed(value, path, str, "text", hint) is None:
            return
        if not _QUERY_NAME.match(value):
            self.problem(path, f"{value!r} is not a query parameter name", "use letters, digits, '.', '_', '~' or '-'")
            return
        self.token_queries[op] = value

    def step(self, value: Any, path: KeyPath, op: str = "") -> Draft:
        draft = Draft(path)
        t = self.table(value, path, STEP_KEYS, ("method", "path"))
        if not isinstance(value, dict) or t.misspelt - {"method", "ok", "errors"}:
            draft.complete = False
        if not isinstance(value, dict):
            return draft
        before = len(self.problems)
        method = self.method(t["method"], (*path, "method")) if "method" in t else None
        url = self.step_path(t["path"], (*path, "path"), draft) if "path" in t else None
        query = self.pairs(t, "query", path, draft)
        headers = self.pairs(t, "headers", path, draft)
        for name, header in headers:
            self.header_name(name, (*path, "headers", name))
            self.header_value(header, (*path, "headers", name))
        json, form = self.body(t, path, method, draft)
        auth = self.auth(t["auth"], (*path, "auth"), draft) if "auth" in t else Auth("none")
        ok = self.ok(t, path, method)
        errors = self.errors(t["errors"], (*path, "errors"), op) if "errors" in t else ()
        extract = self.extract(t, path, draft)
        if len(self.problems) == before and method is not None and url is not None:
            draft.step = Step(method, url, query, headers, json, form, auth, ok, errors, extract, tuple(draft.public))
        return draft

    def value(self, raw: Any, path: KeyPath, draft: Draft, *, body: bool = False) -> expr.Value | None:
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
        self.problem(path, f"unsupported method {value!r}", did_you_mean(value, _METHODS))
        return None

    def step_path(self, value: Any, path: KeyPath, draft: Draft) -> expr.Template | None:
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

    def pairs(self, t: dict, key: str, path: KeyPath, draft: Draft) -> tuple[tuple[str, expr.Value], ...]:
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

    def header_value(self, value: expr.Value, path: KeyPath) -> None:
        """Refuse literal text in a header value that no HTTP client can send."""
        if not isinstance(value, expr.Template):
            return
        for part in value.parts:
            what = unsendable_header_text(part.text) if isinstance(part, expr.Lit) else None
            if what is not None:
                self.problem(path, f"header value holds {what}, which no HTTP client can send", HEADER_TEXT_HINT)
                return

    def body(self, t: dict, path: KeyPath, method: str | None, draft: Draft) -> tuple[expr.Value | None, Any]:
        """The JSON body or the form of a step."""
        json = form = None
        if "json" in t:
            raw = t["json"]
            if isinstance(raw, (dict, list)) and not _is_transform(raw):
                json = self.value(raw, (*path, "json"), draft, body=True)
            else:
                what = "a transform" if isinstance(raw, dict) else kind_of(raw)
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

    def auth(self, value: Any, path: KeyPath, draft: Draft) -> Auth:
        if isinstance(value, str):
            return self.auth_word(value, path)
        if not isinstance(value, dict) or len(value) != 1:
            self.problem(path, f"unsupported auth {kind_of(value)}", _AUTH_HINT)
            return Auth("none")
        ((kind, arg),) = value.items()
        if kind == "bearer":
            token = self.value(arg, (*path, "bearer"), draft)
            if token is not None:
                self.header_value(token, (*path, "bearer"))
            return Auth("bearer", (token,)) if token is not None else Auth("none")
        if kind == "basic":
            bpath = (*path, "basic")
            t = self.table(arg, bpath, ("username", "password"), ("username", "password"), _AUTH_HINT)
            user = self.value(t["username"], (*bpath, "username"), draft) if "username" in t else None
            password = self.value(t["password"], (*bpath, "password"), draft) if "password" in t else None
            return Auth("basic", (user, password)) if user is not None and password is not None else Auth("none")
        close = closest(kind, ("bearer", "basic"))
        self.problem((*path, kind), f"unknown auth kind {kind!r}", f"did you mean {close!r}?" if close else _AUTH_HINT)
        draft.complete = False
        return Auth("none")

    def auth_word(self, value: str, path: KeyPath) -> Auth:
        if value not in _AUTH_WORDS:
            close = closest(value, _AUTH_WORDS)
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
            self.problem(kpath, f"expected an array of status codes, got {kind_of(raw)}", f"write ok = [{raw}]")
        elif not isinstance(raw, list) or not raw:
            what = "an empty array" if raw == [] else kind_of(raw)
            self.problem(kpath, f"expected an array of success status codes, got {what}", "e.g. ok = [200, 201]")
        else:
            for i, status in enumerate(raw):
                if not _is_status(status) or status >= 400:
                    self.problem(
                        (*kpath, i), f"{status!r} is not a success status code", "use codes below 400, e.g. 200"
                    )
            return tuple(raw)
        return default

    def errors(self, value: Any, path: KeyPath, op: str = "") -> tuple[ErrorRule, ...]:
        if isinstance(value, dict):
            rules = [self.error_entry(status, kind, (*path, status), op) for status, kind in value.items()]
        elif isinstance(value, list):
            rules = [self.error_rule(item, (*path, i), op) for i, item in enumerate(value)]
            self.check_shadowed(rules, path)
        else:
            hint = 'e.g. errors = { 401 = "invalid_credentials" }'
            self.problem(path, f"expected a table or an array of tables, got {kind_of(value)}", hint)
            return ()
        return tuple(r for r in rules if r is not None)

    def error_entry(self, status: str, kind: Any, path: KeyPath, op: str = "") -> ErrorRule | None:
        """``401 = "invalid_credentials"``."""
        code = self.error_status(int(status) if _STATUS.match(status) else status, path)
        if self.error_kind(kind, path, op) and code is not None:
            return ErrorRule(code, kind)
        return None

    def error_rule(self, value: Any, path: KeyPath, op: str = "") -> ErrorRule | None:
        """``{ status = 400, match = { "/code" = 7101 }, kind = "account_disabled" }``."""
        hint = 'write { status = 400, kind = "invalid_input" }'
        t = self.table(value, path, ("status", "match", "kind", "message"), ("status", "kind"), hint)
        code = self.error_status(t["status"], (*path, "status")) if "status" in t else None
        kind = self.error_kind(t["kind"], (*path, "kind"), op) if "kind" in t else False
        match = self.error_match(t["match"], (*path, "match")) if "match" in t else ()
        message = self.error_message(t["message"], (*path, "message"), t.get("kind")) if "message" in t else None
        if code is None or not kind or match is None or message is False:
            return None
        return ErrorRule(code, t["kind"], match, message or None)

    def error_status(self, status: Any, path: KeyPath) -> int | None:
        if not _is_status(status):
            self.problem(path, f"{status!r} is not an HTTP status code", "use an error status from 400 to 599")
            return None
        if status < 400:
            self.problem(path, f"status {status} is not an error", "errors map 4xx and 5xx; success codes go in ok")
            return None
        return status

    def error_kind(self, kind: Any, path: KeyPath, op: str = "") -> bool:
        if kind not in ERROR_KINDS:
            self.problem(path, f"unknown error kind {kind!r}", did_you_mean(kind, ERROR_KINDS))
            return False
        fits = KIND_OPERATIONS.get(kind)
        if op and fits and op not in fits:
            where = listed(fits)
            self.problem(path, f"error kind {kind!r} does not fit {op}", f"{kind!r} is for {where} only")
            return False
        return True

    def error_message(self, value: Any, path: KeyPath, kind: Any) -> expr.Pointer | bool:
        """``message = "/error/message"``: where the error body holds the service's message; False on a problem."""
        if kind in ERROR_KINDS and kind not in MESSAGE_KINDS:
            kinds = " and ".join(MESSAGE_KINDS)
            self.problem(path, f"{kind!r} errors show their own message, not the service's", f"message is for {kinds}")
            return False
        pointer = self.pointer(value, path)
        if pointer is None:
            return False
        if pointer.has_wildcard:
            self.problem(path, "a message pointer cannot hold '*'", "point at one text of the error body")
            return False
        return pointer

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
        elif isinstance(expected, dict) and set(expected) == {"text"} and isinstance(expected["text"], str):
            return pointer, expected["text"]  # { text = "7101" }: the service sends the number as text
        elif not isinstance(expected, (str, int, float, bool)):
            self.problem(path, f"expected text, a number or a boolean, got {kind_of(expected)}", 'e.g. "/code" = 7101')
        elif isinstance(expected, str) and _NUMBER.match(expected):
            # match is typed: the text "7101" never equals the JSON number 7101, so this would silently never match.
            self.problem(
                path,
                f"{expected!r} is text that looks like a number; match compares types, so it never matches the number",
                f'to match the JSON number write "{ptr}" = {expected}; '
                f'to match text write "{ptr}" = {{ text = "{expected}" }}',
            )
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

    def extract(self, t: dict, path: KeyPath, draft: Draft) -> tuple[tuple[str, expr.Pointer], ...]:
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
            if not FIELD.match(key):
                self.problem(epath, f"extract name {key!r} is not snake_case", f"rename it, e.g. {snake_case(key)!r}")
                continue
            draft.extracts[key] = epath
            if isinstance(raw, dict):
                raw, epath = self.extract_table(raw, epath, key, draft), (*epath, "from")
                if raw is None:
                    continue
            pointer = self.pointer(raw, epath)
            if pointer is not None and pointer.has_wildcard:
                self.problem(epath, "an extract is one text value; a '*' pointer gives a list", "point at one value")
            elif pointer is not None:
                out.append((key, pointer))
        return tuple(out)

    def extract_table(self, raw: dict, path: KeyPath, key: str, draft: Draft) -> Any:
        """``{ from = "/account/href", public = true }``: the pointer, after noting a public value."""
        t = self.table(
            raw, path, ("from", "public"), ("from",), f'write {key} = {{ from = "/pointer", public = true }}'
        )
        public = self.typed(t.get("public", False), (*path, "public"), bool, "true or false")
        if public and path[1] not in _SESSION_OPERATIONS:
            hint = "only what login extracts is kept in the session; remove public"
            self.problem((*path, "public"), f"public marks a session value, but {path[1]} makes none", hint)
        elif public:
            draft.public.append(key)
        return t.get("from")


def _is_transform(raw: Any) -> bool:
    return isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)) in expr.TRANSFORMS


def _is_status(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599
