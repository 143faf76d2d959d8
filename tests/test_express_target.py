"""The Express target: what its template renders, for the bundled spec and for awkward ones.

The package's own smoke tests (``npm ci && npm test``, S01-S22) run in the
``smoke-express`` nox session; here the generated files are checked as files:
they parse, they are laid out as Prettier lays them out, they escape what the
spec says, and they package cleanly.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.render import generate
from generator.targets import TARGETS

from .test_render import snapshot

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme" / "identity.toml"
KEYCLOAK = ROOT / "examples" / "keycloak" / "identity.toml"
OKTA = ROOT / "examples" / "okta" / "identity.toml"
HYPERMEDIA = ROOT / "examples" / "hypermedia" / "identity.toml"
TEMPLATE = TARGETS["express"].template_dir / "{{cookiecutter.project_dir}}"

#: A service name with everything that breaks careless escaping in JS, TypeScript, Markdown and HTML.
AWKWARD_NAME = 'Acme "Quoted" it\'s \\ ${x} `tick` {{ y }} */ </script> \u2028 | Ünïcode'
#: A setting description with a line break besides.
AWKWARD_DESCRIPTION = 'Root URL\nof the "API" | */ </script>'

NODE = shutil.which("node")
NPM = shutil.which("npm")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")
needs_npm = pytest.mark.skipif(NPM is None, reason="npm is not installed")

PACKAGES = ["acme", "keycloak", "okta", "hypermedia", "awkward", "long_slug"]


def render(spec: Path, out: Path) -> Path:
    generate(spec, out, ["express"])
    return out / "express"


def variant(folder: Path, **replacements: str) -> Path:
    """A copy of the Acme spec with some of its text replaced."""
    text = ACME.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    spec = folder / "identity.toml"
    spec.write_text(text, encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(ACME, tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A form-posting login, a bearer userinfo, and neither register nor forgot_password."""
    return render(KEYCLOAK, tmp_path_factory.mktemp("keycloak"))


@pytest.fixture(scope="module")
def okta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(OKTA, tmp_path_factory.mktemp("okta"))


