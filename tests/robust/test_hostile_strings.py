"""Hostile strings: a spec whose every free-text value tries to break out of what it is written into.

``specs/hostile.toml`` carries quotes of both kinds, triple quotes,
backslashes, a literal ``${``, ``{{ }}``, ``*/``, ``-->``, ``</script>``,
format markers, a newline, a NUL, a right-to-left override and an emoji in
the service name, descriptions, the default base URL, JSON literals and keys,
query keys and values, JSON pointers, enum values, error-match values and
role names.  Every available target is generated from it, and its output must
still compile or parse with the target's own tools (Python ``compile`` and
ruff, ``node --check``, javac through Maven offline, tree-sitter-c-sharp),
and the runnable packages' own smoke tests (Flask, Django, Express) must
still pass with it.

A target other than Flask whose own tests (``tests/test_<target>_target.py``)
do not pass yet is still being built: it is skipped, with what it would fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

from generator.cli import main
from generator.errors import AuthgenError, SpecError
from generator.render import generate
from generator.spec import load_spec, parse_spec
from generator.targets import TARGETS

from .support import ACME, HOSTILE, count, pip_install
from .test_fuzz_spec import one_line

#: The payload the spec's main values carry (after TOML unescaping).
PAYLOAD_PARTS = ('"', "'", '"""', "\\", "${x}", "{{ y }}", "*/", "-->", "</script>", "\n", "\x00", "\u202e", "😀")


class Build(threading.Thread):
    """Commands run one after the other in a package folder, in the background, until one fails."""

    def __init__(self, commands: list[list[str]], cwd: Path) -> None:
        super().__init__(daemon=True)
        self.commands, self.cwd = commands, cwd
        self.results: list[tuple[list[str], subprocess.CompletedProcess[str]]] = []
        self.start()

    def run(self) -> None:
        for command in self.commands:
            try:
                done = subprocess.run(command, cwd=self.cwd, capture_output=True, text=True, timeout=900, check=False)
            except subprocess.TimeoutExpired:
                done = subprocess.CompletedProcess(command, -1, "", "timed out after 900 s")
            self.results.append((command, done))
            if done.returncode != 0:
                return

    def wait(self) -> list[tuple[list[str], subprocess.CompletedProcess[str]]]:
        self.join()
        return self.results


#: The toolchain builds of the generated packages (Maven, npm), by target.  They start as soon as the
#: packages exist and run beside the Python checks of this module (a core each on two), instead of after.
BUILDS: dict[str, Build] = {}


@pytest.fixture(scope="module")
def outputs(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, Path | str]]:
    """Each available target generated from the hostile spec on its own: its package, or the error."""
    root = tmp_path_factory.mktemp("hostile")
    results: dict[str, Path | str] = {}
    for name, target in TARGETS.items():
        if not target.available:
            continue
        out = root / name
        try:
            generate(HOSTILE, out, [name])
        except AuthgenError as err:
            results[name] = f"{type(err).__name__}: {err}\n" + "\n".join(err.hints())
        else:
            results[name] = out / name
    mvn, npm = shutil.which("mvn"), shutil.which("npm")
    if isinstance(results.get("spring"), Path) and mvn and shutil.which("javac"):
        BUILDS["spring"] = Build([[mvn, "-q", "-B", "-o", "-DskipTests", "test-compile"]], results["spring"])
    slow_deselected = "not slow" in (request.config.option.markexpr or "")
    if isinstance(results.get("express"), Path) and npm and shutil.which("node") and not slow_deselected:
        npm_ci = [npm, "ci", "--prefer-offline", "--no-audit", "--no-fund"]
        BUILDS["express"] = Build([npm_ci, [npm, "test"]], results["express"])
    yield results
    for build in BUILDS.values():
        build.join()
    BUILDS.clear()


def package_of(outputs: dict[str, Path | str], name: str) -> Path:
    """The generated package, or a skip when the target is not available or could not be generated."""
    if name not in outputs:
        pytest.skip(f"{name}: no template in this version of authgen")
    result = outputs[name]
    if isinstance(result, str):
        pytest.skip(f"{name}: not generated from the hostile spec (see test_hostile_spec_generates[{name}])")
    return result


# -- the spec itself ----------------------------------------------------------------------------------


def test_hostile_spec_is_valid_and_keeps_every_character() -> None:
    spec = load_spec(HOSTILE)
    for part in PAYLOAD_PARTS:
        assert part in spec.service.name, repr(part)
    status = spec.field("status")
    assert status.values[0] == spec.mapping.active.equals
    assert "\x00" in status.values[0] and "\u202e" in status.values[0]


def test_validate_reports_the_hostile_spec_on_one_line(tmp_path: Path) -> None:
    """``authgen validate`` says ok in one line, whatever the service's name holds."""
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["validate", str(HOSTILE)])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1 and one_line(result.stdout.rstrip("\n")), repr(result.stdout)


