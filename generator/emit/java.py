"""Emit Java: the spec's values as expressions, client steps, the user type, test data.

Emitted code is straight-line Java (``ServiceRequest`` builders, typed
readers), never an interpreter of the spec at run time.  The spelling and
layout of literals, comments and names are :mod:`generator.lang.java`'s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from .. import expr
from ..fake.fixtures import fixture_users
from ..lang.java import (
    CONTINUATION,
    INDENT,
    RESERVED,
    WIDTH,
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
from ..lang.names import fresh
from ..model import CANONICAL, EXPIRES_AT, EXPIRES_IN, OPERATIONS, USER_EXTRACT, Field, Operation, Spec, Step
from ..plan.errors import ERROR_CLASSES, rule_errors
from ..plan.helpers import ClientNeeds, client_needs
from ..plan.operations import (
    ARGUMENTS,
    LIFECYCLE,
    ClientMethod,
    SessionValue,
    client_method,
    login_session,
    public_values,
    session_keys,
    session_secrets,
)
from ..plan.requests import BasicAuth, BearerAuth, HeaderAuth, path_text, request_auth
from ..targets import TARGETS

#: Client method names, by operation.
METHODS = {op: camel(op) for op in OPERATIONS}

#: ``ServiceRequest`` factory methods, by HTTP method.
FACTORIES = {"GET": "get", "POST": "post", "PUT": "put", "PATCH": "patch", "DELETE": "delete"}

#: Java types of [user] field types: (required, optional).  Enum fields get a nested enum type.
TYPES = {
    "string": ("String", "String"),
    "email": ("String", "String"),
    "int": ("long", "Long"),
    "float": ("double", "Double"),
    "bool": ("boolean", "Boolean"),
    "datetime": ("OffsetDateTime", "OffsetDateTime"),
    "list<string>": ("List<String>", "List<String>"),
}

#: ``UserRecords`` readers, by field type: (required, optional).
READERS = {
    "string": ("string", "optionalString"),
    "email": ("string", "optionalString"),
    "int": ("integer", "optionalInteger"),
    "float": ("number", "optionalNumber"),
    "bool": ("bool", "optionalBool"),
    "datetime": ("dateTime", "optionalDateTime"),
    "enum": ("string", "optionalString"),
    "list<string>": ("strings", "optionalStrings"),
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
class Names:
    """How each reference reads in a generated client method: locals, and the client's fields."""

    locals: dict[str, str]
    fields: dict[str, str]
    #: references of inputs the spec marks optional: left out of a JSON body when empty
    optional: frozenset[str] = frozenset()

    def of(self, ref: expr.Ref) -> str:
        if ref.ns in ("config", "service"):
            return self.fields[ref.name]
        return self.locals[str(ref)]


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
        head, rest = names.fields["base_url"], step.path
    if not rest.parts:
        return head
    tail = template(rest, names, segment=True)
    return Concat((head, *(tail.parts if isinstance(tail, Concat) else (tail,))))


# -- operations ---------------------------------------------------------------------


