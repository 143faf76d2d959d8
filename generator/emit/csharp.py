"""Emit C#: the spec's values as expressions, client steps, the user type, test data.

The spelling and layout of literals, comments and names are
:mod:`generator.lang.csharp`'s.  Every emitted fragment starts at column 0;
templates indent a fragment as a whole (``{{ code | indent(8) }}``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from .. import expr
from ..lang.csharp import (
    WORDS,
    comment,
    ident,
    indent,
    interpolation_text,
    json_literal,
    literal,
    msbuild_xml,
    number,
    pascal,
    string,
)
from ..lang.scalars import interpolated, plain_text
from ..model import OPERATIONS, Field, Operation, Spec, Step
from ..plan import client
from ..plan.client import bind, client_plan
from ..plan.errors import ERROR_CLASSES
from ..plan.forms import forgot_values, register_kinds, register_username
from ..plan.helpers import client_needs, user_needs
from ..plan.operations import (
    ARGUMENTS,
    LIFECYCLE,
    ClientMethod,
    SessionValue,
    session_secrets,
)
from ..plan.requests import BasicAuth, BearerAuth, HeaderAuth, request_auth
from ..plan.settings import nullable, setting_row
from ..plan.user import TEXT_DOCS, ExpectedUser, UserAttribute, enum_fields, expected_users, user_attributes

#: Client method names, by operation.
METHODS = {op: f"{pascal(op)}Async" for op in OPERATIONS}

#: The type of the service session login returns and the other methods take.
SESSION_TYPE = "IReadOnlyDictionary<string, string>"


class FieldType(NamedTuple):
    """The C# type of a [user] field of one type, and the ``UserRecord`` readers of a required and an optional one."""

    type: str
    reader: str
    optional_reader: str


#: By [user] field type (enum fields get an enum type of their own).
FIELD_TYPES = {
    "string": FieldType("string", "Text", "OptionalText"),
    "email": FieldType("string", "Text", "OptionalText"),
    "int": FieldType("long", "Integer", "OptionalInteger"),
    "float": FieldType("double", "Number", "OptionalNumber"),
    "bool": FieldType("bool", "Flag", "OptionalFlag"),
    "datetime": FieldType("DateTimeOffset", "Instant", "OptionalInstant"),
    "list<string>": FieldType("IReadOnlyList<string>", "TextList", "TextListOrEmpty"),
}

#: Parsers of claim values in the generated user file, by field type: (required, optional).
CLAIM_PARSERS = {
    "int": ("ToInt64", "ToOptionalInt64"),
    "float": ("ToDouble", "ToOptionalDouble"),
    "bool": ("ToBoolean", "ToOptionalBoolean"),
    "datetime": ("ToDateTime", "ToOptionalDateTime"),
}

#: ``ClaimValueTypes`` members of typed claims, by field type.
CLAIM_VALUE_TYPES = {
    "int": "ClaimValueTypes.Integer64",
    "float": "ClaimValueTypes.Double",
    "bool": "ClaimValueTypes.Boolean",
    "datetime": "ClaimValueTypes.DateTime",
}

#: The standard claim type of each canonical text attribute.
STANDARD_CLAIMS = {
    "id": "ClaimTypes.NameIdentifier",
    "username": "ClaimTypes.Name",
    "email": "ClaimTypes.Email",
    "first_name": "ClaimTypes.GivenName",
    "last_name": "ClaimTypes.Surname",
}

#: Members of the generated user class that a spec field's property may not be named.
USER_MEMBERS = frozenset(
    {
        "Id",
        "Username",
        "Email",
        "FirstName",
        "LastName",
        "Roles",
        "Active",
        "IsStaff",
        "IsAdmin",
        "FromRecord",
        "FromPrincipal",
        "ToPrincipal",
        "ToClaims",
        "ToJson",
        "HasRoles",
        "AdminRoles",
        "StaffRoles",
        "Equals",
        "GetHashCode",
        "ToString",
        "GetType",
        "MemberwiseClone",
        "Finalize",
        "RequiredClaim",
        "OptionalClaim",
        "ClaimList",
        "ClaimValue",
        "Iso",
        "JsonArrayOf",
        "ToInt64",
        "ToOptionalInt64",
        "ToDouble",
        "ToOptionalDouble",
        "ToBoolean",
        "ToOptionalBoolean",
        "ToDateTime",
        "ToOptionalDateTime",
    }
)

