"""Tier 1 of the ASP.NET Core target: check a generated package without the .NET SDK.

Where ``dotnet`` is missing, nothing can build or run the package.  This
module checks what can be checked without it, and says so plainly:

- every ``.cs`` file parses with tree-sitter-c-sharp, with no ERROR or
  MISSING node (each problem with its file and line);
- every project file (``.csproj``, ``.props``, ``.slnx``) is well-formed XML,
  and the projects reference what they must (the ASP.NET Core framework,
  xUnit, the test SDK, ``Microsoft.AspNetCore.Mvc.Testing``, the web SDK);
- a ``using`` of a namespace outside the shared framework (Polly, the
  resilience pipeline, Redis) has a PackageReference, with an exact
  version, to the package that brings it;
- the library's project says what a NuGet feed shows (id, SemVer version,
  authors, description, licence expression, tags, a README packed at the
  package root, and the repository's https URL with its type when given);
- the public API the README promises is there: ``Add<Name>Authentication``
  on ``IServiceCollection``, ``Map<Name>Auth`` on ``IEndpointRouteBuilder``,
  ``<Name>Options`` validated on start (with the sign-in throttle's settings), ``<Name>User`` readable from
  ``HttpContext``, the typed ``<Name>Client``;
- every public member of the library has an XML doc comment, and every doc
  comment is well-formed XML whose ``param`` tags match the parameters (the
  library builds with ``GenerateDocumentationFile`` and ``-warnaserror``);
- the xUnit project has a test named for each smoke case S01-S17, and for each of
  S18-S22 whose operations the client has (refresh, logout, reset with forgot
  password, change password, verify email).

A package of an OpenID Connect spec (``[service.oidc]``) has no typed client and
no password routes: instead of those checks, its ``Add<Name>Authentication`` must
add the OpenID Connect handler set up for the code flow with PKCE, saved tokens
and userinfo, its routes must be login, logout, me and csrf only, and its tests
must name S23-S26.

It is never a substitute for tier 2 (``dotnet build -warnaserror`` and
``dotnet test``): a file that parses can still fail to compile.

``python -m generator.verify_csharp OUT/aspnetcore`` runs it from a shell.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: Smoke cases every target's tests implement: S01 ... S17.
SMOKE_CASES = tuple(f"S{n:02d}" for n in range(1, 18))

#: The session lifecycle's smoke cases, and the client methods a package must have for each to apply.
LIFECYCLE_CASES = {
    "S18": ("RefreshAsync",),
    "S19": ("LogoutAsync",),
    "S20": ("ResetPasswordAsync", "ForgotPasswordAsync"),
    "S21": ("ChangePasswordAsync",),
    "S22": ("VerifyEmailAsync",),
}

#: The OpenID Connect smoke cases, the only ones of a package of an OIDC spec.
OIDC_CASES = ("S23", "S24", "S25", "S26")

#: What the OpenID Connect handler's set-up must say: the authorization-code flow with PKCE, the tokens kept,
#: the claims of userinfo read.
OIDC_HANDLER_SETTINGS = (
    "ResponseType = OpenIdConnectResponseType.Code",
    "UsePkce = true",
    "SaveTokens = true",
    "GetClaimsFromUserInfoEndpoint = true",
)

#: The routes of an OIDC package; a password route there would be dead.
OIDC_ROUTES = ("/login", "/logout", "/me", "/csrf")

#: Packages the generated xUnit project must reference, with a version each.
TEST_PACKAGES = ("Microsoft.AspNetCore.Mvc.Testing", "Microsoft.NET.Test.Sdk", "xunit", "xunit.runner.visualstudio")

#: What the library's project must say about its package on a NuGet feed (``dotnet pack``).
PACKAGE_METADATA = (
    "PackageId",
    "Version",
    "Authors",
    "Description",
    "PackageLicenseExpression",
    "PackageReadmeFile",
    "PackageTags",
)

#: Namespaces the library may use that the shared framework (Microsoft.AspNetCore.App) lacks, and the
#: package that brings each: a ``using`` of one without a PackageReference to its package cannot compile.
NAMESPACE_PACKAGES = {
    "Polly": "Microsoft.Extensions.Http.Resilience",
    "Microsoft.Extensions.Http.Resilience": "Microsoft.Extensions.Http.Resilience",
    "StackExchange.Redis": "Microsoft.Extensions.Caching.StackExchangeRedis",
    "Microsoft.Extensions.Caching.StackExchangeRedis": "Microsoft.Extensions.Caching.StackExchangeRedis",
    "Microsoft.AspNetCore.DataProtection.StackExchangeRedis": "Microsoft.AspNetCore.DataProtection.StackExchangeRedis",
    "Microsoft.AspNetCore.Authentication.OpenIdConnect": "Microsoft.AspNetCore.Authentication.OpenIdConnect",
    "Microsoft.IdentityModel.Protocols.OpenIdConnect": "Microsoft.AspNetCore.Authentication.OpenIdConnect",
}

_USING = re.compile(rb"^using\s+(?:static\s+)?([A-Za-z_][\w.]*)\s*;", re.MULTILINE)

#: A NuGet package version: SemVer 2.0, as ``dotnet pack`` accepts it.
_VERSION = re.compile(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")

#: Node types of declarations that need an XML doc comment when they are public.
DOCUMENTED = frozenset(
    {
        "class_declaration",
        "struct_declaration",
        "record_declaration",
        "interface_declaration",
        "enum_declaration",
        "delegate_declaration",
        "method_declaration",
        "constructor_declaration",
        "property_declaration",
        "field_declaration",
        "event_declaration",
        "event_field_declaration",
        "indexer_declaration",
        "operator_declaration",
        "enum_member_declaration",
    }
)

_TYPES = ("class_declaration", "struct_declaration", "record_declaration", "interface_declaration", "enum_declaration")


@dataclass(frozen=True)
class Problem:
    """One thing tier 1 found wrong, where it is."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Report:
    """What a tier-1 check looked at, and what it found."""

    root: Path
    cs_files: int
    project_files: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for people: what passed, or how many problems."""
        what = f"{self.cs_files} C# files, {self.project_files} project files"
        if self.ok:
            checks = "syntax, project files, package metadata, public API, doc comments, smoke case tests"
            return f"tier 1 passed ({what}: {checks})"
        return f"tier 1 FAILED with {len(self.problems)} problem(s) ({what})"


class ToolMissingError(RuntimeError):
    """Raised when tree-sitter or its C# grammar is not installed."""


