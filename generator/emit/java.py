"""Emit Java: the spec's values as expressions, client steps, the user type, test data.

Emitted code is straight-line Java (``ServiceRequest`` builders, typed
readers), never an interpreter of the spec at run time.  The spelling and
layout of literals, comments and names are :mod:`generator.lang.java`'s.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from typing import NamedTuple

from .. import expr
from ..lang.java import (
    CONTINUATION,
    INDENT,
    WIDTH,
    WORDS,
    Apply,
    Call,
    Code,
    Concat,
    camel,
    comment,
    constant,
    flat,
    ident,
    javadoc,
    kebab,
    layout,
    literal,
    pascal,
    string,
    text_block,
    wrap,
    xml,
)
from ..model import OPERATIONS, Field, Operation, Spec, Step
from ..plan import client
from ..plan.client import bind, client_plan
from ..plan.errors import ERROR_CLASSES, client_errors
from ..plan.forms import register_username
from ..plan.helpers import ClientNeeds, client_needs, user_needs
from ..plan.naming import target_names
from ..plan.operations import (
    ARGUMENTS,
    LIFECYCLE,
    ClientMethod,
    SessionValue,
    secrets_read_back,
    session_secrets,
)
from ..plan.requests import BasicAuth, BearerAuth, HeaderAuth, request_auth
from ..plan.settings import setting_row
from ..plan.user import TEXT_DOCS, ExpectedUser, UserAttribute, enum_fields, expected_users, own_fields, user_attributes
from ..targets import TARGETS

#: Client method names, by operation.
METHODS = {op: camel(op) for op in OPERATIONS}

#: ``ServiceRequest`` factory methods, by HTTP method.
FACTORIES = {"GET": "get", "POST": "post", "PUT": "put", "PATCH": "patch", "DELETE": "delete"}


class FieldType(NamedTuple):
    """How ``AcmeUser`` holds a [user] field of one type, and which ``UserRecords`` method reads it."""

    #: the Java type of a required field, and of an optional one (boxed: it may be null)
    required: str
    optional: str
    #: the reader of a required field, and of an optional one
    reader: str
    optional_reader: str


#: By [user] field type.  An enum field is read as text and held as a nested enum type of its own.
FIELD_TYPES = {
    "string": FieldType("String", "String", "string", "optionalString"),
    "email": FieldType("String", "String", "string", "optionalString"),
    "int": FieldType("long", "Long", "integer", "optionalInteger"),
    "float": FieldType("double", "Double", "number", "optionalNumber"),
    "bool": FieldType("boolean", "Boolean", "bool", "optionalBool"),
    "datetime": FieldType("OffsetDateTime", "OffsetDateTime", "dateTime", "optionalDateTime"),
    "enum": FieldType("String", "String", "string", "optionalString"),
    "list<string>": FieldType("List<String>", "List<String>", "strings", "optionalStrings"),
}

#: Methods ``AcmeUser`` has whatever the spec says: a spec field never takes one of these names.
USER_METHODS = frozenset(
    {
        "getAuthorities",
        "getPassword",
        "getUsername",
        "isEnabled",
        "isAccountNonExpired",
        "isAccountNonLocked",
        "isCredentialsNonExpired",
        "getClass",
        "getId",
        "getEmail",
        "getFirstName",
        "getLastName",
        "getRoles",
        "isActive",
        "isStaff",
        "isAdmin",
        "hasRole",
        "toMap",
        "fromRecord",
    }
)

#: Type names visible inside ``AcmeUser``, which a nested enum must not shadow.
USER_TYPES = frozenset(
    """String Object List Map Set Long Double Boolean Collection GrantedAuthority SimpleGrantedAuthority JsonNode
    OffsetDateTime UserDetails LinkedHashMap Serial Serializable Override Locale Objects Stream Collectors
    UserRecords""".split()
)

#: Names the generated client methods use for themselves.
CLIENT_TAKEN = frozenset(
    {"response", "session", "request", "send", "object", "array", "text", "record", "timeout", "input", "deadline"}
)

# -- values ----------------------------------------------------------------------


@dataclass(frozen=True)
class Names(client.Names):
    """References in a client method: locals, and settings as the client's fields."""

    #: the client's fields by setting name (``base_url`` -> ``this.baseUrl``)
    fields: dict[str, str] = dataclass_field(default_factory=dict)

    def setting(self, name: str) -> str:
        return self.fields[name]


