"""Spec fuzzing: no input makes authgen crash, print a traceback, or leave partial output.

Random bytes, random TOML documents, real specs with random mutations (wrong
types, missing and unknown keys, typos, huge values, deep nesting, unknown
references) and real spec files with damaged bytes (truncated, invalid
UTF-8, lines lost or doubled) go through:

- ``generator.spec.parse_spec``, which returns a spec or raises ``SpecError``
  with problems that are each one line; nothing else;
- ``authgen validate`` (click's runner), which exits 0 or 3 and prints one
  ``error:`` line per problem plus the summary, never a traceback;
- ``authgen generate`` on a smaller share, into a folder that holds a
  complete output, or none: afterwards it holds the old complete output or
  the new one, and no staging folder is left beside it.

Hypothesis runs derandomized, so CI tries the same examples every time; the
number tried is printed at the end of the run.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import traceback
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator import manifest
from generator.check import check
from generator.cli import main
from generator.errors import Problem, SpecError
from generator.model import Spec
from generator.spec import parse_spec

from . import strategies as S
from .support import ACME, SEED_SPECS, count, snapshot, staging_leftovers

#: Settings every fuzz test shares: stable in CI, no deadline (the machine may be busy), no example database.
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=(
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ),
)


def fuzz(examples: int) -> settings:
    """The shared settings with ``examples`` examples."""
    return settings(FUZZ, max_examples=examples)


def one_line(text: str) -> bool:
    """True when ``text`` prints as one line: no line breaks or other control characters but tab."""
    return not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") and c != "\t" for c in text)


def outcome(data: bytes, name: str = "spec.toml") -> Spec | SpecError:
    """Parse ``data``: a spec, or the SpecError whose every problem is one line.

    Any other exception propagates, and fails the test with the input that raised it.
    """
    try:
        return parse_spec(data, name)
    except SpecError as err:
        assert err.problems, "a SpecError names at least one problem"
        for problem in err.problems:
            assert isinstance(problem, Problem)
            assert one_line(str(problem)), f"a problem must print as one line: {str(problem)!r}"
        return err


# -- the library ------------------------------------------------------------------------------------


@fuzz(300)
@given(data=st.one_of(st.binary(max_size=3000), st.sampled_from(sorted(S.SEED_BYTES)).map(S.SEED_BYTES.get)))
def test_random_bytes_are_a_spec_or_a_spec_error(data: bytes) -> None:
    count("spec examples: library, random bytes")
    outcome(data)


# 150: the next 150 examples reach one more line of the validator, which the mutated specs below reach too
# (measured with coverage.py, branch coverage of generator/, derandomized examples).
@fuzz(150)
@given(doc=S.random_documents(), headers=st.booleans())
def test_random_documents_are_a_spec_or_a_spec_error(doc: dict, headers: bool) -> None:
    count("spec examples: library, random documents")
    outcome(S.to_toml(doc, headers=headers).encode("utf-8"))


@fuzz(1000)
@given(case=S.mutated_specs())
def test_mutated_specs_are_a_spec_or_a_spec_error(case: tuple[str, bytes, list[str]]) -> None:
    count("spec examples: library, mutated specs")
    seed, data, done = case
    result = outcome(data)
    if isinstance(result, Spec):
        # a valid spec models what it says: the digest is of these very bytes
        assert result.digest == hashlib.sha256(data).hexdigest(), (seed, done)


@fuzz(300)
@given(case=S.damaged_specs())
def test_damaged_spec_files_are_a_spec_or_a_spec_error(case: tuple[str, bytes, str]) -> None:
    count("spec examples: library, damaged files")
    outcome(case[1])


@pytest.mark.parametrize("depth", [100, 450, 1000, 5000])
@pytest.mark.parametrize("shape", ["array", "inline-table"])
def test_deeply_nested_values_are_a_spec_error(shape: str, depth: int) -> None:
    """Nesting deeper than the TOML reader can follow is a problem in the spec, not a RecursionError."""
    if shape == "array":
        text = "schema = " + "[" * depth + "1" + "]" * depth
    else:
        text = "schema = " + "{ a = " * depth + "1" + " }" * depth
    count("spec examples: library, deep nesting")
    result = outcome(text.encode())
    assert isinstance(result, SpecError)


# -- the command line -------------------------------------------------------------------------------


def run_cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"authgen {' '.join(args[:1])} raised instead of reporting:\n{trace}")
    assert "Traceback" not in result.output, result.output
    return result


def assert_reports(result: Result, expected: Spec | SpecError, path: Path) -> None:
    """The CLI said what the library found: ok on stdout, or one error line per problem and the summary."""
    if isinstance(expected, Spec):
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        return
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    *errors, summary = lines
    assert len(errors) == len(expected.problems), f"one line per problem:\n{result.stderr}"
    assert all(line.startswith("error: ") for line in errors), result.stderr
    noun = "problem" if len(errors) == 1 else "problems"
    assert summary == f"{path}: {len(errors)} {noun} in the spec"


_ANY_SPEC = st.one_of(
    S.mutated_specs().map(lambda case: case[1]),
    S.damaged_specs().map(lambda case: case[1]),
    st.binary(max_size=500),
)


@fuzz(200)
@given(data=_ANY_SPEC)
def test_validate_exits_cleanly_with_one_line_per_problem(data: bytes) -> None:
    count("spec examples: CLI validate")
    with tempfile.TemporaryDirectory(prefix="authgen-fuzz-") as folder:
        path = Path(folder) / "spec.toml"
        path.write_bytes(data)
        expected = outcome(data, str(path))
        result = run_cli("validate", str(path))
        assert_reports(result, expected, path)
        if isinstance(expected, Spec):
            assert len(result.stdout.splitlines()) == 1, f"validate prints one line per spec: {result.stdout!r}"


#: Mutations for the generate share: mostly ones that keep the spec valid, so that some runs write output.
_GENERATE_KINDS = st.sampled_from([None, ["text"], ["text", "reference"], ["text", "delete"]])


@st.composite
def _generate_cases(draw: st.DrawFn) -> tuple[bytes, bool]:
    kinds = draw(_GENERATE_KINDS, label="kinds")
    _, data, _ = draw(S.mutated_specs(kinds), label="spec")
    return data, draw(st.booleans(), label="over an old output")


@fuzz(40)
@given(case=_generate_cases())
def test_generate_leaves_the_old_output_or_the_new_one(case: tuple[bytes, bool], acme_output: Path) -> None:
    data, over_old = case
    count("spec examples: CLI generate")
    with tempfile.TemporaryDirectory(prefix="authgen-fuzz-") as folder:
        parent = Path(folder)
        spec = parent / "spec.toml"
        spec.write_bytes(data)
        out = parent / "out"
        if over_old:
            shutil.copytree(acme_output, out)
        before = snapshot(out)
        expected = outcome(data, str(spec))
        result = run_cli("generate", str(spec), "-o", str(out), "-t", "flask", "-q")
        assert staging_leftovers(parent) == [], "a staging folder was left behind"
        if result.exit_code == 0:
            assert isinstance(expected, Spec), "generate accepted a spec that validate rejects"
            report = check(out)
            assert report.hand_edited == [] and report.missing == [], report.to_json()
            recorded = manifest.load(out)
            assert recorded is not None and recorded.spec_sha256 == hashlib.sha256(data).hexdigest()
            count("spec examples: CLI generate, written")
            return
        assert snapshot(out) == before, "a failed generate changed the output folder"
        if not over_old:
            assert sorted(p.name for p in parent.iterdir()) == ["spec.toml"], "a failed generate left files"
        if isinstance(expected, SpecError):
            assert_reports(result, expected, spec)
        else:
            pytest.fail(f"generate failed on a valid spec (exit {result.exit_code}): {result.stderr[-3000:]}")


# -- what the fuzzing found, pinned down ------------------------------------------------------------------

SEED_TEXT = ACME.read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ["na\nme", "tab\there", "esc\x1b[31m", "nul\x00", "line\u2028sep"])
def test_a_problem_at_a_key_with_control_characters_is_one_line(key: str) -> None:
    """An unknown key is quoted in the key path with its control characters escaped, as in its repr."""
    data = SEED_TEXT.replace('slug = "acme"', f'slug = "acme"\n{S.toml_key(key)} = 1', 1).encode()
    result = outcome(data)
    assert isinstance(result, SpecError)


@pytest.mark.parametrize("spec", SEED_SPECS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_seed_spec_generates(spec: Path, tmp_path: Path) -> None:
    """Each real-world-shaped spec the repository keeps is valid and generates (Flask, the reference target)."""
    result = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), "-t", "flask", "-q")
    assert result.exit_code == 0, result.stderr[-3000:]


def test_a_spec_without_roles_generates(tmp_path: Path) -> None:
    """``roles`` is optional in [mapping]; without it there is no admin role to guard /admin with."""
    text = SEED_TEXT.replace('roles = "groups"\n', "").replace('admin_roles = ["admins"]\n', "")
    text = text.replace('staff_roles = ["staff"]\n', "")
    spec = tmp_path / "spec.toml"
    spec.write_text(text, encoding="utf-8")
    assert isinstance(outcome(spec.read_bytes()), Spec)
    result = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), "-t", "flask", "-q")
    assert result.exit_code == 0, result.stderr[-3000:]


#: The Acme spec with a [user] field named like the canonical attribute it is mapped to.
SELF_MAPPED = {
    "roles": [("groups = {", "roles = {"), ('roles = "groups"', 'roles = "roles"')],
    "active": [
        (
            'status = { type = "enum", values = ["ACTIVE", "LOCKED"], from = "/status" }',
            'active = { type = "bool", from = "/active" }',
        ),
        ('active = { field = "status", equals = "ACTIVE" }', 'active = "active"'),
    ],
}


@pytest.mark.parametrize("attribute", SELF_MAPPED)
def test_a_field_named_like_its_canonical_attribute_generates(attribute: str, tmp_path: Path) -> None:
    """A [user] field called ``roles`` (or a bool ``active``), mapped to itself, is one attribute, not two."""
    text = SEED_TEXT
    for old, new in SELF_MAPPED[attribute]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    spec = tmp_path / "spec.toml"
    spec.write_text(text, encoding="utf-8")
    assert isinstance(outcome(spec.read_bytes()), Spec)
    result = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), "-t", "flask", "-q")
    assert result.exit_code == 0, result.stderr[-3000:]