#: Header values no HTTP client can send: a line break, a NUL, characters beyond Latin-1.
UNSENDABLE_HEADER_VALUES = {"newline": "a\\nb", "carriage-return": "a\\rb", "nul": "a\\u0000b", "emoji": "a😀b"}


@pytest.mark.parametrize("value", UNSENDABLE_HEADER_VALUES.values(), ids=UNSENDABLE_HEADER_VALUES.keys())
def test_header_values_no_http_client_can_send_are_rejected(value: str) -> None:
    """A literal header value with CR, LF, NUL or non-Latin-1 text is a spec problem, not a broken client.

    requests raises InvalidHeader for CR/LF (the Flask client then answers 503
    for every login) and UnicodeEncodeError for an emoji (a 500); Node and
    Java's HTTP clients reject all of them.
    """
    text = ACME.read_text(encoding="utf-8")
    old = 'path = "/v1/sessions"\n'  # the login step
    assert text.count(old) == 1
    spec = text.replace(old, f'{old}headers = {{ X-Note = "{value}" }}\n')
    with pytest.raises(SpecError) as info:
        parse_spec(spec.encode("utf-8"), "spec.toml")
    assert any("X-Note" in p.path for p in info.value.problems), info.value.problems


# -- generating every target ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TARGETS))
def test_hostile_spec_generates(outputs: dict[str, Path | str], name: str) -> None:
    if name not in outputs:
        pytest.skip(f"{name}: no template in this version of authgen")
    result = outputs[name]
    if isinstance(result, str):
        pytest.fail(f"{name}: generating from the hostile spec failed:\n{result[:4000]}")
    count(f"hostile: {name} generated")