@cache
def _parser() -> Any:
    try:
        import tree_sitter
        import tree_sitter_c_sharp
    except ImportError as err:
        raise ToolMissingError(
            "tier 1 needs tree-sitter and its C# grammar: pip install tree-sitter tree-sitter-c-sharp"
        ) from err
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_c_sharp.language()))


def parse(source: bytes) -> Any:
    """The tree-sitter tree of C# source."""
    return _parser().parse(source)


# -- syntax ----------------------------------------------------------------------


def syntax_problems(tree: Any, path: str) -> list[Problem]:
    """Every ERROR or MISSING node, or innermost node that contains an error, with its line."""
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()

    def visit(node: Any) -> None:
        if not node.has_error and not node.is_missing:
            return
        if node.is_error or node.is_missing:
            _add(node)
            return
        erroneous = [c for c in node.children if c.has_error or c.is_missing or c.is_error]
        if not erroneous:
            _add(node)  # the error is in a hidden child, such as a MISSING token
        for child in erroneous:
            visit(child)

    def _add(node: Any) -> None:
        line, column = node.start_point[0] + 1, node.start_point[1] + 1
        if (line, column) in seen:
            return
        seen.add((line, column))
        if node.is_missing:
            what = f"missing {node.type}"
        elif node.is_error:
            what = "syntax error"
        else:
            what = f"incomplete {node.type}"
        text = node.text.decode("utf-8", "replace").splitlines()[0][:60] if node.text else ""
        problems.append(Problem(path, line, f"{what} at column {column}: {text!r}"))

    visit(tree.root_node)
    return problems


