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
@click.option("-t", "--target", "targets", multiple=True, help="Only this target (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite files that were edited by hand.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@_reports_errors
def generate(spec: Path | None, out: Path, targets: tuple[str, ...], force: bool, dry_run: bool, quiet: bool) -> None:
    """Generate the integrations for SPEC (default: the bundled Acme spec)."""
    from .render import generate as run

    progress = None if quiet else (lambda msg: click.echo(msg, err=True))
    result = run(spec, out, targets or None, force=force, dry_run=dry_run, progress=progress)
    if quiet:
        return
    for name in result.skipped:
        click.echo(f"skipped {name}: no template for it in authgen {__version__} yet", err=True)
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
@_reports_errors
def validate(specs: tuple[Path, ...], quiet: bool) -> None:
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
    if problems:
        raise SpecError(problems=problems)
    if not quiet:
        for name, spec in loaded.items():
            click.echo(f"{name}: ok ({printable(spec.service.name)}, targets: {', '.join(spec.targets)})")


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
@click.option("--port", default=8900, show_default=True, type=int)
@click.option("-v", "--verbose", is_flag=True, help="Log each request (never passwords or tokens).")
@_reports_errors
def fake(spec: Path | None, host: str, port: int, verbose: bool) -> None:
    """Run the spec-driven fake identity service for manual testing."""
    from .fake.__main__ import main as serve
    from .spec import DEFAULT_SPEC, load_spec

    path = spec or DEFAULT_SPEC
    load_spec(path)  # validate first: a clear error instead of a fake that misbehaves
    args = [str(path), "--host", host, "--port", str(port)] + (["--verbose"] if verbose else [])
    sys.exit(serve(args))


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
@click.option("-t", "--target", "targets", multiple=True, help="Only this target (repeatable).")
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
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
@_reports_errors
def kit(package: Path, quiet: bool, python: str | None, pytest_args: tuple[str, ...]) -> None:
    """Run the conformance kit against PACKAGE's example app (e.g. integrations/flask).

    Extra arguments go to pytest, e.g. ``authgen kit integrations/flask -k s01``.
    """
    from .kit.runner import run_kit

    sys.exit(run_kit(package, quiet=quiet, pytest_args=list(pytest_args), python=python))


if __name__ == "__main__":  # pragma: no cover
    main()
