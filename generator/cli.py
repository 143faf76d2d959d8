"""The ``authgen`` command line: parse options, call the library, print.

Errors a user can fix are one line (plus hints) and an exit code, never a
traceback. Exit codes: 0 ok, 1 other error, 2 usage, 3 invalid spec,
4 hand-edited files, 5 output folder problem, 6 toolchain missing or failing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import AuthgenError, SpecError

SPEC_ARG = click.argument("spec", required=False, type=click.Path(dir_okay=False, path_type=Path))


class TargetChoice(click.Choice):
    """A registered target's name: shell completion lists them, a typo gets "did you mean"."""

    name = "target"

    def __init__(self) -> None:
        from .targets import TARGETS  # stdlib only: cheap at start-up

        super().__init__(list(TARGETS), case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as err:
            from difflib import get_close_matches

            close = get_close_matches(str(value).lower(), [str(c) for c in self.choices], n=1, cutoff=0.5)
            if not close:
                raise
            self.fail(f"{err.message} (did you mean {close[0]!r}?)", param, ctx)


TARGET_OPTION = click.option(
    "-t", "--target", "targets", multiple=True, type=TargetChoice(), help="Only this target (repeatable)."
)


def _reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn an :class:`AuthgenError` into a message on stderr and its exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SpecError as err:
            for problem in err.problems:
                click.echo(f"error: {problem}", err=True)
            click.echo(f"{err}", err=True)
            sys.exit(err.exit_code)
        except AuthgenError as err:
            click.echo(f"error: {err}", err=True)
            for hint in err.hints():
                click.echo(f"  {hint}", err=True)
            sys.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="authgen")
def main() -> None:
    """Generate drop-in authentication integrations from an identity service spec."""


@main.command()
@SPEC_ARG
@click.option(
    "-o",
    "--out",
    default="integrations",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Output folder; one sub-folder per target.",
)
@TARGET_OPTION
@click.option("--force", is_flag=True, help="Overwrite files that were edited by hand.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--json", "as_json", is_flag=True, help="Print what changed as JSON (docs/generate.schema.json).")
@_reports_errors
def generate(
    spec: Path | None, out: Path, targets: tuple[str, ...], force: bool, dry_run: bool, quiet: bool, as_json: bool
) -> None:
    """Generate the integrations for SPEC (default: the bundled Acme spec)."""
    from .render import generate as run

    progress = None if quiet or as_json else (lambda msg: click.echo(msg, err=True))
    result = run(spec, out, targets or None, force=force, dry_run=dry_run, progress=progress)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    if quiet:
        return
    for name in result.skipped:
        click.echo(f"skipped {name}: no template for it in authgen {__version__} yet", err=True)
    if result.unchanged:
        click.echo(f"{out} is up to date; left untouched")
        return
    verb = "would change" if result.dry_run else "changed"
    click.echo(f"{verb} {len(result.changed)} file(s), removed {len(result.removed)} in {out}")
    if result.dry_run:
        for path in result.changed:
            click.echo(f"  ~ {path}")
        for path in result.removed:
            click.echo(f"  - {path}")


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Print problems only.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (docs/validate.schema.json).")
@_reports_errors
def validate(specs: tuple[Path, ...], quiet: bool, as_json: bool) -> None:
    """Check one or more SPECS; print every problem with file:line, key path and a hint."""
    from .lines import printable
    from .spec import check_unique_slugs, load_spec

    loaded = {}
    problems = []
    for path in specs:
        try:
            loaded[str(path)] = load_spec(path)
        except SpecError as err:
            problems.extend(err.problems)
    problems.extend(check_unique_slugs(loaded))
    if as_json:
        click.echo(json.dumps(_validation_report(specs, loaded, problems), indent=2))
        sys.exit(SpecError.exit_code if problems else 0)
    if problems:
        raise SpecError(problems=problems)
    if not quiet:
        for name, spec in loaded.items():
            click.echo(f"{name}: ok ({printable(spec.service.name)}, targets: {', '.join(spec.targets)})")


