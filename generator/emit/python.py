"""Emit Python: the spec's values as expressions, client steps, the user type.

The spelling of literals, comments and names is :mod:`generator.lang.python`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import expr
from ..lang.python import WORDS, class_name, comment, docstring, ident, literal, string, toml
from ..lang.scalars import interpolated, plain_text
from ..model import Field, Operation, Spec, Step
from ..plan import client
from ..plan.client import bind, client_plan
from ..plan.errors import ERROR_CLASSES, client_errors
from ..plan.helpers import ClientNeeds, client_needs, user_needs
from ..plan.operations import LIFECYCLE, ClientMethod, SessionValue, public_values, session_secrets
from ..plan.requests import BasicAuth, BearerAuth, HeaderAuth, path_text, request_auth
from ..plan.settings import nullable, setting_row
from ..plan.user import TEXT_DOCS, UserAttribute, enum_fields, user_attributes

#: Python types of [user] field types (enum fields get a Literal alias).
TYPES = {
    "string": "str",
    "email": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "datetime": "datetime",
    "list<string>": "tuple[str, ...]",
}

#: Converters in the generated ``user`` module, by field type.
CONVERTERS = {
    "string": "_str",
    "email": "_str",
    "int": "_int",
    "float": "_float",
    "bool": "_bool",
    "datetime": "_datetime",
    "enum": "_enum",
    "list<string>": "_str_tuple",
}

# -- values -------------------------------------------------------------------


class Names(client.Names):
    """References in a client method: locals, and settings as the client's attributes."""

    def setting(self, name: str) -> str:
        return f"self.{ident(name)}"


def template(value: expr.Template, names: Names, *, segment: bool = False) -> str:
    """Emit a text template: a plain literal, a single name, or an f-string.

    :param segment: percent-encode references, for the parts of a URL path.
    """
    simple = plain_text(value, string, names.of, segment=segment)
    if simple is not None:
        return simple

    def hole(ref: expr.Ref) -> str:
        code = names.of(ref)
        return "{" + (f"_quote({code})" if segment else code) + "}"

    return "f" + string(interpolated(value.parts, _braces_doubled, hole))


def _braces_doubled(text: str) -> str:
    """Literal text inside an f-string (quoting comes after, over the whole body)."""
    return text.replace("{", "{{").replace("}", "}}")


def value(node: expr.Value, names: Names) -> str:
    """Emit any spec value as a Python expression."""
    if isinstance(node, expr.Template):
        return template(node, names)
    if isinstance(node, expr.Transform):
        helper = {"base64": "_base64", "urlencode": "_quote"}[node.name]
        return f"{helper}({value(node.arg, names)})"
    if isinstance(node, expr.Const):
        return literal(node.value)
    if isinstance(node, expr.Obj):
        return members(node.items, names)
    if isinstance(node, expr.Arr):
        return "[" + ", ".join(value(v, names) for v in node.items) + "]"
    raise TypeError(node)


def members(items: tuple[tuple[str, expr.Value], ...], names: Names) -> str:
    """A dict literal; a member holding an optional input is there only when the input is not empty."""
    parts = []
    for key, item in items:
        ref = item.single_ref if isinstance(item, expr.Template) else None
        if ref is not None and str(ref) in names.optional:
            code = names.of(ref)
            parts.append(f"**({{{string(key)}: {code}}} if {code} else {{}})")
        else:
            parts.append(f"{string(key)}: {value(item, names)}")
    return "{" + ", ".join(parts) + "}"


def url(step: Step, names: Names) -> str:
    """The request URL: the base URL plus the path, or a URL an earlier step extracted."""
    if step.absolute:
        first = step.path.parts[0]
        rest = expr.Template(step.path.parts[1:]) if len(step.path.parts) > 1 else None
        head = names.of(first)  # type: ignore[arg-type]
        if rest is None:
            return head
        return f"{head} + {template(rest, names, segment=True)}"
    path = template(step.path, names, segment=True)
    if path.startswith("f"):
        return "f" + path[1] + "{self.base_url}" + path[2:]
    return "f" + path[0] + "{self.base_url}" + path[1:].replace("{", "{{").replace("}", "}}")


# -- operations ---------------------------------------------------------------