# -- declarations ------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """A declaration in a C# file: what it is, its name, modifiers, and where."""

    kind: str
    name: str
    modifiers: frozenset[str]
    #: the enclosing types, outermost first
    container: tuple[str, ...]
    text: str
    line: int
    documented: bool


def declarations(tree: Any) -> Iterator[Declaration]:
    """Every declaration of a parsed file, with the names of the types around it."""

    def walk(node: Any, container: tuple[str, ...], public_chain: bool) -> Iterator[Declaration]:
        for child in node.children:
            if child.type in DOCUMENTED:
                name = _name(child)
                modifiers = frozenset(m.text.decode() for m in child.children if m.type == "modifier")
                yield Declaration(
                    child.type,
                    name,
                    modifiers,
                    container,
                    child.text.decode("utf-8", "replace"),
                    child.start_point[0] + 1,
                    _has_doc(child),
                )
                if child.type in _TYPES:
                    yield from walk(child, (*container, name), public_chain and "public" in modifiers)
                    continue
            if child.type in (
                "declaration_list",
                "enum_member_declaration_list",
                "file_scoped_namespace_declaration",
                "namespace_declaration",
                "compilation_unit",
            ):
                yield from walk(child, container, public_chain)

    yield from walk(tree.root_node, (), True)


def _name(node: Any) -> str:
    field = node.child_by_field_name("name")
    if field is not None:
        return field.text.decode()
    for child in node.children:
        if child.type == "variable_declaration":
            for declarator in child.children:
                if declarator.type == "variable_declarator":
                    ident = declarator.child_by_field_name("name") or declarator.children[0]
                    return ident.text.decode()
    return node.type


def _has_doc(node: Any) -> bool:
    previous = node.prev_sibling
    while previous is not None and previous.type == "attribute_list":
        previous = previous.prev_sibling
    return previous is not None and previous.type == "comment" and previous.text.startswith(b"///")


# -- project files -------------------------------------------------------------------


def project_problems(root: Path) -> tuple[int, list[Problem]]:
    """Well-formed XML everywhere, and the references each project must have."""
    problems: list[Problem] = []
    files = sorted(p for ext in ("*.csproj", "*.props", "*.slnx") for p in root.rglob(ext) if "obj" not in p.parts)
    trees: dict[Path, ET.Element] = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            trees[path] = ET.parse(path).getroot()
        except ET.ParseError as err:
            problems.append(Problem(rel, err.position[0], f"not well-formed XML: {err}"))
    for path in (root / "global.json",):
        if path.is_file():
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except ValueError as err:
                problems.append(Problem(path.name, 1, f"not valid JSON: {err}"))
    projects = {p: e for p, e in trees.items() if p.suffix == ".csproj"}
    library = [p for p in projects if p.parent.parent.name == "src"]
    tests = [p for p in projects if p.parent.parent.name == "tests"]
    examples = [p for p in projects if p.parent.name == "example"]
    for kind, found in (
        ("library (src/*/*.csproj)", library),
        ("test (tests/*/*.csproj)", tests),
        ("example (example/*.csproj)", examples),
    ):
        if len(found) != 1:
            problems.append(Problem(".", 1, f"expected one {kind} project, found {len(found)}"))
    for path in library:
        if not _items(projects[path], "FrameworkReference", "Microsoft.AspNetCore.App"):
            problems.append(_at(root, path, "the library has no FrameworkReference to Microsoft.AspNetCore.App"))
        if _property(projects[path], "GenerateDocumentationFile") != "true":
            problems.append(_at(root, path, "the library does not generate its documentation file"))
        problems += [_at(root, path, message) for message in package_metadata_problems(path, projects[path])]
    for path in tests:
        for package in TEST_PACKAGES:
            refs = _items(projects[path], "PackageReference", package)
            if not refs:
                problems.append(_at(root, path, f"the test project has no PackageReference to {package}"))
            elif not re.fullmatch(r"\d+(\.\d+){1,3}", refs[0].get("Version", "")):
                problems.append(_at(root, path, f"the PackageReference to {package} has no exact Version"))
        if len(_items(projects[path], "ProjectReference", None)) < 2:
            problems.append(_at(root, path, "the test project must reference the library and the example app"))
    for path in examples:
        if projects[path].get("Sdk") != "Microsoft.NET.Sdk.Web":
            problems.append(_at(root, path, "the example app must use the Microsoft.NET.Sdk.Web SDK"))
    props = [e for p, e in trees.items() if p.name == "Directory.Build.props"]
    frameworks = [_property(e, "TargetFramework") for e in [*props, *projects.values()]]
    if not any(f and re.fullmatch(r"net(\d+)\.0", f) and int(f[3:-2]) >= 8 for f in frameworks):
        problems.append(Problem("Directory.Build.props", 1, "no TargetFramework of net8.0 or later"))
    for path, element in trees.items():
        if path.suffix == ".slnx":
            listed = {p.get("Path") for p in element.iter("Project")}
            for project in projects:
                if project.relative_to(root).as_posix() not in listed:
                    problems.append(
                        _at(root, path, f"the solution does not list {project.relative_to(root).as_posix()}")
                    )
    return len(files), problems