#: Built-in members of the generated options class that a spec setting's property may not be named.
OPTION_MEMBERS = frozenset(
    {
        "SectionName",
        "Timeout",
        "SessionTtl",
        "GetRetries",
        "RoutePrefix",
        "BrandName",
        "LogoUrl",
        "PrimaryColor",
        "CookieName",
        "Pages",
        "EnvironmentProblems",
        "Equals",
        "GetHashCode",
        "ToString",
        "GetType",
    }
)


def option_property(name: str) -> str:
    """The options class property of a spec setting: ``ApplicationId`` for ``application_id``."""
    prop = pascal(name)
    return prop + "Setting" if prop in OPTION_MEMBERS else prop


# -- values -------------------------------------------------------------------


@dataclass(frozen=True)
class Names(client.Names):
    """References in a client method: locals, and settings as properties of the options."""

    #: option properties that may be null, by setting name
    nullable: frozenset[str] = frozenset()

    def setting(self, name: str) -> str:
        prop = f"_options.{option_property(name)}"
        return f"({prop} ?? string.Empty)" if name in self.nullable else prop


def template(value: expr.Template, names: Names, *, segment: bool = False) -> str:
    """Emit a text template: a plain literal, a single name, or an interpolated string.

    :param segment: percent-encode references, for the parts of a URL path.
    """
    simple = plain_text(value, string, names.of, segment=segment)
    if simple is not None:
        return simple
    return "$" + '"' + _holes(value.parts, names, segment=segment) + '"'


def _holes(parts: tuple[expr.Lit | expr.Ref, ...], names: Names, *, segment: bool) -> str:
    def hole(ref: expr.Ref) -> str:
        code = names.of(ref)
        return "{" + (f"Uri.EscapeDataString({code})" if segment else code) + "}"

    return interpolated(parts, interpolation_text, hole)


def value(node: expr.Value, names: Names) -> str:
    """Emit a spec value as a C# expression: text, or (in a JSON body) a ``JsonNode``.

    Objects and arrays come out expanded, one member a line, starting at
    column 0; the caller indents them.
    """
    if isinstance(node, expr.Template):
        return template(node, names)
    if isinstance(node, expr.Transform):
        inner = value(node.arg, names)
        return {"base64": f"Base64({inner})", "urlencode": f"Uri.EscapeDataString({inner})"}[node.name]
    if isinstance(node, expr.Const):
        return literal(node.value)
    if isinstance(node, expr.Obj):
        members = [f"[{string(k)}] = {value(v, names)}," for k, v in node.items]
        body = "\n".join(["new JsonObject", "{", *indent(members), "}"])
        optional = [k for k, v in node.items if isinstance(v, expr.Template) and str(v.single_ref) in names.optional]
        if not optional:
            return body
        # optional inputs the user left empty are left out, not sent as ""
        return f"WithoutEmpty(\n{_indented(body)},\n" + ",\n".join(_indented(string(k)) for k in optional) + ")"
    if isinstance(node, expr.Arr):
        if not node.items:
            return "new JsonArray()"
        items = [value(v, names) + ("," if i < len(node.items) - 1 else "") for i, v in enumerate(node.items)]
        return "\n".join(["new JsonArray(", *indent(items), ")"]).replace("\n)", ")")
    raise TypeError(node)


def _indented(code: str) -> str:
    return "\n".join(indent(code.split("\n")))