def template(value: expr.Template, names: Names, *, segment: bool = False) -> Code:
    """Emit a text template: a literal, a name, or a concatenation.

    :param segment: percent-encode references, for the parts of a URL path.
    """
    text = value.literal_text()
    if text is not None:
        return string(text)
    pieces: list[Code] = []
    for part in value.parts:
        if isinstance(part, expr.Lit):
            if part.text:
                pieces.append(string(part.text))
        else:
            code = names.of(part)
            pieces.append(Apply("percentEncode", (code,)) if segment else code)
    return pieces[0] if len(pieces) == 1 else Concat(tuple(pieces))


def value(node: expr.Value, names: Names) -> Code:
    """Emit any spec value as a Java expression; JSON bodies become ``ObjectNode`` chains."""
    if isinstance(node, expr.Template):
        return template(node, names)
    if isinstance(node, expr.Transform):
        helper = {"base64": "base64", "urlencode": "percentEncode"}[node.name]
        return Apply(helper, (value(node.arg, names),))
    if isinstance(node, expr.Const):
        return literal(node.value)
    if isinstance(node, expr.Obj):
        chain = Call("object()")
        for key, item in node.items:
            ref = item.single_ref if isinstance(item, expr.Template) else None
            if ref is not None and str(ref) in names.optional:
                # an optional input the user left empty is left out, not sent as ""
                chain = chain.then("setAll", Apply("unlessEmpty", (string(key), names.of(ref))))
            elif isinstance(item, (expr.Obj, expr.Arr)):
                chain = chain.then("set", string(key), value(item, names))
            else:
                chain = chain.then("put", string(key), value(item, names))
        return chain
    if isinstance(node, expr.Arr):
        chain = Call("array()")
        for item in node.items:
            chain = chain.then("add", value(item, names))
        return chain
    raise TypeError(node)


def url(step: Step, names: Names) -> Code:
    """The request URL: the base URL plus the path, or a URL an earlier step extracted plus the rest."""
    if step.absolute:
        head: Code = names.of(step.path.parts[0])  # type: ignore[arg-type]
        rest = expr.Template(step.path.parts[1:])
    else:
        head, rest = names.setting("base_url"), step.path
    if not rest.parts:
        return head
    tail = template(rest, names, segment=True)
    return Concat((head, *(tail.parts if isinstance(tail, Concat) else (tail,))))


# -- operations ---------------------------------------------------------------------


@dataclass(frozen=True)
class EmittedStep:
    """One step of a client method, as lines of Java relative to the method body (its label is in ``send``)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Param:
    """A parameter of a client method: the spec's input name and its Java name."""

    name: str
    java: str


@dataclass(frozen=True)
class EmittedOperation:
    name: str
    method: str
    params: tuple[Param, ...]
    #: (Java local, session key) read from the service session before the first step.
    session_locals: tuple[tuple[str, str], ...]
    steps: tuple[EmittedStep, ...]
    #: the method's last statement (login: the service session it made).
    returns: str
    #: whether the method returns the user record.
    returns_record: bool
    #: lifecycle methods: the declaration, its javadoc lines, the inputs read first, the closing statement's lines
    signature: str = ""
    doc: tuple[str, ...] = ()
    input_locals: tuple[tuple[str, str], ...] = ()
    return_lines: tuple[str, ...] = ()