def package_metadata_problems(path: Path, project: ET.Element) -> list[str]:
    """What a NuGet feed would lack about the library: its metadata, its packed README, its repository."""
    problems = [f"the library's package has no {name}" for name in PACKAGE_METADATA if not _property(project, name)]
    if _property(project, "IsPackable") == "false":
        problems.append("the library is not packable (IsPackable is false)")
    version = _property(project, "Version")
    if version and not _VERSION.fullmatch(version):
        problems.append(f"the package Version {version!r} is not a SemVer version")
    readme = _property(project, "PackageReadmeFile")
    if readme:
        packed = [
            item
            for tag in ("None", "Content")
            for item in project.iter(tag)
            if item.get("Pack") == "true" and Path(item.get("Include", "").replace("\\", "/")).name == readme
        ]
        if not packed:
            problems.append(f'the PackageReadmeFile {readme} is not packed (no item with Pack="true")')
        elif not (path.parent / packed[0].get("Include", "").replace("\\", "/")).is_file():
            problems.append(f"the packed README {packed[0].get('Include')} does not exist")
        elif packed[0].get("PackagePath", "").strip("/\\") not in ("", "."):
            problems.append(f"the README is packed under {packed[0].get('PackagePath')}, not at the package root")
    url, kind = _property(project, "RepositoryUrl"), _property(project, "RepositoryType")
    if bool(url) != bool(kind):
        problems.append("RepositoryUrl and RepositoryType go together: the package has one without the other")
    if url and not url.startswith("https://"):
        problems.append(f"the RepositoryUrl {url!r} is not an https URL")
    return problems


def package_reference_problems(root: Path, sources: dict[str, bytes]) -> list[Problem]:
    """``using`` directives of the library whose namespace needs a package the library does not reference."""
    library = sorted((root / "src").glob("*/*.csproj"))
    if len(library) != 1:
        return []  # project_problems reports it
    try:
        project = ET.parse(library[0]).getroot()
    except ET.ParseError:
        return []  # project_problems reports it
    problems = []
    for path, source in sources.items():
        if not path.startswith("src/"):
            continue
        for match in _USING.finditer(source):
            namespace = match.group(1).decode()
            package = next(
                (p for ns, p in NAMESPACE_PACKAGES.items() if namespace == ns or namespace.startswith(ns + ".")), None
            )
            if package is None:
                continue
            refs = _items(project, "PackageReference", package)
            line = source.count(b"\n", 0, match.start()) + 1
            if not refs:
                problems.append(Problem(path, line, f"using {namespace} needs a PackageReference to {package}"))
            elif not _VERSION.fullmatch(refs[0].get("Version", "")):
                problems.append(Problem(path, line, f"the PackageReference to {package} has no exact Version"))
    return problems


