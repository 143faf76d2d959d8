"""Emit JavaScript: the spec's values as expressions, client methods, the user type.

The spelling and the Prettier layout of the code are :mod:`generator.lang.js`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import expr
from ..lang.js import (
    SPREAD,
    WORDS,
    Call,
    Items,
    Members,
    Node,
    comment,
    const,
    destructure,
    ident,
    key,
    layout,
    literal,
    option,
    signature,
    string,
    template_chars,
    ts_property,
)
from ..lang.names import camel
from ..lang.scalars import interpolated, plain_text
from ..model import OPERATIONS, Field, Operation, Spec, Step
from ..plan import client
from ..plan.client import StepPlan, bind, client_plan
from ..plan.errors import ERROR_CLASSES, client_errors
from ..plan.helpers import ClientNeeds, client_needs, user_needs
from ..plan.operations import (
    SUMMARIES,
    ClientMethod,
    SessionValue,
    public_values,
)
from ..plan.requests import BasicAuth, BearerAuth, HeaderAuth, request_auth
from ..plan.settings import setting_row
from ..plan.user import TEXT_DOCS, UserAttribute, own_fields, user_attributes

#: Client method names, by operation.
METHODS = {op: camel(op) for op in OPERATIONS}

#: What each operation's method takes: login gets the two inputs, get_user what login returned.
PARAMS = {"login": "username, password", "get_user": "session", "register": "input", "forgot_password": "input"}

#: TypeScript types of [user] field types (enum fields get a union of their values).
TS_TYPES = {
    "string": "string",
    "email": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "datetime": "Date",
    "list<string>": "readonly string[]",
}

#: Converters in the generated ``lib/user.js``, by field type.
CONVERTERS = {
    "string": "string",
    "email": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "datetime": "dateTime",
    "enum": "oneOf",
    "list<string>": "strings",
}

#: Names the emitted method bodies use themselves.
TAKEN = frozenset(
    {
        "body",
        "input",
        "session",
        "username",
        "password",
        "text",
        "record",
        "base64",
        "basic",
        "bearer",
        "urlencode",
        "deadline",
        "serviceMessage",
    }
)

# -- values -------------------------------------------------------------------


class Names(client.Names):
    """References in a client method: settings are options; inputs and session values are read in place."""

    def setting(self, name: str) -> str:
        return f"this.#options.{option(name)}"

    def local(self, ref: expr.Ref) -> str:
        if ref.ns == "input" and str(ref) not in self.locals:
            return f"input.{ref.name}"
        if ref.ns == "session":
            return f"session.{ref.name}"
        return self.locals[str(ref)]


def template(value: expr.Template, names: Names) -> str:
    """Emit a text template: a plain literal, a single name, or a template literal."""
    simple = plain_text(value, string, names.of)
    if simple is not None:
        return simple
    return "`" + template_text(value.parts, names) + "`"


def template_text(parts: tuple[expr.Lit | expr.Ref, ...], names: Names, *, segment: bool = False) -> str:
    """The inside of a template literal for ``parts``.

    :param segment: percent-encode references, for the parts of a URL path.
    """

    def hole(ref: expr.Ref) -> str:
        code = names.of(ref)
        return "${" + (f"urlencode({code})" if segment else code) + "}"

    return interpolated(parts, template_chars, hole)


def value(node: expr.Value, names: Names) -> Node:
    """Emit any spec value as a JS expression node."""
    if isinstance(node, expr.Template):
        return template(node, names)
    if isinstance(node, expr.Transform):
        return Call(node.name, (value(node.arg, names),))
    if isinstance(node, expr.Const):
        return literal(node.value)
    if isinstance(node, expr.Obj):
        return Members(tuple(_member(k, v, names) for k, v in node.items))
    if isinstance(node, expr.Arr):
        return Items(tuple(value(v, names) for v in node.items))
    raise TypeError(node)


def pairs(items: tuple[tuple[str, expr.Value], ...], names: Names) -> Members:
    """Query parameters, headers or form fields: an object, one member a line."""
    return Members(tuple(_member(k, v, names) for k, v in items))


def _member(name: str, item: expr.Value, names: Names) -> tuple[str, Node]:
    """One member of an object; one holding an optional input is spread in only when the input is not empty."""
    ref = item.single_ref if isinstance(item, expr.Template) else None
    if ref is not None and str(ref) in names.optional:
        code = names.of(ref)
        return SPREAD, f"...({code} ? {{ {key(name)}: {code} }} : {{}})"
    return key(name), value(item, names)


def url(step: Step, names: Names) -> str:
    """The request URL: the base URL plus the path, or a URL an earlier step extracted."""
    if step.absolute:
        first = step.path.parts[0]
        head = names.of(first)  # type: ignore[arg-type]
        if len(step.path.parts) == 1:
            return head
        return "`${" + head + "}" + template_text(step.path.parts[1:], names, segment=True) + "`"
    return "`${this.#options.baseUrl}" + template_text(step.path.parts, names, segment=True) + "`"


# -- operations ---------------------------------------------------------------

#: Indentation of a statement in a client method (class body, method body).
METHOD_DEPTH = 4


@dataclass(frozen=True)
class EmittedOperation:
    """One client method: its name, parameters, doc comment and body lines, indented for the class body."""

    method: str
    params: str
    doc: str
    lines: tuple[str, ...]
    #: ``const <NAME> = [...];`` for each step's error rules, at the top level.
    errors: tuple[str, ...]


#: What each client method does, for its doc comment.
DOCS = {
    "login": "Sign a user in; what it returns is kept in the server-side session, never sent to the browser.",
    "get_user": "Fetch the signed-in user's record with what login returned.",
    "register": "Create an account.",
    "forgot_password": "Ask the service to send a password reset to the user.",
    **SUMMARIES,
}


def operation(spec: Spec, op: Operation) -> EmittedOperation:
    """Emit the body of one client method: straight-line requests, no interpreter."""
    plan = client_plan(spec, op)
    taken = set(TAKEN) | ({f"body{n}" for n in range(1, plan.last + 1)} if plan.many else set())
    # login's two inputs are its parameters; other methods read ``input.<name>`` and ``session.<name>`` in place
    bound = bind(
        plan,
        lambda name: WORDS.fresh(ident(name), taken),
        inputs=(lambda name: name) if op.name == "login" else False,
        session=False,
    )
    names = Names(bound.names, plan.optional)
    lines: list[str] = []
    errors = []
    pad = " " * METHOD_DEPTH
    for sp in plan.steps:
        const = f"{op.name.upper()}_ERRORS" + (f"_{sp.number}" if plan.many else "")
        errors.append("\n".join(layout(_rules(sp.step), 0, f"const {const} = ", ";")))
        body = f"body{sp.number}" if plan.many else "body"
        lines.append(f"{pad}// {comment(sp.label)}")
        head = f"const {body} = await " if sp.reads or sp.returns_here else "await "
        lines += layout(_request(spec, sp, names, const), METHOD_DEPTH, head, ";")
        for read in sp.reads:
            args = (body, string(str(read.pointer)))
            if read.record:
                lines += layout(Call("record", args), METHOD_DEPTH, "return ", ";")
            else:
                call = Call("deadline" if read.deadline else "text", args)
                lines += layout(call, METHOD_DEPTH, f"const {names.locals[read.ref]} = ", ";")
    if op.name == "login":
        returned = tuple((key(v.name), names.locals[v.source]) for v in plan.returns)
        lines += layout(Members(returned), METHOD_DEPTH, "return ", ";")
    elif plan.returns:
        members = tuple((key(v.name), _renewed(v, names.locals, plan.last, plan.many)) for v in plan.returns)
        lines += layout(Members(members), METHOD_DEPTH, "return ", ";")
    params = PARAMS[op.name] if plan.method is None else _params(plan.method)
    return EmittedOperation(METHODS[op.name], params, DOCS[op.name], tuple(lines), tuple(errors))


def _params(method: ClientMethod) -> str:
    """A lifecycle method's parameters: the service session and/or what the user entered."""
    return ", ".join((["session"] if method.takes_session else []) + (["input"] if method.inputs else []))