def operation(spec: Spec, op: Operation, fields: dict[str, str]) -> EmittedOperation:
    """Emit the body of one client method: straight-line requests, no interpreter.

    :param fields: the client's fields by setting name (``base_url`` -> ``baseUrl``).
    """
    plan = client_plan(spec, op)
    method = plan.method
    taken: set[str] = set(CLIENT_TAKEN) | {f.removeprefix("this.") for f in fields.values()}
    bound = bind(plan, lambda name: WORDS.fresh(ident(name), taken))
    names = Names(bound.names, plan.optional, fields)
    steps = []
    declared = False
    returns_record = False
    for sp in plan.steps:
        step, returned_here = sp.step, sp.returns_here
        after: list[str] = []
        for read in sp.reads:
            if read.record:
                after.append(f"return record(response, {string(str(read.pointer))});")
                returns_record = True
                continue
            helper = "deadline" if read.deadline else "text"
            after.append(f"String {names.locals[read.ref]} = {helper}(response, {string(str(read.pointer))});")
        if (after or returned_here) and not declared:
            prefix, declared = "JsonNode response = ", True
        elif after or returned_here:
            prefix = "response = "
        else:
            prefix = ""
        head = f"{prefix}send({string(sp.label)}, "
        request = _request(spec, step, names)
        if len(INDENT + head) + len(flat(request.head)) + 2 <= WIDTH:
            call = layout(request, len(INDENT + head), INDENT, tail=2)
        else:
            # the request does not start on the send line: it gets a line of its own
            deeper = INDENT + CONTINUATION
            call = "\n" + deeper + layout(request, len(deeper), deeper, tail=2)
            head = head.rstrip()
        first, *rest = (head + call + ");").split("\n")
        lines = [first, *(line.removeprefix(INDENT) for line in rest)]
        steps.append(EmittedStep((*lines, *after)))
    returns = ""
    if op.name == "login":
        login_values = [(v.name, names.locals[v.source]) for v in plan.returns]
        returns = _session_map(login_values, len(INDENT + f"return new {spec.service.class_name}ServiceSession("))
    if method is None:
        params = tuple(Param(name, java) for java, name in bound.inputs)
        return EmittedOperation(op.name, METHODS[op.name], params, bound.session, tuple(steps), returns, returns_record)
    session_type = f"{spec.service.class_name}ServiceSession"
    return_lines: tuple[str, ...] = ()
    if plan.returns:
        head = f"return new {session_type}("
        values = [(value.name, flat(_renewed(value, names.locals, plan.last))) for value in plan.returns]
        statement = head + _session_map(values, len(INDENT + head)) + ");"
        return_lines = tuple(line.removeprefix(INDENT) for line in statement.split("\n"))
    return EmittedOperation(
        op.name,
        METHODS[op.name],
        (),
        bound.session,
        tuple(steps),
        "",
        False,
        signature=_signature(method, session_type),
        doc=_javadoc(method, spec.service.class_name),
        input_locals=bound.inputs,
        return_lines=return_lines,
    )


def _renewed(value: SessionValue, locals_: dict[str, str], last: int) -> Code:
    """One value of the service session refresh returns: from the last response, an earlier one, or the old session."""
    if value.step is None:
        return Apply("session.value", (string(value.name),))
    if value.step == last:
        return Apply("deadline" if value.deadline else "text", ("response", string(str(value.pointer))))
    return locals_[value.source]


def _signature(method: ClientMethod, session_type: str) -> str:
    """``public AcmeServiceSession refresh(AcmeServiceSession session)``."""
    params = [f"{session_type} session"] if method.takes_session else []
    params += ["Map<String, String> input"] if method.inputs else []
    returns = session_type if method.returns else "void"
    return f"public {returns} {METHODS[method.operation]}({', '.join(params)})"


def _javadoc(method: ClientMethod, prefix: str) -> tuple[str, ...]:
    """The javadoc of a lifecycle method, line by line (without the leading ``*``)."""
    lines = [method.summary]  # authgen's own words: no spec text to escape
    if method.takes_session:
        lines.append(f"@param session {ARGUMENTS['session']}")
    if method.inputs:
        names = ", ".join("{@code " + name + "}" for name in method.inputs)
        lines.append(f"@param input {ARGUMENTS['input']}: {names}")
    if method.returns:
        lines.append("@return the new service session: secrets, to keep server-side")
    lines.append(f"@throws {prefix}ServiceException when the service refuses, or fails")
    return tuple(lines)