def pairs(items: tuple[tuple[str, expr.Value], ...], names: Names) -> str:
    """``(name, value)`` tuples, one a line, as the arguments of ``FormBody(...)``."""
    if not items:
        return ""
    lines = [
        f"({string(k)}, {value(v, names)})" + ("," if i < len(items) - 1 else "") for i, (k, v) in enumerate(items)
    ]
    return "\n" + "\n".join(indent(lines))


def url(step: Step, names: Names) -> str:
    """The request URL: the base URL plus the path, or a URL an earlier step extracted, plus the query."""
    if step.absolute:
        first = step.path.parts[0]
        rest = step.path.parts[1:]
        head = names.of(first)  # type: ignore[arg-type]
        target = head if not rest else '$"{' + head + "}" + _holes(rest, names, segment=True) + '"'
    else:
        target = '$"{_baseUrl}' + _holes(step.path.parts, names, segment=True) + '"'
    if not step.query:
        return target
    pairs = ", ".join(f"({string(k)}, {value(v, names)})" for k, v in step.query)
    return f"WithQuery({target}, {pairs})"


# -- operations ---------------------------------------------------------------


@dataclass(frozen=True)
class EmittedStep:
    """One request of a client method: a comment, and its statements from column 0."""

    comment: str
    code: str
    outcomes_name: str
    outcomes: str


@dataclass(frozen=True)
class EmittedOperation:
    """One client method: its C# name and parameters, the session values it reads, its steps."""

    name: str
    method: str
    #: (C# parameter name, input name), in order
    params: tuple[tuple[str, str], ...]
    #: (C# local, session key) read from the service session first
    session_locals: tuple[tuple[str, str], ...]
    #: whether any step reads its response body
    reads_body: bool
    steps: tuple[EmittedStep, ...]
    #: the statement ending the method (login's session values, get_user's record), or ""
    returns: str
    #: lifecycle methods: the XML doc lines, the declaration up to ``(``, the parameters before the
    #: cancellation token, the argument checks, and (C# local, input name) read from ``input`` first
    doc: tuple[str, ...] = ()
    declaration: str = ""
    signature_params: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()
    input_locals: tuple[tuple[str, str], ...] = ()
    #: (C# parameter name, input name) of the inputs a form must fill in: not those the spec marks optional
    required_params: tuple[tuple[str, str], ...] = ()


def operation(spec: Spec, op: Operation) -> EmittedOperation:
    """Emit the body of one client method: straight-line requests, no interpreter."""
    unset = frozenset(s.name for s in spec.service.settings if nullable(s))
    plan = client_plan(spec, op)
    method = plan.method
    taken: set[str] = {"body", "request", "session", "cancellationToken", "value", "input"}
    bound = bind(plan, lambda name: WORDS.fresh(ident(name), taken))
    names = Names(bound.names, plan.optional, unset)
    steps = []
    returns = ""
    for sp in plan.steps:
        step, number_, returned_here = sp.step, sp.number, sp.returns_here
        outcomes_name = pascal(op.name) + (f"Step{number_}" if plan.many else "") + "Outcomes"
        extracts = []
        for read in sp.reads:
            if read.record:
                returns = f"return Record(body, {string(str(read.pointer))});"
                continue
            helper = "Deadline" if read.deadline else "Text"
            extracts.append(f"string {names.locals[read.ref]} = {helper}(body, {string(str(read.pointer))});")
        wants_body = bool(extracts) or returned_here or (op.name == "get_user" and number_ == len(op.steps))
        lines = [f"// {comment(sp.label)}"]
        lines += _request(spec, step, names, outcomes_name, wants_body)
        lines += ["", *extracts] if extracts else []
        outcomes = _outcomes(outcomes_name, step, spec.service.class_name)
        steps.append(EmittedStep(lines[0][3:], "\n".join(lines), outcomes_name, outcomes))
    if op.name == "login":
        members = [f"[{string(v.name)}] = {names.locals[v.source]}," for v in plan.returns]
        returns = "\n".join(["return new Dictionary<string, string>", "{", *indent(members), "};"])
    elif plan.returns:
        members = [f"[{string(v.name)}] = {_renewed(v, names.locals, plan.last)}," for v in plan.returns]
        returns = "\n".join(["return new Dictionary<string, string>", "{", *indent(members), "};"])
    reads_body = any(s.extract for s in op.steps) or op.name == "get_user"
    if method is None:
        return EmittedOperation(
            op.name,
            METHODS[op.name],
            bound.inputs,
            bound.session,
            reads_body,
            tuple(steps),
            returns,
            required_params=tuple((cs, name) for cs, name in bound.inputs if name not in op.optional_inputs),
        )
    args = (["session"] if method.takes_session else []) + (["input"] if method.inputs else [])
    returned = f"Task<{SESSION_TYPE}>" if method.returns else "Task"
    return EmittedOperation(
        op.name,
        METHODS[op.name],
        (),
        bound.session,
        reads_body,
        tuple(steps),
        returns,
        doc=_doc(method, spec.service.class_name),
        declaration=f"public async {returned} {METHODS[op.name]}",
        signature_params=tuple(f"{SESSION_TYPE} {arg}" for arg in args),
        guards=tuple(f"ArgumentNullException.ThrowIfNull({arg});" for arg in args),
        input_locals=bound.inputs,
    )