@dataclass(frozen=True)
class EmittedStep:
    """One step of a client method, as lines of Python for the template."""

    comment: str
    call: str
    #: the same call in a coroutine (the FastAPI client's): ``body = await self._send(...)``
    awaited: str
    extracts: tuple[str, ...]
    #: the module constant describing the request, and its definition
    constant: str
    definition: str


@dataclass(frozen=True)
class EmittedOperation:
    name: str
    params: tuple[str, ...]
    session_locals: tuple[tuple[str, str], ...]
    steps: tuple[EmittedStep, ...]
    returns: str
    #: lifecycle methods: the parameters after ``self``, the return annotation and the docstring
    signature: str = ""
    returns_type: str = "None"
    doc: str = ""
    #: lifecycle methods: (Python local, input name) read from ``input`` before the first step
    input_locals: tuple[tuple[str, str], ...] = ()


def operation(spec: Spec, op: Operation) -> EmittedOperation:
    """Emit the body of one client method: straight-line requests, no interpreter."""
    plan = client_plan(spec, op)
    method = plan.method
    taken: set[str] = {"self", "response", "body", "session", "headers"} | ({"input"} if method else set())

    def local(name: str) -> str:
        return WORDS.fresh(ident(name), taken)

    def param(name: str) -> str:
        """A keyword parameter keeps the input's own name (callers pass ``**inputs``)."""
        taken.add(ident(name))
        return ident(name)

    bound = bind(plan, local, inputs=True if method else param)
    names = Names(bound.names, plan.optional)
    steps = []
    for sp in plan.steps:
        constant = f"_{op.name.upper()}" + (f"_{sp.number}" if plan.many else "")
        extracts = []
        for read in sp.reads:
            if read.record:
                extracts.append(f"return _record(body, {string(str(read.pointer))})")
            else:
                helper = "_expires_at" if read.deadline else "_text"
                extracts.append(f"{names.locals[read.ref]} = {helper}(body, {string(str(read.pointer))})")
        assign = "body = " if sp.reads or sp.returns_here else ""
        send = _send(spec, sp.step, names, constant)
        steps.append(
            EmittedStep(
                comment=comment(sp.label),
                call=assign + send,
                awaited=assign + "await " + send,
                extracts=tuple(extracts),
                constant=constant,
                definition=_definition(sp.step),
            )
        )
    returns = ""
    if op.name == "login":
        returns = "return {" + ", ".join(f"{string(v.name)}: {names.locals[v.source]}" for v in plan.returns) + "}"
    elif plan.returns:
        returns = _session_returned(plan.returns, names.locals, plan.last)
    if method is None:
        params = tuple(py for py, _ in bound.inputs)
        return EmittedOperation(op.name, params, bound.session, tuple(steps), returns)
    return EmittedOperation(
        op.name,
        (),
        bound.session,
        tuple(steps),
        returns,
        signature=_signature(method),
        returns_type="dict[str, str]" if method.returns else "None",
        doc=docstring(method.summary),
        input_locals=bound.inputs,
    )


def _signature(method: ClientMethod) -> str:
    """The parameters of a lifecycle method: ``self``, then the session and/or the input mapping."""
    params = ["self"]
    if method.takes_session:
        params.append("session: Mapping[str, str]")
    if method.inputs:
        params.append("input: Mapping[str, str]")
    return ", ".join(params)


def _session_returned(values: tuple[SessionValue, ...], locals_: dict[str, str], last: int) -> str:
    """``return {...}``: the new service session, read from the last response, earlier locals or the old session."""
    members = []
    for v in values:
        if v.step is None:
            code = f"session[{string(v.name)}]"
        elif v.step == last:
            read = "_expires_at" if v.deadline else "_text"
            code = f"{read}(body, {string(str(v.pointer))})"
        else:
            code = locals_[v.source]
        members.append(f"{string(v.name)}: {code}")
    return "return {" + ", ".join(members) + "}"


def _describe_path(step: Step) -> str:
    return comment(path_text(step))