def _items(project: ET.Element, tag: str, include: str | None) -> list[ET.Element]:
    return [e for e in project.iter(tag) if include is None or e.get("Include") == include]


def _property(project: ET.Element, name: str) -> str | None:
    for element in project.iter(name):
        return (element.text or "").strip()
    return None


def _at(root: Path, path: Path, message: str) -> Problem:
    return Problem(path.relative_to(root).as_posix(), 1, message)


# -- the public API ----------------------------------------------------------------


def api_problems(decls: dict[str, list[Declaration]], name: str, *, oidc: bool = False) -> list[Problem]:
    """The public surface the README promises, in the library's declarations.

    :param oidc: the package signs users in through an OpenID provider: the handler instead of the typed client.
    """
    problems: list[Problem] = []
    library = {path: ds for path, ds in decls.items() if path.startswith("src/")}
    everything = [d for ds in library.values() for d in ds]

    def find(kind: str, decl_name: str, container: str | None = None) -> Declaration | None:
        for d in everything:
            if d.kind == kind and d.name == decl_name and (container is None or d.container[-1:] == (container,)):
                return d
        return None

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(Problem("src", 1, message))

    add = find("method_declaration", f"Add{name}Authentication")
    need(
        add is not None and {"public", "static"} <= add.modifiers and "this IServiceCollection" in add.text,
        f"no public static Add{name}Authentication(this IServiceCollection ...) extension method",
    )
    need(
        add is not None and "Action<" + name + "Options>" in add.text,
        f"Add{name}Authentication takes no Action<{name}Options>",
    )
    mapper = find("method_declaration", f"Map{name}Auth")
    need(
        mapper is not None and "public" in mapper.modifiers and "this IEndpointRouteBuilder" in mapper.text,
        f"no public Map{name}Auth(this IEndpointRouteBuilder) extension method",
    )
    roles = find("method_declaration", f"Require{name}Roles")
    need(roles is not None and "public" in roles.modifiers, f"no public Require{name}Roles guard")

    options = find("class_declaration", f"{name}Options")
    need(options is not None and "public" in options.modifiers, f"no public class {name}Options")
    section = find("field_declaration", "SectionName", f"{name}Options")
    need(section is not None and f'"{name}"' in section.text, f'{name}Options.SectionName is not "{name}"')
    validator = [
        d for d in everything if d.kind == "class_declaration" and f"IValidateOptions<{name}Options>" in d.text
    ]
    need(bool(validator), f"nothing implements IValidateOptions<{name}Options>")
    need(add is not None and "ValidateOnStart()" in add.text, f"Add{name}Authentication does not ValidateOnStart")
    need(
        add is not None and f"BindConfiguration({name}Options.SectionName)" in add.text,
        f"Add{name}Authentication does not bind the {name} configuration section",
    )

    for prop in () if oidc else ("LoginLimitPerAccount", "LoginLimitPerClient", "LoginLimitWindow"):
        decl = find("property_declaration", prop, f"{name}Options")
        need(
            decl is not None and "public" in decl.modifiers,
            f"{name}Options has no public property {prop} (the failed sign-in throttle)",
        )

    user = find("class_declaration", f"{name}User")
    need(user is not None and "public" in user.modifiers, f"no public class {name}User")
    for prop in ("Id", "Username", "Email", "FirstName", "LastName", "Roles", "Active", "IsStaff", "IsAdmin"):
        decl = find("property_declaration", prop, f"{name}User")
        need(decl is not None and "public" in decl.modifiers, f"{name}User has no public property {prop}")
    for method in ("FromRecord", "FromPrincipal", "ToPrincipal", "ToJson"):
        decl = find("method_declaration", method, f"{name}User")
        need(decl is not None and "public" in decl.modifiers, f"{name}User has no public method {method}")
    getter = find("method_declaration", f"Get{name}User")
    need(
        getter is not None and "this HttpContext" in getter.text, f"no Get{name}User(this HttpContext) extension method"
    )

    if oidc:
        return problems + oidc_problems(everything, name, add)

    client = find("class_declaration", f"{name}Client")
    need(client is not None and "public" in client.modifiers, f"no public class {name}Client")
    ctor = find("constructor_declaration", f"{name}Client")
    need(
        ctor is not None and "HttpClient http" in ctor.text,
        f"{name}Client is not a typed HttpClient (no HttpClient constructor parameter)",
    )
    need(
        add is not None and f"AddHttpClient<{name}Client>" in add.text,
        f"{name}Client is not registered with AddHttpClient",
    )
    return problems