def test_python_constants_hold_the_spec_text_exactly(outputs: dict[str, Path | str]) -> None:
    package = package_of(outputs, "flask")
    config = (package / "src" / "flask_hostile" / "config.py").read_text(encoding="utf-8")
    namespace: dict[str, object] = {}
    exec(compile(config, "config.py", "exec"), namespace)  # constants only
    assert namespace["BRAND_NAME"] == load_spec(HOSTILE).service.name


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([find_ruff_bin(), *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("name", [n for n, t in TARGETS.items() if t.language == "python"])
def test_python_output_compiles_and_passes_ruff(outputs: dict[str, Path | str], name: str) -> None:
    package = package_of(outputs, name)
    problems = []
    files = sorted(package.rglob("*.py"))
    for path in files:
        try:
            compile(path.read_bytes(), str(path), "exec")
        except SyntaxError as err:
            problems.append(f"{path.relative_to(package)}:{err.lineno}: {err.msg}")
    checked = ruff("check", "--no-cache", ".", cwd=package)
    if checked.returncode != 0:
        problems.append("ruff check:\n" + checked.stdout[-3000:] + checked.stderr[-1000:])
    formatted = ruff("format", "--check", "--no-cache", ".", cwd=package)
    if formatted.returncode != 0:
        problems.append("ruff format --check:\n" + formatted.stdout[-3000:] + formatted.stderr[-1000:])
    if problems:
        pytest.fail("\n".join(problems))
    count(f"hostile: {name} Python files compiled", len(files))


def test_javascript_output_parses(outputs: dict[str, Path | str]) -> None:
    package = package_of(outputs, "express")
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    files = sorted(p for ext in ("*.js", "*.mjs", "*.cjs") for p in package.rglob(ext) if "node_modules" not in p.parts)
    problems = []
    for path in files:
        done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            problems.append(f"{path.relative_to(package)}: {done.stderr.strip()[-1500:]}")
    for path in sorted(p for p in package.rglob("*.json") if "node_modules" not in p.parts):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            problems.append(f"{path.relative_to(package)}: not valid JSON: {err}")
    if problems:
        pytest.fail("\n".join(problems))
    count("hostile: express JavaScript files checked", len(files))


def test_java_output_compiles(outputs: dict[str, Path | str]) -> None:
    """javac on the starter, the example and the tests, through Maven, offline (the jars come from ~/.m2);
    started by ``outputs``."""
    package_of(outputs, "spring")  # or a skip, when it was not generated
    mvn = shutil.which("mvn")
    if mvn is None or shutil.which("javac") is None:
        pytest.skip("javac or mvn is not installed")
    command, done = BUILDS["spring"].wait()[-1]
    output = done.stdout + done.stderr
    if done.returncode != 0 and ("offline" in output and "resolve" in output.lower()):
        pytest.skip("the Maven dependencies are not in ~/.m2 (build a spring package once online: mvn verify)")
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{output[-5000:]}")
    count("hostile: spring compiled", 1)


def test_csharp_output_parses(outputs: dict[str, Path | str]) -> None:
    """tree-sitter-c-sharp finds no error in any .cs file, and the project files are well-formed (tier 1)."""
    package = package_of(outputs, "aspnetcore")
    pytest.importorskip("tree_sitter_c_sharp", reason="tier 1 needs tree-sitter-c-sharp")
    from generator.verify_csharp import check_package

    report = check_package(package)
    if report.problems:
        text = "\n".join(str(p) for p in report.problems)
        pytest.fail(text)
    count("hostile: aspnetcore C# files parsed", len(list(package.rglob("*.cs"))))


# -- the packages still work ----------------------------------------------------------------------------


@pytest.mark.slow
# Flask only: the Python client that carries the hostile strings to the service is the one both
# Python targets share (templates/_python/), and Django's own output is compiled and linted above;
# its whole suite again took over a minute of the CI budget.
@pytest.mark.parametrize("name", ["flask"])
def test_python_smoke_tests_pass_with_the_hostile_spec(
    outputs: dict[str, Path | str], python_venv: str, name: str
) -> None:
    """Install the hostile package into a virtualenv and run its smoke cases (S1-S22 against its fake).

    The smoke cases only, in a new app: they are where the hostile strings travel (settings, client,
    pages, errors). The rest of the package's suite (typing, the same cases again inside an existing
    app) runs on every spec in the target's own session and took as long again here.
    """
    package = package_of(outputs, name)
    pip_install(python_venv, f"{package}[test]")
    smoke = [
        "tests/test_smoke.py",
        *(["tests/test_lifecycle.py"] if (package / "tests/test_lifecycle.py").is_file() else []),
    ]
    done = subprocess.run(
        [python_venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", *smoke, "-k", "not existing-app"],
        cwd=package,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        output = done.stdout[-5000:] + done.stderr[-2000:]
        pytest.fail(output)
    count(f"hostile: {name} smoke tests passed", 1)


@pytest.mark.slow
def test_express_smoke_tests_pass_with_the_hostile_spec(outputs: dict[str, Path | str]) -> None:
    """``npm ci && npm test`` in the hostile Express package (S1-S17 against its fake), started by ``outputs``."""
    package_of(outputs, "express")  # or a skip, when it was not generated
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("node and npm are not installed")
    for command, done in BUILDS["express"].wait():
        if done.returncode != 0:
            output = f"{' '.join(command)} failed:\n" + done.stdout[-5000:] + done.stderr[-2000:]
            pytest.fail(output)
    count("hostile: express smoke tests passed", 1)


#: Runs in the package folder with the virtualenv's python: logs in with each username, prints what came of it.
#: The FastAPI client's methods are coroutines; Flask's return at once.
CLIENT_SCRIPT = """
import asyncio, inspect, json, sys
from fake.server import load_data, start
from {package}.client import HdrClient
from {package}.errors import HdrError

data = json.load(open("tests/fake/spec.json", encoding="utf-8"))
fake = start(load_data("tests/fake/spec.json"))


async def main():
    settings = data["settings"]
    client = HdrClient(
        base_url=fake.url, api_key=settings["api_key"], application_id=settings["application_id"], timeout=5
    )
    seen = {{}}
    for username in json.loads(sys.argv[1]):
        try:
            done = client.login(username, "not-the-password")
            if inspect.isawaitable(done):
                await done
            seen[username] = "signed in"
        except HdrError as err:
            seen[username] = "error " + type(err).__name__
        except Exception as err:
            seen[username] = "escaped " + type(err).__name__ + ": " + str(err)
    return seen


seen = asyncio.run(main())
fake.stop()
print(json.dumps(seen))
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", ["flask", "fastapi"])
def test_python_client_keeps_unsendable_input_in_its_own_errors(
    tmp_path: Path, python_venv: str, acme_app: Path, name: str
) -> None:
    """A spec may send what the user typed in a header; a username no header can carry is the client's error.

    An exception that escapes the client (UnicodeEncodeError for an emoji) is a 500 in every route that logs in.
    The package runs from its folder with the virtualenv's python, which has the Flask
    package's dependencies (installed with ``acme_app``); the FastAPI package is installed with its own.
    """
    text = ACME.read_text(encoding="utf-8").replace('slug = "acme"', 'slug = "hdr"').replace("ACME_", "HDR_")
    old = 'path = "/v1/sessions"\n'  # the login step
    assert text.count(old) == 1
    spec = tmp_path / "hdr.toml"
    spec.write_text(text.replace(old, f'{old}headers = {{ X-Login = "${{input.username}}" }}\n'), encoding="utf-8")
    generate(spec, tmp_path / "out", [name])
    package = tmp_path / "out" / name
    if name == "fastapi":
        pip_install(python_venv, str(package))  # the package's __init__ imports FastAPI and its other dependencies
    usernames = ["user@example.com", "emoji😀", "line\nbreak", "nul\x00"]
    path = os.pathsep.join(str(package / part) for part in ("src", "tests"))
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "PYTHONPATH": path}
    done = subprocess.run(
        [python_venv, "-c", CLIENT_SCRIPT.format(package=f"{name}_hdr"), json.dumps(usernames)],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    escaped = {username: what for username, what in seen.items() if what.startswith("escaped")}
    assert not escaped, f"exceptions escaped the generated {name} client: {escaped}"