def _session_map(values: list[tuple[str, str]], column: int) -> str:
    """The values of a service session as a map: ``Map.of(...)`` on one line, else one ``Map.entry`` a line.

    :param column: where the map starts; ``);`` follows it.
    """
    if len(values) <= 10:
        pairs = ", ".join(f"{string(k)}, {v}" for k, v in values)
        if column + len(f"Map.of({pairs})") + 2 <= WIDTH:
            return f"Map.of({pairs})"
    entries = [f"Map.entry({string(k)}, {v})" for k, v in values]
    flat_entries = f"Map.ofEntries({', '.join(entries)})"
    if column + len(flat_entries) + 2 <= WIDTH:
        return flat_entries
    inner = INDENT + CONTINUATION
    return "Map.ofEntries(\n" + ",\n".join(inner + entry for entry in entries) + ")"


def _request(spec: Spec, step: Step, names: Names) -> Call:
    """The ``ServiceRequest`` a step sends, as a builder chain."""
    chain = Call(Apply(f"ServiceRequest.{FACTORIES[step.method]}", (url(step, names),)))
    for key, item in step.query:
        chain = chain.then("query", string(key), value(item, names))
    for key, item in step.headers:
        chain = chain.then("header", string(key), value(item, names))
    how = request_auth(spec, step)
    if isinstance(how, BasicAuth):
        chain = chain.then("basic", value(how.user, names), value(how.password, names))
    elif isinstance(how, BearerAuth):
        chain = chain.then("bearer", value(how.token, names))
    elif isinstance(how, HeaderAuth):
        chain = chain.then("header", string(how.header), template(how.value, names))
    if step.json is not None:
        chain = chain.then("json", value(step.json, names))
    for key, item in step.form or ():
        chain = chain.then("form", string(key), value(item, names))
    if tuple(step.ok) != (200,):
        chain = chain.then("expect", *(str(status) for status in step.ok))
    for rule in step.errors:
        args: list[Code] = [str(rule.status), f"{ERROR_CLASSES[rule.kind]}::new"]
        if rule.match:
            match = Call(Apply("Match.at", (string(str(rule.match[0][0])), literal(rule.match[0][1]))))
            for pointer, expected in rule.match[1:]:
                match = match.then("and", string(str(pointer)), literal(expected))
            args.insert(1, match)
        chain = chain.then("on", *args)
        if rule.message is not None:
            chain = chain.then("message", string(str(rule.message)))
    return chain


# -- the user type ----------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """One property of the generated ``AcmeUser``."""

    #: the JSON key of ``me`` (the canonical name or the spec field's name)
    name: str
    #: the Java field
    field: str
    #: the Java type of the field and its getter
    type: str
    getter: str
    #: the expression that reads it out of ``record`` in the constructor
    read: str
    #: the expression that writes it into the ``me`` map
    dump: str
    doc: str
    nullable: bool = False
    canonical: bool = False
    #: what the getter's ``@return`` says
    returns: str = ""


def _returns(attr: Attribute) -> Attribute:
    """``attr`` with the text of its getter's ``@return``."""
    if attr.name == "active":
        text = "whether the account is active"
    elif attr.type == "boolean":
        text = f"whether {javadoc(attr.name.replace('_', ' '))} is set"
    else:
        text = f"the {javadoc(attr.name.replace('_', ' '))}" + (", or null" if attr.nullable else "")
    return replace(attr, returns=text)


@dataclass(frozen=True)
class EnumType:
    """A nested enum of ``AcmeUser`` for an enum field: its name and ``(CONSTANT, value)`` pairs."""

    name: str
    constants: tuple[tuple[str, str], ...]
    field: str


def enums(spec: Spec) -> list[EnumType]:
    """A nested enum type for every enum field of its own."""
    taken = set(USER_TYPES)
    out = []
    for f in enum_fields(spec):
        name = pascal(f.name)
        name = WORDS.suffixed(name, taken, "Value")
        used: set[str] = set()
        constants = tuple((WORDS.fresh(constant(v), used), v) for v in f.values)
        out.append(EnumType(name, constants, f.name))
    return out