def _renewed(value: SessionValue, locals_: dict[str, str], last: int) -> str:
    """One value of the service session refresh returns: from the last response, an earlier one, or the old session."""
    if value.step is None:
        return f"SessionValue(session, {string(value.name)})"
    if value.step == last:
        return f"{'Deadline' if value.deadline else 'Text'}(body, {string(str(value.pointer))})"
    return locals_[value.source]


def _doc(method: ClientMethod, prefix: str) -> tuple[str, ...]:
    """The XML documentation of a lifecycle method, line by line (without ``///``)."""
    lines = [f"<summary>{method.summary}</summary>"]  # authgen's own words: nothing to escape
    if method.takes_session:
        lines.append(
            '<param name="session">The service session <see cref="LoginAsync"/> (or a refresh) returned.</param>'
        )
    if method.inputs:
        names = ", ".join(f"<c>{name}</c>" for name in method.inputs)
        lines.append(f'<param name="input">{ARGUMENTS["input"][:1].upper() + ARGUMENTS["input"][1:]}: {names}.</param>')
    lines.append('<param name="cancellationToken">Cancels the requests.</param>')
    if method.returns:
        lines.append("<returns>The new service session. It is a secret: keep it server-side.</returns>")
    else:
        lines.append("<returns>A task that completes when the service has done it.</returns>")
    lines.append(
        f'<exception cref="{prefix}Exception">The service refused the request or cannot be reached.</exception>'
    )
    return tuple(lines)


_HTTP_METHODS = {"GET": "Get", "POST": "Post", "PUT": "Put", "PATCH": "Patch", "DELETE": "Delete"}


def _request(spec: Spec, step: Step, names: Names, outcomes_name: str, wants_body: bool) -> list[str]:
    """The ``using`` block that builds and sends one request."""
    inner = []
    auth = _authorization(spec, step, names)
    if auth:
        inner.append(auth)
    for header, val in step.headers:
        inner.append(f"request.Headers.TryAddWithoutValidation({string(header)}, {value(val, names)});")
    if step.json is not None:
        inner.append(f"request.Content = JsonBody({value(step.json, names)});")
    if step.form is not None:
        inner.append(f"request.Content = FormBody({pairs(step.form, names)});")
    send = f"await SendAsync(request, {outcomes_name}, cancellationToken).ConfigureAwait(false);"
    inner.append(("body = " if wants_body else "") + send)
    head = f"using (HttpRequestMessage request = new(HttpMethod.{_HTTP_METHODS[step.method]}, {url(step, names)}))"
    return [head, "{", *indent(inner), "}"]