def _renewed(value: SessionValue, locals_: dict[str, str], last: int, many: bool) -> Node:
    """One value of the service session refresh returns: from the last response, an earlier one, or the old session."""
    if value.step is None:
        return f"session.{value.name}"
    if value.step == last:
        body = f"body{last}" if many else "body"
        return Call("deadline" if value.deadline else "text", (body, string(str(value.pointer))))
    return locals_[value.source]


def _request(spec: Spec, sp: StepPlan, names: Names, errors_name: str) -> Call:
    """The ``this.#send({...})`` call of a step."""
    step = sp.step
    members: list[tuple[str, Node]] = [
        ("method", string(step.method)),
        ("url", url(step, names)),
        ("describe", string(comment(sp.label))),
    ]
    headers: list[tuple[str, Node]] = [(key(k), value(v, names)) for k, v in step.headers]
    how = request_auth(spec, step)
    if isinstance(how, BasicAuth):
        headers.append(("Authorization", Call("basic", (value(how.user, names), value(how.password, names)))))
    elif isinstance(how, BearerAuth):
        text = how.text
        header = Call("bearer", (value(how.token, names),)) if text is None else template(text, names)
        headers.append(("Authorization", header))
    elif isinstance(how, HeaderAuth):
        headers.append((key(how.header), template(how.value, names)))
    if step.query:
        members.append(("query", pairs(step.query, names)))
    if headers:
        members.append(("headers", Members(tuple(headers))))
    if step.json is not None:
        members.append(("json", value(step.json, names)))
    if step.form is not None:
        members.append(("form", pairs(step.form, names)))
    members.append(("ok", literal(list(step.ok))))
    members.append(("errors", errors_name))
    return Call("this.#send", (Members(tuple(members)),))