def oidc_problems(library: list[Declaration], name: str, add: Declaration | None) -> list[Problem]:
    """An OIDC package: the OpenID Connect handler, set up for the code flow with PKCE; no password route."""
    problems: list[Problem] = []

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(Problem("src", 1, message))

    def method(decl_name: str, container: str) -> Declaration | None:
        methods = (d for d in library if d.kind == "method_declaration" and d.container[-1:] == (container,))
        return next((d for d in methods if d.name == decl_name), None)

    scheme = next((d for d in library if d.kind == "field_declaration" and d.name == "OpenIdConnectScheme"), None)
    need(scheme is not None and "public" in scheme.modifiers, f"no public {name}Defaults.OpenIdConnectScheme")
    need(
        add is not None and f"AddOpenIdConnect({name}Defaults.OpenIdConnectScheme" in add.text,
        f"Add{name}Authentication does not add the OpenID Connect handler",
    )
    configure = method("Configure", f"{name}OpenIdConnect")
    need(configure is not None, f"no {name}OpenIdConnect.Configure setting up the handler")
    for setting in OIDC_HANDLER_SETTINGS if configure is not None else ():
        need(setting in configure.text, f"{name}OpenIdConnect.Configure does not set {setting}")
    events = next((d for d in library if d.kind == "class_declaration" and ": OpenIdConnectEvents" in d.text), None)
    need(events is not None, "nothing derives from OpenIdConnectEvents")
    sessions = [d for d in library if d.kind == "method_declaration" and d.container[-1:] == (f"{name}Sessions",)]
    need(any(d.name == "ValidateAsync" for d in sessions), f"{name}Sessions has no ValidateAsync for the cookie")
    need(
        any('["grant_type"] = "refresh_token"' in d.text for d in sessions),
        f"{name}Sessions does not refresh the tokens (no refresh_token grant)",
    )
    mapper = method("Map", f"{name}Endpoints")
    routes = re.findall(r'(?:Get|Post)\(group, "([^"]+)"', mapper.text) if mapper is not None else []
    need(sorted(routes) == sorted(OIDC_ROUTES), f"{name}Endpoints.Map maps {routes}, not {list(OIDC_ROUTES)}")
    return problems


def doc_problems(decls: dict[str, list[Declaration]]) -> list[Problem]:
    """Public members of public types of the library without an XML doc comment (CS1591 under -warnaserror)."""
    problems = []
    for path, ds in decls.items():
        if not path.startswith("src/"):
            continue
        public_types = {d.container + (d.name,) for d in ds if d.kind in _TYPES and "public" in d.modifiers}
        interfaces = {d.container + (d.name,) for d in ds if d.kind == "interface_declaration"}
        enums = {d.container + (d.name,) for d in ds if d.kind == "enum_declaration"}
        for d in ds:
            if d.container and d.container not in public_types:
                continue
            implicit = d.container in interfaces or (d.kind == "enum_member_declaration" and d.container in enums)
            if ("public" in d.modifiers or implicit) and not d.documented:
                problems.append(
                    Problem(
                        path, d.line, f"public {d.kind.removesuffix('_declaration')} {d.name} has no /// doc comment"
                    )
                )
    return problems