def _authorization(spec: Spec, step: Step, names: Names) -> str | None:
    """The statement that authenticates a request, if it needs one."""
    how = request_auth(spec, step)
    if isinstance(how, BasicAuth):
        if how.service:
            pair = '$"{_options.ApiUsername}:{_options.ApiPassword}"'
        else:
            pair = f'{value(how.user, names)} + ":" + {value(how.password, names)}'
        return f'request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Base64({pair}));'
    if isinstance(how, BearerAuth):
        token = value(how.token, names)
        return f'request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", {token});'
    if isinstance(how, HeaderAuth):
        return f"request.Headers.TryAddWithoutValidation({string(how.header)}, {template(how.value, names)});"
    return None


def _outcomes(name: str, step: Step, cls: str) -> str:
    """The ``Outcomes`` field of a step: its success statuses and error rules."""
    ok = "[" + ", ".join(str(s) for s in step.ok) + "]"
    rules = []
    for rule in step.errors:
        args = [str(rule.status), f"{cls}ErrorKind.{ERROR_CLASSES[rule.kind]}"]
        args += [f"({string(str(p))}, {json_literal(v)})" for p, v in rule.match]
        message = "" if rule.message is None else f" {{ Message = {string(str(rule.message))} }}"
        rules.append(f"new ErrorRule({', '.join(args)}){message},")
    if not rules:
        return f"private static readonly Outcomes {name} = new({ok}, []);"
    return "\n".join(
        [f"private static readonly Outcomes {name} = new(", f"    {ok},", "    [", *indent(rules, 8), "    ]);"]
    )


# -- the user type ------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    """One property of the generated user class, and how it is read and written."""

    name: str
    #: the key in ``me`` JSON (a spec field's name, or a canonical attribute's)
    key: str
    type: str
    #: whether it is a ``required`` init property
    required: bool
    doc: str
    #: expression reading it out of ``record`` (a JsonElement), or "" when never set
    from_record: str
    #: expression reading it back out of ``principal`` (a ClaimsPrincipal), or ""
    from_claims: str
    #: statement adding its claims to ``claims``
    to_claims: str
    #: expression of its value in ``me`` JSON, or "" when ``me`` shows another attribute under ``key``
    to_json: str
    #: the ``<Name>ClaimTypes`` constant it is stored under, for spec fields
    claim_type: str = ""
    #: the spec field's type, for spec fields
    field_type: str = ""


@dataclass(frozen=True)
class Enum:
    """An enum type for an ``enum`` field: its C# name and (member, spec value) pairs."""

    name: str
    field: str
    members: tuple[tuple[str, str], ...]
    #: the user class's private method turning spec text into a member
    parse: str
    #: the user class's private method turning a member back into spec text
    text: str


def enums(spec: Spec) -> list[Enum]:
    """An enum type per ``enum`` field, members named after the values."""
    out = []
    for f in enum_fields(spec, every=True):
        taken: set[str] = set()
        members = tuple((WORDS.fresh(pascal(v), taken), v) for v in f.values)
        stem = pascal(f.name)
        out.append(Enum(f"{spec.service.class_name}User{stem}", f.name, members, f"{stem}FromText", f"{stem}Text"))
    return out


def field_type(spec: Spec, field: Field) -> str:
    """The C# type of a field's property (``IReadOnlyList<string>`` is never null)."""
    if field.type == "enum":
        base = f"{spec.service.class_name}User{pascal(field.name)}"
    else:
        base = FIELD_TYPES[field.type].type
    return base + "?" if field.optional and field.type != "list<string>" else base


def record_reader(spec: Spec, field: Field) -> str:
    """The expression that reads ``field`` out of ``record``, converted to its C# type."""
    pointer = string(str(field.pointer))
    if field.type == "enum":
        enum = _enum_of(spec, field)
        if field.optional:
            return f"Optional{enum.parse}(UserRecord.OptionalText(record, {pointer}))"
        return f"{enum.parse}(UserRecord.Text(record, {_required(field)}))"
    _, required, optional = FIELD_TYPES[field.type]
    args = pointer if field.optional else _required(field)
    return transformed(field, f"UserRecord.{optional if field.optional else required}(record, {args})")