def _rules(step: Step) -> Items:
    """The error rules of a step: an array of ``{ status, match, error }`` objects."""
    rules = []
    for rule in step.errors:
        parts: list[tuple[str, Node]] = [("status", str(rule.status))]
        if rule.match:
            parts.append(("match", Members(tuple((key(str(p)), literal(v)) for p, v in rule.match), expanded=False)))
        parts.append(("error", ERROR_CLASSES[rule.kind]))
        if rule.message is not None:
            parts.append(("message", string(str(rule.message))))
        rules.append(Members(tuple(parts), expanded=False))
    return Items(tuple(rules))


# -- the user type ------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """One property of the generated user object, for its typings and docs."""

    name: str
    ts_type: str
    doc: str


def ts_type(field: Field) -> str:
    base = " | ".join(string(v) for v in field.values) if field.type == "enum" else TS_TYPES[field.type]
    return f"{base} | null" if field.optional else base


def reader(field: Field) -> Call:
    """The call that reads ``field`` out of ``record``, converted to its type."""
    convert: Node = "lastSegment" if field.transform == "last_segment" else CONVERTERS[field.type]
    if field.type == "enum":
        convert = Call("oneOf", tuple(string(v) for v in field.values))
    args: tuple[Node, ...] = ("record", string(field.name), string(str(field.pointer)), convert)
    return Call("read", args + (("OPTIONAL",) if field.optional else ()))


def canonical(spec: Spec) -> list[tuple[str, Node]]:
    """The canonical attributes as expressions over ``fields`` (the typed spec fields)."""
    return [(attr.name, _canonical(attr)) for attr in user_attributes(spec) if attr.canonical]


