"""The ``[package]`` table: its defaults, its checks, and the LICENSE every package gets."""

from __future__ import annotations

import tomllib

import pytest

from generator.context import publishing
from generator.errors import SpecError
from generator.licenses import LICENSES
from generator.spec import DEFAULT_SPEC, parse_spec

BASE = DEFAULT_SPEC.read_text(encoding="utf-8").split("\n# What every generated package says")[0]


def spec_with(package: str):
    return parse_spec((BASE + "\n[package]\n" + package).encode(), "identity.toml")


def problems(package: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(SpecError) as err:
        spec_with(package)
    return [(p.line, p.message, p.hint) for p in err.value.problems]


def test_a_spec_without_the_table_gets_version_0_1_0_and_mit_held_by_the_integrations_authors():
    spec = parse_spec(BASE.encode(), "identity.toml")
    keys = publishing(spec)
    assert keys["package_version"] == "0.1.0"
    assert (keys["license"], keys["license_name"]) == ("MIT", "MIT License")
    assert keys["copyright"] == "Acme Identity integration authors"
    assert (keys["authors"], keys["repository"]) == ([], "")


def test_the_acme_example_fills_every_key():
    keys = publishing(parse_spec(DEFAULT_SPEC.read_bytes(), str(DEFAULT_SPEC)))
    assert keys["copyright"] == "Acme Inc."
    assert keys["authors"] == [{"name": "Acme Developer Experience", "email": "dx@acme.example"}]
    assert keys["repository"] == "https://github.com/acme/identity-integrations"
    assert tomllib.loads(DEFAULT_SPEC.read_text(encoding="utf-8"))["package"]["license"] == keys["license"]


def test_apache_names_its_full_title_and_url_for_the_pom():
    keys = publishing(spec_with('license = "Apache-2.0"'))
    assert keys["license_name"] == "Apache License, Version 2.0"
    assert keys["license_url"] == "https://www.apache.org/licenses/LICENSE-2.0"


def test_a_licence_authgen_has_no_text_for_is_refused_with_a_did_you_mean():
    [(line, message, hint)] = problems('license = "Apache 2.0"')
    assert "no text for the licence 'Apache 2.0'" in message
    assert hint == "did you mean 'Apache-2.0'?"
    assert line == BASE.count("\n") + 3


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ('version = "1.0"', "expected a version X.Y.Z, got '1.0'"),
        ("version = 1", "expected a version X.Y.Z, got a number"),
        ('repository = "http://github.com/acme/x"', "expected an https URL"),
        ('copyright = "Acme <Inc>"', "expected a name"),
        ('authors = [{ email = "dx@acme.example" }]', "missing required key 'name'"),
        ('authors = [{ name = "DX", email = "not an email" }]', "expected an email address"),
        ('authors = "DX"', "expected an array of tables"),
        ('licence = "MIT"', "unknown key 'licence'"),
    ],
)
def test_each_bad_value_is_a_problem_at_its_line(package: str, expected: str):
    found = problems(package)
    assert any(expected in message for _, message, _ in found), found


@pytest.mark.parametrize("spdx", sorted(LICENSES))
def test_every_licence_text_names_the_holder_once_or_is_the_unaltered_apache_text(spdx: str):
    text = LICENSES[spdx].text("Acme Inc.")
    assert "{holder}" not in text
    assert text.count("Acme Inc.") == (0 if spdx == "Apache-2.0" else 1)
    assert text.endswith("\n") and not text.startswith("\n")


def test_every_package_gets_the_licence_its_metadata_names(tmp_path):
    from generator.render import generate

    spec = tmp_path / "identity.toml"
    spec.write_text(BASE + '\n[package]\nlicense = "BSD-3-Clause"\ncopyright = "Acme Inc."\n', encoding="utf-8")
    generate(spec, tmp_path / "out", ["flask", "express"])
    for target in ("flask", "express"):
        text = (tmp_path / "out" / target / "LICENSE").read_text(encoding="utf-8")
        assert text.startswith("BSD 3-Clause License\n\nCopyright (c) Acme Inc.\n")