def _required(field: Field) -> str:
    """A required reader's arguments after the record: the field's name (for the error), then its pointer."""
    return f"{string(field.name)}, {string(str(field.pointer))}"


def transformed(field: Field, read: str) -> str:
    """``read`` with the field's value transform applied (``UserRecord.LastSegment(...)``), if it has one."""
    if field.transform is None:
        return read
    return f"UserRecord.{pascal(field.transform)}({read})"


def _enum_of(spec: Spec, field: Field) -> Enum:
    return next(e for e in enums(spec) if e.field == field.name)


def properties(spec: Spec) -> list[Property]:
    """The user class's properties (:func:`generator.plan.user.user_attributes`) as C#."""
    helpers = {n for e in enums(spec) for n in (e.parse, "Optional" + e.parse, e.text)}
    # a field's property never takes the name of a member every user class has, or of the class itself
    taken = set(USER_MEMBERS) | helpers | {f"{spec.service.class_name}User"}
    return [_property(spec, attr, taken) for attr in user_attributes(spec)]


def _property(spec: Spec, attr: UserAttribute, taken: set[str]) -> Property:
    cls = spec.service.class_name
    field = attr.source
    if attr.kind == "roles":
        if field is None:
            roles_read = "[]"
        else:
            reader = "TextListOrEmpty" if attr.source_optional else "TextList"
            args = string(str(field.pointer)) if attr.source_optional else _required(field)
            roles_read = f"UserRecord.{reader}(record, {args})"
        return Property(
            "Roles",
            "roles",
            "IReadOnlyList<string>",
            True,
            "Role names, as role claims: <c>IsInRole</c> and role policies read them.",
            roles_read,
            "ClaimList(principal, ClaimTypes.Role)",
            "foreach (string role in Roles)\n{\n    claims.Add(new Claim(ClaimTypes.Role, role));\n}",
            "JsonArrayOf(Roles)",
        )
    if attr.kind == "active":
        return Property(
            "Active",
            "active",
            "bool",
            True,
            "False when the service has disabled the account.",
            _active(attr),
            f"ToBoolean(RequiredClaim(principal, {cls}ClaimTypes.Active))",
            f"claims.Add(new Claim({cls}ClaimTypes.Active, ClaimValue(Active), ClaimValueTypes.Boolean));",
            "Active",
        )
    if attr.kind == "field":
        assert field is not None
        return _field_property(spec, field, WORDS.suffixed(pascal(field.name), taken, "Field"))
    key, doc = attr.name, TEXT_DOCS[attr.name]
    name, claim = pascal(key), STANDARD_CLAIMS[key]
    if field is None:
        return Property(
            name,
            key,
            "string?",
            False,
            doc + " Not provided by this service.",
            "",
            "",
            f"if ({name} is not null)\n{{\n    claims.Add(new Claim({claim}, {name}));\n}}",
            name,
        )
    pointer = string(str(field.pointer))
    optional = attr.nullable
    reader = "OptionalText" if optional else "Text"
    add = f"claims.Add(new Claim({claim}, {name}));"
    if optional:
        add = f"if ({name} is not null)\n{{\n    {add}\n}}"
    return Property(
        name,
        key,
        "string?" if optional else "string",
        not optional,
        f"{doc} From field <c>{comment(field.name)}</c>.",
        transformed(field, f"UserRecord.{reader}(record, {pointer if optional else _required(field)})"),
        f"{'OptionalClaim' if optional else 'RequiredClaim'}(principal, {claim})",
        add,
        name,
    )