def _canonical(attr: UserAttribute) -> Node:
    source = attr.source
    if attr.kind == "roles":
        return "[]" if source is None else f"fields.{source.name}" + (" ?? []" if attr.source_optional else "")
    if attr.kind == "active":
        if source is None:
            return "true"
        return f"fields.{source.name} === " + ("true" if attr.equals is None else string(attr.equals))
    if source is None:
        return "null"
    read = f"fields.{source.name}"
    if source.type in ("int", "float"):
        return f"{read} === null ? null : String({read})" if source.optional else f"String({read})"
    return read


def attributes(spec: Spec) -> list[Attribute]:
    """The user object's properties, in the order ``me`` lists them: canonical ones, then the spec fields."""
    m = spec.mapping
    out = []
    for attr in user_attributes(spec):
        if attr.kind == "text" and attr.source is None:
            out.append(Attribute(attr.name, "null", TEXT_DOCS[attr.name] + " Not provided by this service."))
        elif attr.kind == "text" and attr.source is not None:
            annotation = "string | null" if attr.nullable else "string"
            doc = TEXT_DOCS[attr.name] + f" From the field {comment(attr.source.name)}."
            out.append(Attribute(attr.name, annotation, doc))
        elif attr.kind == "roles":
            out.append(Attribute("roles", "readonly string[]", "Role names, checked by requireRoles()."))
        elif attr.kind == "active":
            out.append(Attribute("active", "boolean", "False when the service has disabled the account."))
            admin = ", ".join(m.admin_roles) or "none"
            staff = ", ".join(m.staff_roles) or "none"
            out.append(Attribute("is_staff", "boolean", f"Has a staff role ({comment(staff)})."))
            out.append(Attribute("is_admin", "boolean", f"Has an admin role ({comment(admin)})."))
        elif attr.source is not None:
            where = str(attr.source.pointer) or "the whole record"
            out.append(Attribute(attr.name, ts_type(attr.source), f"Read from {comment(where)} in the user record."))
    return out


def ts_user(spec: Spec, depth: int = 4) -> str:
    """The properties of the user class in ``index.d.ts``, each with its doc comment."""
    lines: list[str] = []
    for attr in attributes(spec):
        lines.append(" " * depth + f"/** {attr.doc} */")
        lines += ts_property(attr.name, attr.ts_type, depth)
    return "\n".join(lines)


def user_code(spec: Spec) -> dict[str, str]:
    """The spec-shaped parts of ``lib/user.js``, laid out for the class body."""
    class_ = spec.service.class_name + "User"
    fields = Members(tuple((f.name, reader(f)) for f in spec.user))
    build = Members(tuple(canonical(spec)) + tuple((f.name, f"fields.{f.name}") for f in own_fields(spec)))
    m = spec.mapping
    return {
        "read_fields": "\n".join(layout(fields, METHOD_DEPTH, "const fields = ", ";")),
        "build": "\n".join(layout(Call(f"new {class_}", (build,)), METHOD_DEPTH, "return ", ";")),
        "admin_roles": "\n".join(layout(_strings(m.admin_roles), 0, "const ADMIN_ROLES = Object.freeze(", ");")),
        "staff_roles": "\n".join(layout(_strings(m.staff_roles), 0, "const STAFF_ROLES = Object.freeze(", ");")),
        "field_names": "\n".join(
            layout(_strings(tuple(f.name for f in own_fields(spec))), 0, "const FIELDS = Object.freeze(", ");")
        ),
        "date_fields": "\n".join(
            layout(
                _strings(tuple(f.name for f in own_fields(spec) if f.type == "datetime")),
                0,
                "const DATE_FIELDS = Object.freeze(",
                ");",
            )
        ),
    }


def _strings(values: tuple[str, ...]) -> Items:
    return Items(tuple(string(v) for v in values))