def reader(f: Field) -> str:
    """The expression that reads ``f`` out of ``record``, with its Java type."""
    kind = FIELD_TYPES[f.type]
    method = kind.optional_reader if f.optional else kind.reader
    return transformed(f, f"UserRecords.{method}(record, {_field_and_pointer(f)})")


def _field_and_pointer(f: Field) -> str:
    """The reader's arguments after the record: a required field's name (for the error), then its pointer."""
    pointer = string(str(f.pointer))
    return pointer if f.optional else f"{string(f.name)}, {pointer}"


def transformed(f: Field, read: str) -> str:
    """``read`` with the field's value transform applied (``UserRecords.lastSegment(...)``), if it has one."""
    if f.transform is None:
        return read
    return f"UserRecords.{camel(f.transform)}({read})"


def attributes(spec: Spec) -> list[Attribute]:
    """``AcmeUser``'s properties (:func:`generator.plan.user.user_attributes`) as Java."""
    enum_of = {e.field: e for e in enums(spec)}
    out: list[Attribute] = []
    java_taken = {"id", "username", "email", "firstName", "lastName", "roles", "active", "serviceSession"}
    getters_taken = set(USER_METHODS)
    for attr in user_attributes(spec):
        f = attr.source
        if attr.kind == "text":
            java = camel(attr.name)
            if f is None:
                read, doc = "null", TEXT_DOCS[attr.name] + " Not provided by this service."
            else:
                method = "optionalString" if f.optional else "string"
                read = transformed(f, f"UserRecords.{method}(record, {_field_and_pointer(f)})")
                doc = TEXT_DOCS[attr.name] + f" From the field {javadoc(f.name)}."
            getter = "get" + pascal(attr.name)
            out.append(
                Attribute(attr.name, java, "String", getter, read, f"this.{java}", doc, attr.nullable, canonical=True)
            )
        elif attr.kind == "roles":
            if f is None:
                roles_read = "List.of()"
            elif attr.source_optional:
                roles_read = f"Objects.requireNonNullElse({reader(f)}, List.of())"
            else:
                roles_read = reader(f)
            doc = "Role names at the service; each is also a {@code ROLE_} authority."
            out.append(
                Attribute("roles", "roles", "List<String>", "getRoles", roles_read, "this.roles", doc, canonical=True)
            )
        elif attr.kind == "active":
            doc = "False when the service has disabled the account."
            out.append(
                Attribute("active", "active", "boolean", "isActive", _active(attr), "this.active", doc, canonical=True)
            )
        else:
            assert f is not None
            java = ident(f.name)
            java = WORDS.suffixed(java, java_taken, "Field")
            if f.type == "enum":
                jtype = enum_of[f.name].name
                read = f"{jtype}.of({reader(f)})" if not f.optional else f"{jtype}.ofNullable({reader(f)})"
                dump = (
                    f"this.{java}.value()" if not f.optional else f"(this.{java} != null) ? this.{java}.value() : null"
                )
            else:
                jtype = FIELD_TYPES[f.type].optional if f.optional else FIELD_TYPES[f.type].required
                read = reader(f)
                dump = f"UserRecords.iso(this.{java})" if f.type == "datetime" else f"this.{java}"
            prefix = "is" if jtype == "boolean" else "get"
            getter = prefix + pascal(f.name)
            getter = WORDS.suffixed(getter, getters_taken, "Field")
            doc = f"The field {javadoc(f.name)}, from {javadoc(str(f.pointer) or '/')}."
            if f.optional:
                doc += " Null when the service leaves it out."
            out.append(Attribute(f.name, java, jtype, getter, read, dump, doc, nullable=f.optional))
    return [_returns(attr) for attr in out]


def _active(attr: UserAttribute) -> str:
    f = attr.source
    if f is None:
        return "true"
    read = reader(f)
    if attr.equals is None:
        return f"Boolean.TRUE.equals({read})" if f.optional else read
    return f"{string(attr.equals)}.equals({read})"


# -- the test's expectations ---------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One assertion on the principal of a fixture user: ``assertThat(user.<getter>()).<assertion>``."""

    getter: str
    assertion: str