def _validation_report(specs: tuple[Path, ...], loaded: dict[str, Any], problems: list[Any]) -> dict[str, Any]:
    """What ``validate --json`` prints, as docs/validate.schema.json describes it."""
    files = []
    for path in dict.fromkeys(str(p) for p in specs):
        mine = [
            {"line": p.line, "path": p.path, "message": p.message, "hint": p.hint} for p in problems if p.file == path
        ]
        spec = loaded.get(path)
        files.append(
            {
                "file": path,
                "valid": not mine,
                "service": spec.service.name if spec else None,
                "targets": list(spec.targets) if spec else [],
                "problems": mine,
            }
        )
    return {"valid": not problems, "exit_code": SpecError.exit_code if problems else 0, "specs": files}


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_reports_errors
def targets(as_json: bool) -> None:
    """List the targets, their toolchains, and whether each is installed."""
    from .targets import TARGETS, probe

    rows = []
    for target in TARGETS.values():
        tools = {tc.command: probe(tc) for tc in target.toolchains}
        rows.append(
            {
                "name": target.name,
                "framework": target.framework,
                "template": target.available,
                "toolchain": tools,
                "ready": target.available and all(tools.values()),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        status = "ready" if row["ready"] else ("no template yet" if not row["template"] else "toolchain missing")
        click.echo(f"{row['name']:<11} {row['framework']:<13} {status}")
        for command, version in row["toolchain"].items():
            click.echo(f"    {command:<8} {version or 'not found'}")


@main.command()
@SPEC_ARG
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8900, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("-v", "--verbose", is_flag=True, help="Log each request (never passwords or tokens).")
@_reports_errors
def fake(spec: Path | None, host: str, port: int, verbose: bool) -> None:
    """Run the spec-driven fake identity service for manual testing.

    Prints where it listens, its users and their passwords, and the
    environment an example app needs to use it, ready to paste.
    """
    import shlex
    import signal
    import threading

    from .fake.fixtures import fixture_users
    from .fake.server import load_data, start
    from .spec import DEFAULT_SPEC, load_spec

    path = spec or DEFAULT_SPEC
    model = load_spec(path)  # validate first: a clear error instead of a fake that misbehaves
    data = load_data(path)
    # Ctrl-C and SIGTERM end the fake cleanly, even one that lands while it starts.
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        service = start(data, host, port, verbose=verbose)
    except OSError as err:
        raise click.ClickException(f"cannot listen on {host}:{port}: {err.strerror or err}") from err
    except ImportError as err:  # the OpenID provider of an OIDC spec without the cryptography package
        raise click.ClickException(str(err)) from err
    click.echo(f"fake listening on {service.url}")
    for user in fixture_users(data["spec"]):
        click.echo(f"  {user['key']}: {user['username']} / {user['password']}")
    values = {"base_url": service.url, "issuer": service.url, **data["settings"]}
    env = [f"{s.env}={shlex.quote(values[s.name])}" for s in model.service.settings if s.name in values]
    click.echo("point an example app at it (paste into its shell):")
    click.echo(f"  export {' '.join(env)}")
    sys.stdout.flush()
    while not stop.wait(0.1):
        pass  # a signal that lands on a server thread is only seen when the wait times out
    service.stop()


@main.command(name="check")
@click.argument("out", default="integrations", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_reports_errors
def check_command(out: Path, as_json: bool) -> None:
    """Tell whether OUT is up to date, stale, or edited by hand (exit code says which)."""
    from .check import check

    report = check(out)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(f"{out}: {report.state.replace('_', ' ')}")
        for reason in report.stale:
            click.echo(f"  stale: {reason} changed since generation")
        for path in report.hand_edited:
            click.echo(f"  edited by hand: {path}")
        for path in report.missing:
            click.echo(f"  missing: {path}")
    sys.exit(report.exit_code)


@main.command(name="diff")
@SPEC_ARG
@click.option("--against", "ref", required=True, metavar="GIT_REF", help="Render with the templates at this ref too.")
@TARGET_OPTION
@click.option("--stat", is_flag=True, help="Only the summary of files changed per target.")
@_reports_errors
def diff_command(spec: Path | None, ref: str, targets: tuple[str, ...], stat: bool) -> None:
    """Show what the working tree's templates change in SPEC's output, against GIT_REF."""
    from .diff import diff

    results = diff(spec, ref, list(targets) or None)
    for result in results:
        if not stat and result.text:
            click.echo(result.text, nl=False)
    total = 0
    for result in results:
        total += result.count
        click.echo(
            f"{result.target}: {len(result.changed)} changed, {len(result.added)} added, {len(result.removed)} removed",
            err=not stat,
        )
    if total == 0:
        click.echo(f"no differences against {ref}", err=not stat)


@main.command()
@click.option("--provider", type=click.Choice(["github"]), default="github", show_default=True)
@click.option(
    "--repo",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    show_default=True,
    help="The repository to write the workflow into.",
)
@_reports_errors
def ci(provider: str, repo: Path) -> None:
    """Write a CI workflow that regenerates and tests every integration."""
    from .ci import write_workflow

    click.echo(f"wrote {write_workflow(repo, provider)}")


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("package", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Less output.")
@click.option(
    "--python",
    metavar="PATH",
    help="Interpreter to install and serve a Python example app with "
    "(default: this one; use a virtualenv's to keep this environment untouched).",
)
@click.option(
    "--no-install",
    "no_install",
    is_flag=True,
    help="Serve the example app as it is, without its install commands (it was built already).",
)
@click.option(
    "--service-env",
    "service_env",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Point the example app at a real identity service instead of the bundled fake: FILE holds "
    "the app's variables, one NAME=value a line (e.g. KEYCLOAK_URL=http://127.0.0.1:8080). "
    "Needs --test-users.",
)
@click.option(
    "--test-users",
    "test_users",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The real service's test users, as the packages' <PREFIX>_TEST_USERS reads them: JSON with "
    "admin (has the role that guards /admin), user (lacks it) and disabled, each with username, "
    "password and the roles it has at least.",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
@_reports_errors
def kit(
    package: Path,
    quiet: bool,
    python: str | None,
    no_install: bool,
    service_env: Path | None,
    test_users: Path | None,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the conformance kit against PACKAGE's example app (e.g. integrations/flask).

    Extra arguments go to pytest, e.g. ``authgen kit integrations/flask -k s01``.

    \b
    By default the app talks to the package's bundled fake, which the kit starts
    and steers. With --service-env and --test-users it talks to a real deployment
    instead, e.g.
      authgen kit out/flask --service-env keycloak.env --test-users users.json
    The tests that steer the fake or count its calls are then skipped ("needs the
    bundled fake service"); the summary says how many ran and how many were skipped.
    """
    from .kit.runner import run_kit

    if (service_env is None) != (test_users is None):
        raise click.UsageError("--service-env and --test-users go together: a real service needs both")
    sys.exit(
        run_kit(
            package,
            quiet=quiet,
            pytest_args=list(pytest_args),
            python=python,
            install=not no_install,
            service_env=service_env,
            test_users=test_users,
        )
    )


if __name__ == "__main__":  # pragma: no cover
    main()