def settings_table(spec: Spec) -> str:
    """``const SETTINGS = Object.freeze([...]);``: each service setting, its option and variable."""
    rows = []
    for s in spec.service.settings:
        members: list[tuple[str, Node]] = [
            ("name", string(s.name)),
            ("option", string(option(s.name))),
            ("env", string(s.env)),
        ]
        if s.default is not None:
            members.append(("default", string(s.default)))
        if s.required:
            members.append(("required", "true"))
        if s.secret:
            members.append(("secret", "true"))
        rows.append(Members(tuple(members)))
    return "\n".join(layout(Items(tuple(rows)), 0, "const SETTINGS = Object.freeze(", ");"))


def forms(inputs: dict[str, list[dict[str, str]]]) -> str:
    """``const FORMS = Object.freeze({...});``: the fields of each form, from the context's form inputs.

    :param inputs: form name -> fields (``name``, ``label``, ``html_type``,
        ``autocomplete``, ``required``); forms without fields are left out. An
        optional field says ``optional: true``.
    """
    members = []
    for form, fields in inputs.items():
        if not fields:
            continue
        rows = tuple(
            Members(
                (
                    ("name", string(f["name"])),
                    ("label", string(f["label"])),
                    ("type", string(f["html_type"])),
                    ("autocomplete", string(f["autocomplete"])),
                    *((("optional", "true"),) if not f.get("required", True) else ()),
                )
            )
            for f in fields
        )
        members.append((key(form), Call("Object.freeze", (Items(rows),))))
    return "\n".join(layout(Members(tuple(members)), 0, "const FORMS = Object.freeze(", ");"))


def error_imports(spec: Spec) -> list[str]:
    """The error classes the client module names: those in rules, and the two for unexpected answers."""
    return sorted(client_errors(spec) | {"UnexpectedResponse"})


def helpers(needs: ClientNeeds) -> list[str]:
    """The optional helpers of ``lib/client.js`` the spec's requests call, so no unused one is generated."""
    return needs.helpers(
        base64="base64",
        basic_auth="basic",
        computed_bearer="bearer",
        urlencode="urlencode",
        deadline="deadline",
        service_message="serviceMessage",
    )


def converters(spec: Spec) -> list[str]:
    """The converters of ``lib/user.js`` this spec's fields use, so no unused one is generated."""
    needs = user_needs(spec)
    used = {CONVERTERS[kind] for kind in needs.types}
    used |= {"lastSegment"} if "last_segment" in needs.transforms else set()
    if used & {"oneOf", "strings", "lastSegment"}:
        used.add("string")  # they read text with it
    if needs.pointer_filters:
        used.add("where")  # the list filter of resolve(), *[member=value]
    return sorted(used)


#: Jinja filters this module gives templates.
FILTERS = {
    "js": literal,
    "jscomment": comment,
    "jsconst": const,
    "jsforms": forms,
    "jsimport": destructure,
    "tssignature": signature,
}


def context(spec: Spec, test_values: dict[str, str], names: Mapping[str, str] | None = None) -> dict:
    """The JavaScript part of a target's context: options, the user type, client methods."""
    settings = [
        setting_row(
            s,
            option=option(s.name),
            default=literal(s.default),
            has_default=s.default is not None,
            default_text=s.default,
            description=s.description or s.name.replace("_", " "),
            test_value=test_values.get(s.name, ""),
        )
        for s in spec.service.settings
    ]
    ops = {name: operation(spec, op) for name, op in spec.operations.items()}
    return {
        "settings": settings,
        "settings_table": settings_table(spec),
        "attrs": attributes(spec),
        "user_code": user_code(spec),
        "ts_user": ts_user(spec),
        "ops": ops,
        "client_imports": destructure(error_imports(spec), "require('./errors')"),
        "helpers": helpers(client_needs(spec)),
        "converters": converters(spec),
        # session values the spec marks public (ids, links): S17 does not count them as secrets
        "public_values": public_values(spec),
    }
