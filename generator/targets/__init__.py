"""The registry of targets: one entry per framework, the only list of them.

Each entry says where its template lives, which toolchain it needs (and how
to ask that toolchain for its version), how its generated tests run, how the
conformance kit installs and serves its example app, and which module of this
package (if any) adds what only that framework needs to the template context
(``django``: the profile model's columns; ``spring``: the sign-in's refusals).

Only the standard library is imported here: ``noxfile.py`` reads the registry
before authgen's dependencies are installed, so framework modules are named,
not imported.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: The folder holding one cookiecutter template per target.
TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"


@dataclass(frozen=True)
class Toolchain:
    """A command a target needs, and the argument that makes it print its version."""

    command: str
    version_args: tuple[str, ...] = ("--version",)


@dataclass(frozen=True)
class Target:
    name: str
    framework: str
    #: the emitter language in generator/emit/.
    language: str
    toolchains: tuple[Toolchain, ...]
    #: shell commands, run in the generated package folder, that run its own tests.
    test_commands: tuple[str, ...]
    #: keys accepted in the spec's [targets.<name>] table.
    options: tuple[str, ...] = ()
    #: default names, formatted with slug / Name / SLUG; the spec's options override them.
    naming: dict[str, str] = field(default_factory=dict)
    #: where, inside the package, the fake identity service is copied.
    fake_dir: str = "tests/fake"
    #: commands, run in the package folder, that make the example app ready to serve.
    kit_install: tuple[str, ...] = ()
    #: the command that serves the example app; {port} and {python} are filled in.
    kit_serve: str = ""
    #: environment the example app needs besides the service settings; ``{SLUG}`` in a name is the
    #: spec's upper-case slug (``ACME_SECRET_KEY``).
    kit_env: dict[str, str] = field(default_factory=dict)
    #: a check that runs without the toolchain (parsing, structure); never a substitute for the tests.
    static_check: str = ""
    #: the module of generator/targets/ whose ``context(spec)`` adds this framework's own context keys.
    framework_module: str = ""
    #: whether ``test_commands`` leave the example app ready to serve (``kit_install`` done), so a
    #: session that ran them can run the kit, the browser and the scale test without building again.
    tests_build_example: bool = False
    #: whether the template signs users in through an OpenID provider when the spec has ``[service.oidc]``.
    supports_oidc: bool = False

    @property
    def template_dir(self) -> Path:
        return TEMPLATES_DIR / self.name

    @property
    def template_roots(self) -> tuple[Path, ...]:
        """Every template folder the output depends on: the target's, the shared ones."""
        shared = [TEMPLATES_DIR / "_root", TEMPLATES_DIR / f"_{self.language}"]
        return (self.template_dir, *(p for p in shared if p.is_dir()))

    def example_env(self, slug: str) -> dict[str, str]:
        """``kit_env`` for a spec whose slug is ``slug``: what the example app needs besides the service settings."""
        return {name.format(SLUG=slug.upper()): value for name, value in self.kit_env.items()}

    def missing_toolchains(self) -> list[str]:
        """The commands this target needs that are not on PATH."""
        return [tc.command for tc in self.toolchains if shutil.which(tc.command) is None]

    @property
    def available(self) -> bool:
        """Whether the template exists in this version of authgen."""
        return (self.template_dir / "cookiecutter.json").is_file()


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "flask",
            "Flask",
            "python",
            (Toolchain("python3"),),
            ("{python} -m pip install -q -e .[test]", "{python} -m pytest -q"),
            options=("package", "distribution"),
            naming={"package": "flask_{slug}", "distribution": "Flask-{Name}"},
            kit_install=("{python} -m pip install -q -e .",),
            kit_serve="{python} -m flask --app example run --port {port} --no-reload",
            kit_env={"FLASK_SECRET_KEY": "kit-secret-key"},
            tests_build_example=True,
            supports_oidc=True,
        ),
        Target(
            "django",
            "Django",
            "python",
            (Toolchain("python3"),),
            ("{python} -m pip install -q -e .[test]", "{python} -m pytest -q"),
            options=("package", "distribution"),
            naming={"package": "django_{slug}", "distribution": "django-{slug}"},
            kit_install=("{python} -m pip install -q -e .", "{python} example/manage.py migrate --noinput"),
            kit_serve="{python} example/manage.py runserver 127.0.0.1:{port} --noreload",
            kit_env={"DJANGO_SECRET_KEY": "kit-secret-key"},
            framework_module="django",
            supports_oidc=True,
        ),
        Target(
            "express",
            "Express",
            "js",
            (Toolchain("node"), Toolchain("npm")),
            # test:pack: `npm pack`, then a new app outside the package installs the tarball and signs in.
            ("npm ci", "npm test", "npm run test:pack"),
            options=("package",),
            naming={"package": "express-{slug}"},
            fake_dir="test/fake",
            kit_install=("npm ci --no-audit --no-fund",),
            kit_serve="env PORT={port} node example/app.js",
            kit_env={"SESSION_SECRET": "kit-session-secret-0123456789"},
            framework_module="express",
            tests_build_example=True,
            supports_oidc=True,
        ),
        Target(
            "spring",
            "Spring Boot",
            "java",
            (Toolchain("java", ("-version",)), Toolchain("mvn", ("-v",))),
            ("mvn -q -B verify",),
            options=("group_id", "package", "artifact_id"),
            naming={
                "group_id": "com.{slug}",
                "package": "com.{slug}.auth",
                "artifact_id": "{slug}-spring-boot-starter",
            },
            fake_dir="example/src/test/fake",
            # the example app's jar only: no tests, and no sources or Javadoc jars (the smoke session builds those)
            kit_install=("mvn -q -B -DskipTests -Dmaven.source.skip -Dmaven.javadoc.skip package",),
            kit_serve="java -jar example/target/example.jar --server.port={port} --server.address=127.0.0.1",
            framework_module="spring",
            tests_build_example=True,
            supports_oidc=True,
        ),
        Target(
            "aspnetcore",
            "ASP.NET Core",
            "csharp",
            (Toolchain("dotnet"),),
            # Tier 2; without the .NET SDK only tier 1 (static_check) can run. dotnet pack makes the
            # library's .nupkg, and fails on a PackageReadmeFile that is not packed (NU5039).
            ("dotnet build -warnaserror", "dotnet test --no-build", "dotnet pack --no-build"),
            options=("namespace",),
            naming={"namespace": "{Name}.AspNetCore"},
            fake_dir="tests/fake",
            kit_install=("dotnet build example",),
            kit_serve="dotnet run --no-build --project example -- --urls http://127.0.0.1:{port}",
            kit_env={
                "ASPNETCORE_ENVIRONMENT": "Production",
                "DOTNET_NOLOGO": "1",
                "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
                "DOTNET_SKIP_FIRST_TIME_EXPERIENCE": "1",
            },
            static_check="{python} -m generator.verify_csharp .",
            framework_module="aspnetcore",
            supports_oidc=True,
        ),
        Target(
            "fastapi",
            "FastAPI",
            "python",
            (Toolchain("python3"),),
            ("{python} -m pip install -q -e .[test]", "{python} -m pytest -q"),
            options=("package", "distribution"),
            naming={"package": "fastapi_{slug}", "distribution": "fastapi-{slug}"},
            # uvicorn is the example app's server, not a dependency of the library: the `example` extra.
            kit_install=("{python} -m pip install -q -e .[example]",),
            kit_serve="{python} -m uvicorn example:app --host 127.0.0.1 --port {port} --no-access-log",
            kit_env={"{SLUG}_SECRET_KEY": "kit-secret-key-0123456789abcdef"},
            tests_build_example=True,
        ),
    )
}


def get_target(name: str) -> Target:
    """Look a target up by name.

    :raises UnknownTargetError: for a name that is not registered.
    """
    from ..errors import UnknownTargetError

    if name not in TARGETS:
        raise UnknownTargetError(name=name, known=list(TARGETS))
    return TARGETS[name]


def probe(toolchain: Toolchain) -> str | None:
    """The first line of the toolchain's version, or None when it is not installed."""
    path = shutil.which(toolchain.command)
    if path is None:
        return None
    try:
        done = subprocess.run([path, *toolchain.version_args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # A JVM names the options it took from the environment before its version (JDK_JAVA_OPTIONS, JAVA_TOOL_OPTIONS).
    lines = [line for line in (done.stdout or done.stderr).strip().splitlines() if "Picked up " not in line]
    return lines[0] if lines else "unknown version"