@dataclass(frozen=True)
class EmittedStep:
    """One step of a client method, as lines of Java relative to the method body."""

    comment: str
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
    method = client_method(spec, op.name) if op.name in LIFECYCLE else None
    locals_: dict[str, str] = {}
    taken: set[str] = set(CLIENT_TAKEN) | {f.removeprefix("this.") for f in fields.values()} | RESERVED
    params = []
    input_locals = []
    for name in method.inputs if method else op.inputs:
        java = fresh(ident(name), taken)
        locals_[f"input.{name}"] = java
        if method:
            input_locals.append((java, name))
        else:
            params.append(Param(name, java))
    session_locals = []
    for key in session_keys(op):
        java = fresh(ident(key), taken)
        locals_[f"session.{key}"] = java
        session_locals.append((java, key))
    steps = []
    declared = False
    returns_record = False
    renewed = method.returns if method else ()
    last = len(op.steps)
    for number, step in enumerate(op.steps, 1):
        names = Names(dict(locals_), fields, frozenset(f"input.{name}" for name in op.optional_inputs))
        after: list[str] = []
        # refresh returns what its last step extracts straight from the response
        returned_here = number == last and any(v.step == last for v in renewed)
        for key, pointer in () if returned_here else step.extract:
            if key == USER_EXTRACT:
                if op.name == "get_user":
                    after.append(f"return record(response, {string(str(pointer))});")
                    returns_record = True
                continue
            name, read = (EXPIRES_AT, "deadline") if key == EXPIRES_IN else (key, "text")
            java = fresh(ident(name), taken)
            locals_[f"steps.{number}.{key}"] = java
            after.append(f"String {java} = {read}(response, {string(str(pointer))});")
        if (after or returned_here) and not declared:
            prefix, declared = "JsonNode response = ", True
        elif after or returned_here:
            prefix = "response = "
        else:
            prefix = ""
        label = f"{step.method} {path_text(step)}"
        head = f"{prefix}send({string(label)}, "
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
        steps.append(EmittedStep(label, (*lines, *after)))
    returns = ""
    if op.name == "login":
        login_values = [(v.name, locals_[v.source]) for v in login_session(op)]
        returns = _session_map(login_values, len(INDENT + f"return new {spec.service.class_name}ServiceSession("))
    if method is None:
        return EmittedOperation(
            op.name, METHODS[op.name], tuple(params), tuple(session_locals), tuple(steps), returns, returns_record
        )
    session_type = f"{spec.service.class_name}ServiceSession"
    return_lines: tuple[str, ...] = ()
    if renewed:
        head = f"return new {session_type}("
        values = [(value.name, flat(_renewed(value, locals_, last))) for value in renewed]
        statement = head + _session_map(values, len(INDENT + head)) + ");"
        return_lines = tuple(line.removeprefix(INDENT) for line in statement.split("\n"))
    return EmittedOperation(
        op.name,
        METHODS[op.name],
        (),
        tuple(session_locals),
        tuple(steps),
        "",
        False,
        signature=_signature(method, session_type),
        doc=_javadoc(method, spec.service.class_name),
        input_locals=tuple(input_locals),
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
    """A nested enum type for every enum field."""
    taken = set(USER_TYPES)
    out = []
    for f in spec.user:
        if f.type != "enum" or f.name in CANONICAL:
            continue
        name = pascal(f.name)
        name = fresh(name + "Value" if name in taken else name, taken)
        used: set[str] = set()
        constants = tuple((fresh(constant(v), used), v) for v in f.values)
        out.append(EnumType(name, constants, f.name))
    return out


def reader(f: Field) -> str:
    """The expression that reads ``f`` out of ``record``, with its Java type."""
    method = READERS[f.type][1 if f.optional else 0]
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
    """``AcmeUser``'s properties: the canonical ones first, then every other spec field."""
    m = spec.mapping
    fields = {f.name: f for f in spec.user}
    enum_of = {e.field: e for e in enums(spec)}
    out: list[Attribute] = []
    java_taken = {"id", "username", "email", "firstName", "lastName", "roles", "active", "serviceSession"}
    canonical = {
        "id": (m.id, "The service's id for the user."),
        "username": (m.username, "What the user signs in with."),
        "email": (m.email, "The user's email address."),
        "first_name": (m.first_name, "Given name."),
        "last_name": (m.last_name, "Family name."),
    }
    for name, (source, doc) in canonical.items():
        java = camel(name)
        getter = "get" + pascal(name)
        if source is None:
            out.append(
                Attribute(
                    name,
                    java,
                    "String",
                    getter,
                    "null",
                    f"this.{java}",
                    doc + " Not provided by this service.",
                    nullable=True,
                    canonical=True,
                )
            )
            continue
        f = fields[source]
        method = "optionalString" if f.optional else "string"
        read = transformed(f, f"UserRecords.{method}(record, {_field_and_pointer(f)})")
        out.append(
            Attribute(
                name,
                java,
                "String",
                getter,
                read,
                f"this.{java}",
                doc + f" From the field {javadoc(source)}.",
                nullable=f.optional,
                canonical=True,
            )
        )
    roles = fields.get(m.roles) if m.roles else None
    if roles is None:
        roles_read = "List.of()"
    elif roles.optional:
        roles_read = f"Objects.requireNonNullElse({reader(roles)}, List.of())"
    else:
        roles_read = reader(roles)
    out.append(
        Attribute(
            "roles",
            "roles",
            "List<String>",
            "getRoles",
            roles_read,
            "this.roles",
            "Role names at the service; each is also a {@code ROLE_} authority.",
            canonical=True,
        )
    )
    out.append(
        Attribute(
            "active",
            "active",
            "boolean",
            "isActive",
            _active(spec),
            "this.active",
            "False when the service has disabled the account.",
            canonical=True,
        )
    )
    getters_taken = set(USER_METHODS)
    for f in spec.user:
        if f.name in CANONICAL:
            continue  # the canonical attribute of that name already carries it
        java = ident(f.name)
        java = fresh(java + "Field" if java in java_taken else java, java_taken)
        if f.type == "enum":
            jtype = enum_of[f.name].name
            read = f"{jtype}.of({reader(f)})" if not f.optional else f"{jtype}.ofNullable({reader(f)})"
            dump = f"this.{java}.value()" if not f.optional else f"(this.{java} != null) ? this.{java}.value() : null"
        else:
            jtype = TYPES[f.type][1 if f.optional else 0]
            read = reader(f)
            dump = f"UserRecords.iso(this.{java})" if f.type == "datetime" else f"this.{java}"
        prefix = "is" if jtype == "boolean" else "get"
        getter = prefix + pascal(f.name)
        getter = fresh(getter + "Field" if getter in getters_taken else getter, getters_taken)
        doc = f"The field {javadoc(f.name)}, from {javadoc(str(f.pointer) or '/')}."
        if f.optional:
            doc += " Null when the service leaves it out."
        out.append(Attribute(f.name, java, jtype, getter, read, dump, doc, nullable=f.optional))
    return [_returns(attr) for attr in out]


def _active(spec: Spec) -> str:
    rule = spec.mapping.active
    if rule.field is None:
        return "true"
    f = spec.field(rule.field)
    read = reader(f)
    if rule.equals is None:
        return f"Boolean.TRUE.equals({read})" if f.optional else read
    return f"{string(rule.equals)}.equals({read})"


# -- the test's expectations ---------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One assertion on the principal of a fixture user: ``assertThat(user.<getter>()).<assertion>``."""

    getter: str
    assertion: str


def expectations(spec: Spec, user: dict) -> list[Check]:
    """What a fixture user's ``AcmeUser`` must hold, as AssertJ assertions."""
    expected, values = user["expected"], user["fields"]
    enum_of = {e.field: e for e in enums(spec)}
    checks = []
    for attr in attributes(spec):
        if attr.canonical:
            want = expected.get(attr.name)
            if attr.name in ("id", "username") and want is not None:
                want = str(want)
        else:
            want = values.get(attr.name)
        checks.append(Check(attr.getter, _assertion(spec, attr, want, enum_of)))
    return checks


def _assertion(spec: Spec, attr: Attribute, want: object, enum_of: dict[str, EnumType]) -> str:
    if want is None:
        return "isNull()"
    if isinstance(want, bool):
        return "isTrue()" if want else "isFalse()"
    if isinstance(want, list):
        return "containsExactly(" + ", ".join(literal(v) for v in want) + ")" if want else "isEmpty()"
    if attr.name in enum_of and not attr.canonical:
        enum = enum_of[attr.name]
        const = next(c for c, v in enum.constants if v == want)
        return f"isEqualTo(AcmeUser.{enum.name}.{const})".replace("AcmeUser", spec.service.class_name + "User")
    if attr.type == "OffsetDateTime":
        return f"isEqualTo(OffsetDateTime.parse({string(str(want))}))"
    if attr.type in ("long", "Long") and isinstance(want, int):
        return f"isEqualTo({want}L)"
    if attr.type in ("double", "Double") and isinstance(want, (int, float)):
        return f"isEqualTo({float(want)!r})"
    return f"isEqualTo({literal(want)})"


# -- the context -----------------------------------------------------------------------


def spring_names(spec: Spec) -> dict[str, str]:
    """The target's group id, package and artifact id: registry defaults, then ``[targets.spring]``."""
    target = TARGETS["spring"]
    values = {"slug": spec.service.slug, "Name": spec.service.class_name, "SLUG": spec.service.slug.upper()}
    names = {key: pattern.format(**values) for key, pattern in target.naming.items()}
    names.update(spec.target_options.get("spring", {}))
    return names


def settings(spec: Spec, test_values: dict[str, str]) -> list[dict]:
    """The service settings as ``@ConfigurationProperties`` fields."""
    prefix = spec.service.slug
    out = []
    for s in spec.service.settings:
        prop = kebab(s.name)
        out.append(
            {
                "name": s.name,
                "property": f"{prefix}.{prop}",
                "key": prop,
                "field": ident(s.name),
                "getter": "get" + pascal(s.name),
                "setter": "set" + pascal(s.name),
                "env": s.env,
                "default": None if s.default is None else string(s.default),
                "required": s.required or (s.name == "base_url" and s.default is None),
                "secret": s.secret,
                "description": _sentence(s.description or f"the {s.name.replace('_', ' ')} setting of the service"),
                "test_value": literal(test_values[s.name]) if s.name in test_values else None,
            }
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


def fixture(spec: Spec, user: dict) -> Fixture:
    """A fixture user of the fake, with what its ``me`` answer and its principal must hold."""
    me = dict(user["expected"])
    me.update({f.name: user["fields"].get(f.name) for f in spec.user if f.name not in CANONICAL})
    email = user["expected"].get("email")
    return Fixture(
        user["key"],
        user["username"],
        user["password"],
        str(email) if email is not None else None,
        json.dumps(me, ensure_ascii=False, indent=4, default=str),
        tuple(expectations(spec, user)),
    )


def register_username(spec: Spec) -> str | None:
    """The register input a new account then signs in with, when one can tell; else None."""
    if not spec.has("register"):
        return None
    inputs = spec.operations["register"].inputs
    if "username" in inputs:
        return "username"
    if spec.field(spec.mapping.username).type == "email":
        return next((name for name in inputs if "email" in name), None)
    return None


def error_classes(spec: Spec) -> list[str]:
    """The exception classes the client names: those in error rules, and the fail-closed one."""
    used = rule_errors(spec)
    return sorted(used | {"ServiceUnavailable"})


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


def context(spec: Spec, test_values: dict[str, str]) -> dict:
    """The Java part of a target's context: names, settings, the user type, client methods, test data."""
    names = spring_names(spec)
    package = names["package"]
    group = names["group_id"]
    example_package = group + ".example" if group + ".example" != package else package + ".example"
    setting_list = settings(spec, test_values)
    client_fields = {s["name"]: "this." + s["field"] for s in setting_list}
    ops = {name: operation(spec, op, client_fields) for name, op in spec.operations.items()}
    needs = client_needs(spec)
    users = fixture_users(spec.data)
    return {
        "package_path": package.replace(".", "/"),
        "example_package": example_package,
        "example_package_path": example_package.replace(".", "/"),
        "timeout": duration(spec.service.timeout_s),
        "settings": setting_list,
        "required_settings": [s for s in setting_list if s["required"]],
        "attrs": attributes(spec),
        "enums": enums(spec),
        "ops": ops,
        # the values of the service session that some operation reads back (S17 looks for them in cookies)
        # (values login marks public = true, an id or a link, are no secrets: S17 skips them)
        "session_values": sorted(
            {name for op in ops.values() for _, name in op.session_locals} - set(public_values(spec))
        ),
        "client_imports": client_imports(f"{package}.{spec.service.class_name}", needs, error_classes(spec)),
        "uses_object": needs.json_objects,
        "uses_array": needs.json_arrays,
        "helpers": [
            name
            for name, used in (
                ("base64", needs.base64),
                ("percentEncode", needs.urlencode),
                ("deadline", needs.deadline),
                ("required", any(op.input_locals for op in ops.values())),
            )
            if used
        ],
        "lifecycle_ops": [ops[name] for name in LIFECYCLE if name in ops],
        # a rule passes the service's own message through (ServiceRequest.message, withServiceMessage)
        "service_messages": needs.service_message,
        "java_fixtures": [fixture(spec, u) for u in users],
        "datetime_fields": [f.name for f in spec.user if f.type == "datetime" and f.name not in CANONICAL],
        "register_username": register_username(spec),
        # UserRecords gets the *[member=value] list filter only when a field uses one.
        "pointer_filters": any(f.pointer.where for f in spec.user),
        # the client's unlessEmpty only when an operation has optional inputs
        "optional_inputs": any(op.optional_inputs for op in spec.operations.values()),
        # False when every service session value is public: the fake then issues no token for S17 to look for
        "session_secrets": session_secrets(spec),
        # ... and the value transforms the fields use (lastSegment)
        "value_transforms": sorted({f.transform for f in spec.user if f.transform}),
    }