def _field_property(spec: Spec, field: Field, name: str) -> Property:
    """The property of a field of its own, named ``name``."""
    ctype = field_type(spec, field)
    claim = f"{spec.service.class_name}ClaimTypes.{name}"
    optional = field.optional and field.type != "list<string>"
    if field.type == "enum":
        enum = _enum_of(spec, field)
        value_text = f"{enum.text}({name}.Value)" if optional else f"{enum.text}({name})"
        from_claims = (
            f"Optional{enum.parse}(OptionalClaim(principal, {claim}))"
            if optional
            else f"{enum.parse}(RequiredClaim(principal, {claim}))"
        )
        json_value = f"{name}.HasValue ? {value_text} : null" if optional else value_text
        add = f"claims.Add(new Claim({claim}, {value_text}));"
    elif field.type == "list<string>":
        from_claims = f"ClaimList(principal, {claim})"
        json_value = f"JsonArrayOf({name})"
        add = f"foreach (string item in {name})\n{{\n    claims.Add(new Claim({claim}, item));\n}}"
    elif field.type in CLAIM_PARSERS:
        required, optional_parser = CLAIM_PARSERS[field.type]
        from_claims = (
            f"{optional_parser}(OptionalClaim(principal, {claim}))"
            if optional
            else f"{required}(RequiredClaim(principal, {claim}))"
        )
        value_text = f"ClaimValue({name}.Value)" if optional else f"ClaimValue({name})"
        add = f"claims.Add(new Claim({claim}, {value_text}, {CLAIM_VALUE_TYPES[field.type]}));"
        if field.type == "datetime":
            json_value = f"{name}.HasValue ? Iso({name}.Value) : null" if optional else f"Iso({name})"
        else:
            json_value = name
    else:
        from_claims = f"OptionalClaim(principal, {claim})" if optional else f"RequiredClaim(principal, {claim})"
        json_value = name
        add = f"claims.Add(new Claim({claim}, {name}));"
    if optional:
        test = f"{name} is not null" if field.type in ("string", "email") else f"{name}.HasValue"
        add = f"if ({test})\n{{\n" + "\n".join(indent([add])) + "\n}"
    pointer = comment(str(field.pointer) or "/")
    return Property(
        name,
        field.name,
        ctype,
        not optional,
        f"Field <c>{comment(field.name)}</c>, from <c>{pointer}</c>.",
        record_reader(spec, field),
        from_claims,
        add,
        json_value,
        claim,
        field.type,
    )


def _active(attr: UserAttribute) -> str:
    field = attr.source
    if field is None:
        return "true"
    pointer = string(str(field.pointer))
    if attr.equals is None:
        if field.optional:
            return f"UserRecord.OptionalFlag(record, {pointer}) == true"
        return f"UserRecord.Flag(record, {_required(field)})"
    return f"UserRecord.ScalarText(record, {pointer}) == {string(attr.equals)}"


def claims_code(props: list[Property]) -> str:
    """The statements of ``ToClaims``, a blank line around each block the way people space them."""
    out: list[str] = []
    for prop in props:
        block = "\n" in prop.to_claims
        if out and (block or "\n" in out[-1]):
            out.append("")
        out.append(prop.to_claims)
    return "\n".join(out)


def claim_types(spec: Spec, props: list[Property]) -> list[tuple[str, str, str]]:
    """``<Name>ClaimTypes`` constants: (name, claim type, what it holds)."""
    slug = spec.service.slug
    out = [("Active", f"{slug}:active", "Whether the account is active: <c>true</c> or <c>false</c>.")]
    for prop in props:
        if prop.claim_type:
            out.append((prop.name, f"{slug}:{prop.key}", f"The spec field <c>{comment(prop.key)}</c>."))
    return out


# -- test expectations ----------------------------------------------------------


def user_asserts(spec: Spec, user: ExpectedUser) -> list[str]:
    """xUnit assertions that the typed user built for a fixture user holds its values."""
    props = {p.key: p for p in properties(spec)}
    lines = [_assert(spec, props[v.attribute.name], v.attribute.type, v.value) for v in user.values]
    for flag, name in ((user.is_staff, "IsStaff"), (user.is_admin, "IsAdmin")):
        lines.append(f"Assert.{'True' if flag else 'False'}(user.{name});")
    return lines