def doc_xml_problems(tree: Any, path: str) -> list[Problem]:
    """XML doc comments that are not well-formed, or name parameters the member does not have.

    The compiler warns about these (CS1570, CS1572, CS1573, CS1734) when it
    writes the documentation file, and ``-warnaserror`` makes them errors.
    """
    problems: list[Problem] = []

    def visit(node: Any) -> None:
        for child in node.children:
            if child.type in DOCUMENTED:
                _check(child)
            visit(child)

    def _check(decl: Any) -> None:
        lines: list[bytes] = []
        first = decl.start_point[0] + 1
        previous = decl.prev_sibling
        while previous is not None and previous.type == "attribute_list":
            previous = previous.prev_sibling
        while previous is not None and previous.type == "comment" and previous.text.startswith(b"///"):
            lines.insert(0, previous.text[3:])
            first = previous.start_point[0] + 1
            previous = previous.prev_sibling
        if not lines:
            return
        try:
            doc = ET.fromstring(b"<doc>" + b"\n".join(lines) + b"</doc>")
        except ET.ParseError as err:
            problems.append(Problem(path, first, f"XML doc comment is not well-formed: {err}"))
            return
        params = _parameter_names(decl, "parameter_list", "parameter")
        type_params = _parameter_names(decl, "type_parameter_list", "type_parameter")
        for tag, names, known in (
            ("param", [e.get("name") for e in doc.iter("param")], params),
            ("paramref", [e.get("name") for e in doc.iter("paramref")], params),
            ("typeparam", [e.get("name") for e in doc.iter("typeparam")], type_params),
        ):
            for name in names:
                if name not in known:
                    problems.append(Problem(path, first, f'<{tag} name="{name}"> names no parameter of {_name(decl)}'))
        documented = {e.get("name") for e in doc.iter("param")}
        if documented and set(params) - documented:
            missing = ", ".join(sorted(set(params) - documented))
            problems.append(Problem(path, first, f"{_name(decl)} documents some parameters but not {missing}"))

    visit(tree.root_node)
    return problems


def _parameter_names(decl: Any, list_type: str, item_type: str) -> list[str]:
    for child in decl.children:
        if child.type == list_type:
            names = []
            for index, item in enumerate(child.children):
                if child.field_name_for_child(index) == "name":  # a params array: its name is the list's
                    names.append(item.text.decode().lstrip("@"))
                elif item.type == item_type:
                    name = item.child_by_field_name("name")
                    ident = (
                        name if name is not None else next((c for c in item.children if c.type == "identifier"), None)
                    )
                    if ident is not None:
                        names.append(ident.text.decode().lstrip("@"))
            return names
    return []


#: Framework types (and their members) the library's doc comments may refer to with ``cref``.
KNOWN_CREF_TYPES = frozenset(
    {
        "HttpClient",
        "Exception",
        "Message",
        "ClaimsPrincipal",
        "IDistributedCache",
        "FormatException",
        "InvalidOperationException",
        "FixedWindowRateLimiter",
    }
)

_CREF = re.compile(rb'cref="([^"]+)"')


def cref_problems(sources: dict[str, bytes], decls: dict[str, list[Declaration]]) -> list[Problem]:
    """``cref`` targets in the library that name nothing it declares or uses (CS1574)."""
    names = {d.name for path, ds in decls.items() if path.startswith("src/") for d in ds} | KNOWN_CREF_TYPES
    problems = []
    for path, source in sources.items():
        if not path.startswith("src/"):
            continue
        for number, line in enumerate(source.splitlines(), 1):
            if not line.lstrip().startswith(b"///"):
                continue
            for match in _CREF.finditer(line):
                parts = re.split(r"[.(]", match.group(1).decode())
                unknown = [part for part in parts if part and part not in names]
                if unknown:
                    problems.append(Problem(path, number, f'cref="{match.group(1).decode()}" names nothing known'))
    return problems