def expectations(spec: Spec, user: ExpectedUser) -> list[Check]:
    """What a fixture user's ``AcmeUser`` must hold (:func:`generator.plan.user.expected_user`), as AssertJ."""
    java = {a.name: a for a in attributes(spec)}
    enum_of = {e.field: e for e in enums(spec)}
    user_class = spec.service.class_name + "User"
    checks = []
    for expected in user.values:
        attr = java[expected.attribute.name]
        checks.append(Check(attr.getter, _assertion(user_class, attr, expected.value, enum_of.get(attr.name))))
    return checks


def _assertion(user_class: str, attr: Attribute, want: object, enum: EnumType | None) -> str:
    if want is None:
        return "isNull()"
    if isinstance(want, bool):
        return "isTrue()" if want else "isFalse()"
    if isinstance(want, list):
        return "containsExactly(" + ", ".join(literal(v) for v in want) + ")" if want else "isEmpty()"
    if enum is not None and not attr.canonical:
        const = next(c for c, v in enum.constants if v == want)
        return f"isEqualTo({user_class}.{enum.name}.{const})"
    if attr.type == "OffsetDateTime":
        return f"isEqualTo(OffsetDateTime.parse({string(str(want))}))"
    if attr.type in ("long", "Long") and isinstance(want, int):
        return f"isEqualTo({want}L)"
    if attr.type in ("double", "Double") and isinstance(want, (int, float)):
        return f"isEqualTo({float(want)!r})"
    return f"isEqualTo({literal(want)})"


# -- the context -----------------------------------------------------------------------


def settings(spec: Spec, test_values: dict[str, str]) -> list[dict]:
    """The service settings as ``@ConfigurationProperties`` fields."""
    prefix = spec.service.slug
    out = []
    for s in spec.service.settings:
        prop = kebab(s.name)
        out.append(
            setting_row(
                s,
                property=f"{prefix}.{prop}",
                key=prop,
                field=ident(s.name),
                getter="get" + pascal(s.name),
                setter="set" + pascal(s.name),
                default=None if s.default is None else string(s.default),
                # a base URL without a default must be set: no request can go anywhere without one
                required=s.required or (s.name == "base_url" and s.default is None),
                description=_sentence(s.description or f"the {s.name.replace('_', ' ')} setting of the service"),
                test_value=literal(test_values[s.name]) if s.name in test_values else None,
            )
        )
    return out


def _sentence(text: str) -> str:
    """``text`` with a capital first letter and no final full stop: the start of a javadoc sentence."""
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:]


def duration(seconds: float) -> str:
    """A ``java.time.Duration`` expression for a number of seconds, in whole seconds when it is one."""
    millis = round(seconds * 1000)
    return f"Duration.ofSeconds({millis // 1000})" if millis % 1000 == 0 else f"Duration.ofMillis({millis})"


#: Jinja filters this module gives templates.
FILTERS = {
    "java": literal,
    "javacomment": comment,
    "javadoc": javadoc,
    "javatext": text_block,
    "javawrap": wrap,
    "xml": xml,
}


@dataclass(frozen=True)
class Fixture:
    """A fixture user as the Java tests see it: who, and what their principal must hold."""

    key: str
    username: str
    password: str
    #: the email address a forgot-password request names the user by
    email: str | None
    #: what ``me`` must answer for the user, as JSON text
    me_json: str
    checks: tuple[Check, ...]


def fixture(spec: Spec, user: ExpectedUser) -> Fixture:
    """A fixture user of the fake, with what its ``me`` answer and its principal must hold."""
    me_json = json.dumps(user.me, ensure_ascii=False, indent=4, default=str)
    return Fixture(user.key, user.username, user.password, user.email, me_json, tuple(expectations(spec, user)))


def error_classes(spec: Spec) -> list[str]:
    """The exception classes the client names: those in error rules, and the fail-closed one."""
    return sorted(client_errors(spec))