def _send(spec: Spec, step: Step, names: Names, constant: str) -> str:
    """The ``self._send(...)`` call of a step."""
    args = [constant, url(step, names)]
    headers = [(string(k), value(v, names)) for k, v in step.headers]
    auth = None
    how = request_auth(spec, step)
    if isinstance(how, BasicAuth):
        auth = f"({value(how.user, names)}, {value(how.password, names)})"
    elif isinstance(how, BearerAuth):
        text = how.text
        headers.append(
            (
                string("Authorization"),
                f'"Bearer " + {value(how.token, names)}' if text is None else template(text, names),
            )
        )
    elif isinstance(how, HeaderAuth):
        headers.append((string(how.header), template(how.value, names)))
    if step.query:
        args.append("params=" + members(step.query, names))
    if headers:
        args.append("headers={" + ", ".join(f"{k}: {v}" for k, v in headers) + "}")
    if auth:
        args.append(f"auth={auth}")
    if step.json is not None:
        args.append(f"json={value(step.json, names)}")
    if step.form is not None:
        args.append("data=" + members(step.form, names))
    return "self._send(" + ", ".join(args) + ")"


def _definition(step: Step) -> str:
    """The ``_Step(...)`` describing a request: method, path as the spec writes it, statuses, error rules."""
    rules = []
    for rule in step.errors:
        args = [str(rule.status), ERROR_CLASSES[rule.kind]]
        if rule.match:
            args.append("{" + ", ".join(f"{string(str(p))}: {literal(v)}" for p, v in rule.match) + "}")
        if rule.message is not None:
            args.append(f"message={string(str(rule.message))}")
        rules.append("_Rule(" + ", ".join(args) + ")")
    errors = "(" + ", ".join(rules) + ("," if len(rules) == 1 else "") + ")" if rules else "()"
    args = [string(step.method), string(_describe_path(step)), f"ok={literal(tuple(step.ok))}", f"errors={errors}"]
    return "_Step(" + ", ".join(args) + ")"


# -- the user type ------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """One attribute of the generated user class."""

    name: str
    annotation: str
    read: str  # expression reading it out of ``record`` in from_record
    load: str  # expression reading it back out of ``data`` in from_dict
    dump: str  # expression writing it into the JSON-safe dict
    doc: str


def field_type(field: Field) -> str:
    base = class_name(field.name) if field.type == "enum" else TYPES[field.type]
    return f"{base} | None" if field.optional else base


def enum_aliases(spec: Spec) -> list[tuple[str, str]]:
    """``(alias, Literal[...])`` for every enum field."""
    return [
        (class_name(f.name), "Literal[" + ", ".join(string(v) for v in f.values) + "]")
        for f in enum_fields(spec, every=True)
    ]


def _load_dump(name: str, ftype: str, optional: bool) -> tuple[str, str]:
    """How an attribute is read back out of ``data`` in from_dict, and written into the JSON-safe dict."""
    key = string(name)
    if ftype == "datetime":
        if optional:
            return (
                f"_datetime(data[{key}]) if data[{key}] else None",
                f"self.{name}.isoformat() if self.{name} else None",
            )
        return f"_datetime(data[{key}])", f"self.{name}.isoformat()"
    if ftype == "list<string>":
        if optional:  # absent from the record, e.g. Keycloak's realm_access for a user without realm roles
            return (
                f"None if data[{key}] is None else tuple(data[{key}])",
                f"None if self.{name} is None else list(self.{name})",
            )
        return f"tuple(data[{key}])", f"list(self.{name})"
    return f"data[{key}]", f"self.{name}"


def attributes(spec: Spec) -> list[Attribute]:
    """The user class's attributes (:func:`generator.plan.user.user_attributes`) as Python."""
    return [_attribute(attr) for attr in user_attributes(spec)]


def _attribute(attr: UserAttribute) -> Attribute:
    source = attr.source
    if attr.kind == "text":
        annotation = "str | None" if attr.nullable else "str"
        doc = TEXT_DOCS[attr.name]
        if source is None:
            return Attribute(attr.name, annotation, "None", "None", "None", doc + " Not provided by this service.")
        read = reader(source)
        if attr.name == "id" and source.type != "string":
            read = f"str({read})"
        load, dump = _load_dump(attr.name, "string", False)
        return Attribute(attr.name, annotation, read, load, dump, doc + f" From field {comment(source.name)}.")
    if attr.kind == "roles":
        read = "()" if source is None else reader(source) + (" or ()" if attr.source_optional else "")
        load, dump = _load_dump("roles", "list<string>", False)
        return Attribute("roles", "tuple[str, ...]", read, load, dump, "Role names, used by roles_required.")
    if attr.kind == "active":
        doc = "False when the service has disabled the account."
        return Attribute("active", "bool", _active(attr), 'data["active"]', "self.active", doc)
    assert source is not None
    load, dump = _load_dump(attr.name, attr.type, attr.nullable)
    doc = f"From {comment(str(source.pointer) or '/')}."
    return Attribute(attr.name, field_type(source), reader(source), load, dump, doc)