def smoke_test_problems(decls: dict[str, list[Declaration]], *, oidc: bool = False) -> list[Problem]:
    """A test method named for each smoke case, in the xUnit project; S18-S22 where the client has their operations.

    A package of an OIDC spec names S23-S26 instead: it has no password sign-in for the others.
    """
    names = [
        d.name for path, ds in decls.items() if path.startswith("tests/") for d in ds if d.kind == "method_declaration"
    ]
    client = {
        d.name for path, ds in decls.items() if path.endswith("Client.cs") for d in ds if d.kind == "method_declaration"
    }
    cases = (
        list(OIDC_CASES)
        if oidc
        else [*SMOKE_CASES, *(case for case, methods in LIFECYCLE_CASES.items() if client.issuperset(methods))]
    )
    return [
        Problem("tests", 1, f"no xUnit test named {case}_... for smoke case {case}")
        for case in cases
        if not any(n.startswith(case + "_") for n in names)
    ]


# -- the whole package -----------------------------------------------------------------


def check_package(root: Path, name: str | None = None) -> Report:
    """Run every tier-1 check on a generated ASP.NET Core package.

    :param root: the package folder (``OUT/aspnetcore``).
    :param name: the type-name stem (``Acme``); read from the package's spec data when None.
    :raises ToolMissingError: when tree-sitter-c-sharp is not installed.
    """
    root = Path(root)
    name = name or _class_name(root)
    oidc = _is_oidc(root)
    problems: list[Problem] = []
    decls: dict[str, list[Declaration]] = {}
    sources: dict[str, bytes] = {}
    cs_files = sorted(p for p in root.rglob("*.cs") if not {"bin", "obj"} & set(p.parts))
    for path in cs_files:
        rel = path.relative_to(root).as_posix()
        sources[rel] = path.read_bytes()
        tree = parse(sources[rel])
        problems += syntax_problems(tree, rel)
        if rel.startswith("src/"):
            problems += doc_xml_problems(tree, rel)
        decls[rel] = list(declarations(tree))
    count, project = project_problems(root)
    problems += project
    problems += package_reference_problems(root, sources)
    problems += api_problems(decls, name, oidc=oidc)
    problems += doc_problems(decls)
    problems += cref_problems(sources, decls)
    problems += smoke_test_problems(decls, oidc=oidc)
    return Report(root, len(cs_files), count, tuple(problems))


def _class_name(root: Path) -> str:
    """``Acme`` for a package generated from a spec with slug ``acme``."""
    for data in sorted(root.glob("tests/fake/spec.json")):
        slug = json.loads(data.read_text(encoding="utf-8"))["spec"]["service"]["slug"]
        return slug[:1].upper() + slug[1:]
    raise FileNotFoundError(f"{root}: no tests/fake/spec.json; pass the type-name stem with --name")


def _is_oidc(root: Path) -> bool:
    """Whether the package's spec signs users in through an OpenID provider (``[service.oidc]``)."""
    for data in sorted(root.glob("tests/fake/spec.json")):
        return bool(json.loads(data.read_text(encoding="utf-8"))["spec"]["service"].get("oidc"))
    return False


def main(argv: list[str] | None = None) -> int:
    """Check a package from the command line; exit 0 when tier 1 passes."""
    parser = argparse.ArgumentParser(prog="python -m generator.verify_csharp", description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the generated package, e.g. integrations/aspnetcore")
    parser.add_argument("--name", help="the type-name stem (default: from tests/fake/spec.json)")
    args = parser.parse_args(argv)
    try:
        report = check_package(args.package, args.name)
    except (ToolMissingError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(problem)
    print(report.summary())
    print("tier 2 (dotnet build -warnaserror, dotnet test) is a separate step; tier 1 does not replace it.")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