def user_jdk_imports(spec: Spec) -> list[str]:
    """The JDK imports of ``AcmeUser``: ``OffsetDateTime`` for a datetime field, ``Objects`` for optional roles."""
    attrs = user_attributes(spec)
    roles = next(a for a in attrs if a.kind == "roles")
    return [
        "java.io.Serial",
        *(["java.time.OffsetDateTime"] if any(a.kind == "field" and a.type == "datetime" for a in attrs) else []),
        "java.util.Collection",
        "java.util.LinkedHashMap",
        "java.util.LinkedHashSet",
        "java.util.List",
        "java.util.Map",
        *(["java.util.Objects"] if roles.source_optional else []),  # Objects.requireNonNullElse(roles, List.of())
        "java.util.Set",
    ]


def client_imports(prefix: str, needs: ClientNeeds, errors: list[str]) -> list[list[str]]:
    """The imports of the generated client, in groups: the JDK, the libraries, Spring, the starter's own types.

    :param prefix: the starter package and the service's class-name stem (``com.acme.auth.Acme``).
    """
    package = prefix.rpartition(".")[0]
    jdk = [
        *(["java.net.URLEncoder"] if needs.urlencode else []),
        *(["java.nio.charset.StandardCharsets"] if needs.urlencode or needs.base64 else []),
        *(["java.util.Base64"] if needs.base64 else []),
        "java.util.Map",
    ]
    libraries = [
        "tools.jackson.core.JacksonException",
        "tools.jackson.databind.JsonNode",
        "tools.jackson.databind.json.JsonMapper",
        *(["tools.jackson.databind.node.ArrayNode"] if needs.json_arrays else []),
        *(["tools.jackson.databind.node.ObjectNode"] if needs.json_objects else []),
    ]
    spring = ["org.springframework.web.client.RestClient"]
    own = [f"{prefix}ServiceException.{name}" for name in errors]
    own += [f"{package}.ServiceRequest.Match"] if needs.error_matches else []
    return [jdk, libraries, spring, own]


def context(spec: Spec, test_values: dict[str, str], names: Mapping[str, str] | None = None) -> dict:
    """The Java part of a target's context: names, settings, the user type, client methods, test data.

    :param names: the target's names (:func:`generator.plan.naming.target_names`); the
        code goes in its ``package``.  Default: the Spring target's.
    """
    if names is None:
        names = target_names(spec, TARGETS["spring"])
    package = names["package"]
    setting_list = settings(spec, test_values)
    client_fields = {s["name"]: "this." + s["field"] for s in setting_list}
    ops = {name: operation(spec, op, client_fields) for name, op in spec.operations.items()}
    needs, user = client_needs(spec), user_needs(spec)
    return {
        "package_path": package.replace(".", "/"),
        "timeout": duration(spec.service.timeout_s),
        "settings": setting_list,
        "required_settings": [s for s in setting_list if s["required"]],
        "attrs": attributes(spec),
        "enums": enums(spec),
        "ops": ops,
        # the values of the service session that some operation reads back (S17 looks for them in cookies)
        # (values login marks public = true, an id or a link, are no secrets: S17 skips them)
        "session_values": secrets_read_back(spec),
        "user_jdk_imports": user_jdk_imports(spec),
        "client_imports": client_imports(f"{package}.{spec.service.class_name}", needs, error_classes(spec)),
        "uses_object": needs.json_objects,
        "uses_array": needs.json_arrays,
        "helpers": needs.helpers(
            base64="base64", urlencode="percentEncode", deadline="deadline", input_argument="required"
        ),
        "lifecycle_ops": [ops[name] for name in LIFECYCLE if name in ops],
        # a rule passes the service's own message through (ServiceRequest.message, withServiceMessage)
        "service_messages": needs.service_message,
        "java_fixtures": [fixture(spec, user) for user in expected_users(spec)],
        "datetime_fields": [f.name for f in own_fields(spec) if f.type == "datetime"],
        "register_username": register_username(spec),
        # UserRecords gets the *[member=value] list filter only when a field uses one.
        "pointer_filters": user.pointer_filters,
        # the client's unlessEmpty only when an operation has optional inputs
        "optional_inputs": needs.optional_inputs,
        # False when every service session value is public: the fake then issues no token for S17 to look for
        "session_secrets": session_secrets(spec),
        # ... and the value transforms the fields use (lastSegment)
        "value_transforms": list(user.transforms),
    }