def reader(field: Field) -> str:
    """The expression that reads ``field`` out of ``record``, converted to its type."""
    convert = "_last_segment" if field.transform == "last_segment" else CONVERTERS[field.type]
    if field.type == "enum":
        convert += "(" + ", ".join(string(v) for v in field.values) + ")"
    optional = ", optional=True" if field.optional else ""
    return f"_read(record, {string(field.name)}, {string(str(field.pointer))}, {convert}{optional})"


def _active(attr: UserAttribute) -> str:
    if attr.source is None:
        return "True"
    read = reader(attr.source)
    if attr.equals is None:
        return f"bool({read})"
    return f"{read} == {string(attr.equals)}"


#: Jinja filters this module gives templates.
FILTERS = {"py": literal, "pycomment": comment, "pydoc": docstring, "toml": toml}


def settings(spec: Spec, test_values: dict[str, str]) -> list[dict]:
    """The service settings as Flask config keys and Django settings: ``ACME_BASE_URL`` read into ``base_url``."""
    return [
        setting_row(
            s,
            attr=ident(s.name),
            config_key=f"{spec.service.slug.upper()}_{s.name.upper()}",
            default=literal(s.default),
            # may be unset at run time: typed ``str | None`` (not read off the default literal)
            nullable=nullable(s),
            description=s.description,
            test_value=literal(test_values.get(s.name, "")),
        )
        for s in spec.service.settings
    ]


def context(spec: Spec, test_values: dict[str, str], names: Mapping[str, str] | None = None) -> dict:
    """The Python part of a target's context: settings, the user type, client methods."""
    ops = {name: operation(spec, op) for name, op in spec.operations.items()}
    return {
        "lifecycle_ops": [ops[name] for name in LIFECYCLE if name in ops],
        "settings": settings(spec, test_values),
        "fields": [
            {"name": f.name, "type": f.type, "py_type": field_type(f), "optional": f.optional} for f in spec.user
        ],
        "attrs": attributes(spec),
        "enums": enum_aliases(spec),
        "ops": ops,
        "error_imports": error_imports(spec),
        "view_error_imports": view_error_imports(spec),
        "helpers": helpers(client_needs(spec)),
        "converters": converters(spec),
        # session values the spec marks public (ids, links): S17 does not count them as secrets
        "public_values": public_values(spec),
        "session_secrets": session_secrets(spec),
    }


def error_imports(spec: Spec) -> list[str]:
    """The error classes the client module names: those in rules, and the fail-closed one."""
    return sorted(client_errors(spec) | {"InvalidInput", f"{spec.service.class_name}Error"})


def view_error_imports(spec: Spec) -> list[str]:
    """The error classes the views module names, in ruff's order; the forgot view also catches UserNotFound."""
    names = ["AccountDisabled", f"{spec.service.class_name}Error", "InvalidCredentials"]
    names += ["UserNotFound"] if spec.has("forgot_password") else []
    return sorted(names, key=str.lower)


def helpers(needs: ClientNeeds) -> list[str]:
    """The optional helpers of the client module the spec's requests call, so no unused one is generated.

    Basic credentials and computed bearer tokens need none: ``requests``
    builds the Basic header, and ``"Bearer " + ...`` is plain Python.
    """
    return needs.helpers(
        base64="_base64", urlencode="_quote", deadline="_expires_at", service_message="_service_message"
    )


def converters(spec: Spec) -> list[str]:
    """The converters of the generated user module this spec's fields use."""
    needs = user_needs(spec)
    used = {CONVERTERS[kind] for kind in needs.types} | {f"_{transform}" for transform in needs.transforms}
    if used & {"_enum", "_str_tuple", "_last_segment"}:
        used.add("_str")
    if needs.pointer_filters:
        used.add("_where")  # the readers' list filter, *[member=value]
    return sorted(used)