@pytest.fixture(scope="module")
def hypermedia(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two-step operations, URLs from earlier answers, service basic auth, base64 and match rules."""
    return render(HYPERMEDIA, tmp_path_factory.mktemp("hypermedia"))


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hostile text in the name and a description; a one-letter slug, so every line is as short as it gets."""
    folder = tmp_path_factory.mktemp("awkward")
    spec = variant(
        folder,
        **{
            'name = "Acme Identity"': f"name = {json.dumps(AWKWARD_NAME)}",
            '"Root URL of the Acme Identity API"': json.dumps(AWKWARD_DESCRIPTION),
            'slug = "acme"': 'slug = "z"',
            'env = "ACME_': 'env = "Z_',
            'admin_roles = ["admins"]': 'admin_roles = ["it\'s </script> admin"]',
        },
    )
    return render(spec, folder / "out")


@pytest.fixture(scope="module")
def long_slug(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A long slug and long names, so lines that hold them are as long as they get."""
    folder = tmp_path_factory.mktemp("long")
    spec = variant(
        folder,
        **{
            'slug = "acme"': 'slug = "acmeidentityplatform"',
            "given_name = {": "a_rather_long_given_name_field = {",
            'first_name = "given_name"': 'first_name = "a_rather_long_given_name_field"',
            'values = ["ACTIVE", "LOCKED"]': 'values = ["ACTIVE", "LOCKED", "SUSPENDED", "PROVISIONED", "GONE"]',
        },
    )
    return render(spec, folder / "out")


def sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".js", ".ts") and "node_modules" not in p.parts)


# -- every package parses and is formatted ---------------------------------------------


#: Compiles each file named on the command line as a CommonJS module, without running it; prints each failure.
CHECK_SYNTAX = """
const { readFileSync } = require("node:fs");
const { wrap } = require("node:module");
const { Script } = require("node:vm");
let failed = 0;
for (const filename of process.argv.slice(1)) {
  try {
    new Script(wrap(readFileSync(filename, "utf8")), { filename });
  } catch (error) {
    failed += 1;
    console.error(`${error.stack.split("\\n")[0]}: ${error.message}`);  // file:line: message
  }
}
process.exit(failed ? 1 : 0);
"""


@needs_node
@pytest.mark.parametrize("package", PACKAGES)
def test_every_js_file_parses(package: str, request: pytest.FixtureRequest) -> None:
    root = request.getfixturevalue(package)
    paths = [str(path) for path in sources(root) if path.suffix == ".js"]
    # One node for every file (a node per file took 25 s): compiled as `node --check` compiles a CommonJS module.
    done = subprocess.run([NODE, "-e", CHECK_SYNTAX, *paths], capture_output=True, text=True)  # type: ignore[list-item]
    assert paths and done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def prettier() -> list[str]:
    """The Prettier the package pins, run through npx; skips when npm cannot install it here."""
    if NPM is None or shutil.which("npx") is None:
        pytest.skip("npm is not installed")
    version = re.search(r'"prettier": "([^"]+)"', (TEMPLATE / "package.json").read_text()).group(1)  # type: ignore[union-attr]
    command = ["npx", "--yes", f"prettier@{version}"]
    try:
        done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.skip("npx could not install Prettier in time")
    if done.returncode != 0:
        pytest.skip(f"npx could not install Prettier: {done.stderr.strip()[-200:]}")
    return command


@pytest.mark.parametrize("package", PACKAGES)
def test_output_is_formatted_as_prettier_formats_it(
    package: str, prettier: list[str], request: pytest.FixtureRequest
) -> None:
    root = request.getfixturevalue(package)
    done = subprocess.run([*prettier, "--check", "."], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_generating_twice_is_byte_identical(tmp_path: Path) -> None:
    assert snapshot(render(ACME, tmp_path / "a")) == snapshot(render(ACME, tmp_path / "b"))


# -- what the spec says comes out escaped ----------------------------------------------


@needs_node
def test_spec_text_reaches_js_exactly(awkward: Path) -> None:
    script = "const c = require('./lib/config'); process.stdout.write(JSON.stringify(c.SERVICE_NAME));"
    done = subprocess.run([NODE, "-e", script], cwd=awkward, capture_output=True, text=True, check=True)  # type: ignore[list-item]
    assert json.loads(done.stdout) == AWKWARD_NAME


def test_spec_text_cannot_break_out_of_comments_or_scripts(awkward: Path) -> None:
    """``*/`` never ends a comment early, no raw line separator, ``</script>`` escaped in strings.

    Whether the files still parse is checked by node --check and Prettier above.
    """
    for path in sources(awkward):
        text = path.read_text(encoding="utf-8")
        comments = [line for line in text.splitlines() if line.lstrip().startswith(("*", "/*", "//"))]
        assert not any("{{ y }} */" in line for line in comments), path
        assert "\u2028" not in text, path
    config = (awkward / "lib" / "config.js").read_text(encoding="utf-8")
    assert "<\\/script>" in config, "the name's string literal is safe in a <script> element"
    readme = (awkward / "README.md").read_text(encoding="utf-8")
    assert "&lt;/script&gt;" in readme and "</script>" not in readme


def test_no_template_syntax_is_left(acme: Path) -> None:
    # The README's picture (docs/login.png) is copied as it is: no text to look in.
    for path in sorted(p for p in acme.rglob("*") if p.is_file() and "fake" not in p.parts and p.suffix != ".png"):
        text = path.read_text(encoding="utf-8")
        assert "cookiecutter" not in text and "{%" not in text, path


# -- what the package holds ------------------------------------------------------------


def test_package_json_names_the_package_and_pins_its_dependencies(acme: Path) -> None:
    package = json.loads((acme / "package.json").read_text())
    assert package["name"] == "express-acme"
    assert package["main"] == "index.js" and package["types"] == "index.d.ts"
    assert package["engines"] == {"node": ">=20"}
    redis = {"connect-redis": "^9.0.0", "redis": "^5.0.0", "rate-limit-redis": "^6.0.0"}
    assert package["peerDependencies"] == {"express": "^5.0.0", **redis}
    # Redis is for several instances only (redisUrl): its packages are peers the app installs when it wants them.
    assert package["peerDependenciesMeta"] == {name: {"optional": True} for name in redis}
    assert set(package["files"]) == {"index.js", "index.d.ts", "lib/"}
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert re.fullmatch(r"\^?\d+\.\d+\.\d+", version), f"{name}: {version} is not a pinned range"
    assert package["scripts"]["test"].startswith("node --test")
    # test/pack/ packs and installs the package in a new app: its own script, and none of npm test's files.
    assert package["scripts"]["test:pack"] == "node --test test/pack/"
    assert "test/pack" not in package["scripts"]["test"]


def test_package_json_says_what_npm_publishes(acme: Path) -> None:
    """The spec's [package] table: version, licence, authors, repository; and the module type stated."""
    package = json.loads((acme / "package.json").read_text())
    assert package["version"] == "0.1.0"
    assert package["license"] == "MIT"
    assert package["type"] == "commonjs"
    assert package["author"] == {"name": "Acme Developer Experience", "email": "dx@acme.example"}
    assert "contributors" not in package
    assert package["repository"] == {
        "type": "git",
        "url": "git+https://github.com/acme/identity-integrations.git",
    }


def test_package_json_without_repository_or_authors_omits_them(tmp_path: Path) -> None:
    """The defaults: no repository and no authors leave no empty elements; several authors make contributors."""
    table = ACME.read_text(encoding="utf-8").split("\n[package]\n", 1)[1].split("\n[", 1)[0]
    bare = variant(tmp_path, **{table: 'license = "Apache-2.0"\nversion = "2.1.0-rc.1"\n'})
    package = json.loads((render(bare, tmp_path / "bare") / "package.json").read_text())
    assert "repository" not in package and "author" not in package and "contributors" not in package
    assert package["license"] == "Apache-2.0" and package["version"] == "2.1.0-rc.1"
    many = variant(
        tmp_path,
        **{table: 'authors = [{ name = "Ada" }, { name = "Alan", email = "alan@example.com" }, { name = "Grace" }]\n'},
    )
    package = json.loads((render(many, tmp_path / "many") / "package.json").read_text())
    assert package["author"] == {"name": "Ada"}
    assert package["contributors"] == [{"name": "Alan", "email": "alan@example.com"}, {"name": "Grace"}]


def test_lock_file_matches_package_json(acme: Path) -> None:
    package = json.loads((acme / "package.json").read_text())
    lock = json.loads((acme / "package-lock.json").read_text())
    root = lock["packages"][""]
    assert lock["name"] == root["name"] == package["name"]
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        assert root[key] == package[key], key
    assert lock["version"] == root["version"] == package["version"]
    assert root["license"] == package["license"]
    installed = {path.removeprefix("node_modules/") for path in lock["packages"] if path}
    assert set(package["dependencies"]) | set(package["devDependencies"]) <= installed


@needs_npm
def test_npm_pack_holds_no_tests_or_fixtures(acme: Path) -> None:
    done = subprocess.run(
        [NPM, "pack", "--dry-run", "--json"],
        cwd=acme,
        capture_output=True,
        text=True,
        check=True,  # type: ignore[list-item]
    )
    files = {entry["path"] for entry in json.loads(done.stdout)[0]["files"]}
    assert files >= {"index.js", "index.d.ts", "package.json", "README.md", "lib/client.js", "lib/user.js"}
    assert "LICENSE" in files  # authgen writes it beside package.json; npm packs it unasked
    top = ("lib", "index.js", "index.d.ts", "package.json", "README.md", "LICENSE")
    assert all(f.split("/")[0] in top for f in files), files


def test_fake_is_copied_beside_the_tests(acme: Path) -> None:
    fake = acme / "test" / "fake"
    assert (fake / "__main__.py").is_file()
    data = json.loads((fake / "spec.json").read_text())
    assert data["settings"]["application_id"] == "test-application-id"


def test_routes_exist_only_for_operations_in_the_spec(acme: Path, keycloak: Path) -> None:
    routes = (acme / "lib" / "routes.js").read_text()
    for route in ("/register", "/forgot", "/reset", "/verify", "/password"):
        assert f"route('{route}')" in routes, route
    routes = (keycloak / "lib" / "routes.js").read_text()
    for route in ("/register", "/forgot", "/reset", "/verify", "/password"):
        assert route not in routes, route
    smoke = (keycloak / "test" / "smoke.test.js").read_text()
    for case in ("S14", "S15", "S20", "S21", "S22"):
        assert f"test.skip('{case}" in smoke, case
    for case in ("S18", "S19"):  # Keycloak's spec has refresh and logout
        assert f"test('{case}" in smoke, case


def test_lifecycle_code_exists_only_for_operations_in_the_spec(acme: Path, keycloak: Path, okta: Path) -> None:
    """Refresh (its module, the Redis lock), logout at the service, the link pages: only when the spec has them."""
    assert (acme / "lib" / "refresh.js").is_file() and (keycloak / "lib" / "refresh.js").is_file()
    assert not (okta / "lib" / "refresh.js").exists()
    okta_code = "\n".join(p.read_text() for p in sorted((okta / "lib").glob("*.js"))) + (okta / "index.js").read_text()
    for name in ("Refresher", "logoutAtService", "RESET_TOKEN_QUERY", "resetPage", "changePassword", "Unverified ||"):
        assert name not in okta_code, name
    keycloak_routes = (keycloak / "lib" / "routes.js").read_text()
    assert "logoutAtService" in keycloak_routes and "LINK_FORMS" not in keycloak_routes
    pages = (acme / "lib" / "pages.js").read_text()
    assert 'autocomplete="${escapeHtml(field.autocomplete)}"' in pages
    forms = (acme / "lib" / "forms.js").read_text()
    assert forms.count("'new-password'") >= 4 and "'current-password'" in forms


def test_smoke_tests_are_named_s01_to_s22(acme: Path) -> None:
    names = re.findall(r"test(?:\.skip)?\('(S\d\d)\b", (acme / "test" / "smoke.test.js").read_text())
    assert sorted(set(names)) == [f"S{n:02d}" for n in range(1, 23)]
    assert "test.skip('S" not in (acme / "test" / "smoke.test.js").read_text(), "the Acme spec has every operation"


def test_readme_starts_with_the_five_minutes(acme: Path) -> None:
    readme = (acme / "README.md").read_text()
    assert readme.startswith("# express-acme\n")
    five = readme.split("## Auth in 5 minutes", 1)[1]
    assert "app.use(acme());" in five and "requireLogin()" in five and "requireRoles('admins')" in five


def test_example_app_serves_home_and_admin_on_port_from_env(acme: Path) -> None:
    app = (acme / "example" / "app.js").read_text()
    assert "app.get('/', requireLogin()" in app
    assert "requireRoles(ADMIN_ROLE)" in app and "const ADMIN_ROLE = 'admins';" in app
    assert "process.env.PORT" in app


def test_registry_entry_serves_the_example_app() -> None:
    target = TARGETS["express"]
    assert target.fake_dir == "test/fake"
    assert target.test_commands == ("npm ci", "npm test", "npm run test:pack")
    assert "{port}" in target.kit_serve and "example/app.js" in target.kit_serve
    assert len(target.kit_env["SESSION_SECRET"]) >= 16


def test_example_app_never_falls_through_to_express_error_page(acme: Path) -> None:
    """Each ``res.format`` has a default and the app ends in the integration's error handler.

    Express's own handler shows the stack trace unless NODE_ENV is 'production'; the
    package's ``test/errors.test.js`` checks the answers themselves.
    """
    app = (acme / "example" / "app.js").read_text()
    formats = app.count("res.format(")
    assert formats >= 2 and app.count("default: () =>") == formats
    routes = app.rindex("app.get(")
    assert app.index("app.use(acme.errorHandler());") > routes


def test_register_conflict_case_is_skipped_with_a_reason_not_dropped(okta: Path) -> None:
    """Okta signs in with a username, so S14 cannot sign the new account in: that test says so."""
    smoke = (okta / "test" / "smoke.test.js").read_text()
    body = smoke.split("test('S14 a registered account signs in", 1)[1].split("\n  test(", 1)[0]
    skip = body.index("t.skip(")
    assert body.index("return;", skip) < body.index("assert.")
    assert "assert.equal(again.status, 409);" in body