def _assert(spec: Spec, prop: Property, kind: str, want: object) -> str:
    actual = f"user.{prop.name}"
    if kind == "list<string>":
        items = list(want or [])  # type: ignore[call-overload]
        if not items:
            return f"Assert.Empty({actual});"
        return f"Assert.Equal(new[] {{ {', '.join(string(str(i)) for i in items)} }}, {actual});"
    if want is None:
        return f"Assert.Null({actual});"
    if kind == "bool":
        return f"Assert.{'True' if want else 'False'}({actual});"
    if kind == "datetime":
        instant = datetime.fromisoformat(str(want).replace("Z", "+00:00")).isoformat()
        return f"Assert.Equal(DateTimeOffset.Parse({string(instant)}, CultureInfo.InvariantCulture), {actual});"
    if kind == "enum":
        enum = next(e for e in enums(spec) if e.field == prop.key)
        member = next(m for m, v in enum.members if v == want)
        return f"Assert.Equal({enum.name}.{member}, {actual});"
    if kind == "int":
        return f"Assert.Equal({int(want)}L, {actual});"  # type: ignore[call-overload]
    if kind == "float":
        return f"Assert.Equal({number(float(want))}, {actual});"  # type: ignore[arg-type]
    return f"Assert.Equal({string(str(want))}, {actual});"


def test_users(spec: Spec) -> list[dict]:
    """The fixture users as the generated tests use them: C# literals and expectations."""
    out = []
    for expected in expected_users(spec):
        out.append(
            {
                "key": expected.key,
                "name": pascal(expected.key),
                "username": expected.username,
                "password": expected.password,
                "active": expected.active,
                "is_admin": expected.is_admin,
                "me_json": json.dumps(expected.me, ensure_ascii=False),
                "asserts": user_asserts(spec, expected),
            }
        )
    return out


# -- the context ----------------------------------------------------------------

#: Jinja filters this module gives templates.
FILTERS = {"cs": literal, "cscomment": comment, "csjson": json_literal, "csxml": msbuild_xml}


def options(spec: Spec, test_values: dict[str, str]) -> list[dict]:
    """The service settings as properties of the options class, bound from configuration."""
    return [
        setting_row(
            s,
            prop=option_property(s.name),
            nullable=nullable(s),
            default=s.default,
            description=s.description or f"The {s.name.replace('_', ' ')} setting.",
            test_value=test_values.get(s.name, ""),
        )
        for s in spec.service.settings
    ]


def context(spec: Spec, test_values: dict[str, str], names: Mapping[str, str] | None = None) -> dict:
    """The C# part of a target's context: options, the user type, client methods, test data."""
    from ..fake.fixtures import fixture_users

    props = properties(spec)
    ops = {name: operation(spec, op) for name, op in spec.operations.items()}
    needs, user = client_needs(spec), user_needs(spec)
    users = fixture_users(spec.data)
    return {
        "settings": options(spec, test_values),
        "env_prefix": spec.service.slug.upper(),
        "props": props,
        "enums": enums(spec),
        "claim_types": claim_types(spec, props),
        "claims_code": claims_code(props),
        "ops": ops,
        "outcomes": [step.outcomes for op in ops.values() for step in op.steps],
        "lifecycle_ops": [ops[name] for name in LIFECYCLE if name in ops],
        "client_helpers": needs.helpers(
            deadline="Deadline", service_message="ServiceMessage", input_argument="InputValue"
        ),
        "test_users": test_users(spec),
        "register_values": register_kinds(spec),
        "register_username": register_username(spec),
        "forgot_values": forgot_values(spec, users),
        "operation_names": list(spec.operations),
        # JsonPointer gets the *[member=value] list filter only when a field uses one.
        "pointer_filters": user.pointer_filters,
        # the client's WithoutEmpty only when an operation has optional inputs
        "optional_inputs": needs.optional_inputs,
        # False when every service session value is public: the fake then issues no token for S17 to look for
        "session_secrets": session_secrets(spec),
        # ... and UserRecord the value transforms the fields use (LastSegment)
        "value_transforms": list(user.transforms),
    }
