"""The parts of the contract a spec calls for, named once for every template (generator.plan.features)."""

from __future__ import annotations

import dataclasses

from generator.plan.features import Features, features
from generator.spec import load_spec

from .conftest import ACME, ROOT


def _without(*names: str):  # type: ignore[no-untyped-def]
    spec = load_spec(ACME)
    return dataclasses.replace(spec, operations={k: v for k, v in spec.operations.items() if k not in names})


def test_the_bundled_spec_calls_for_every_part() -> None:
    assert features(load_spec(ACME)) == Features(True, True, True, False)


def test_each_part_follows_its_operations() -> None:
    assert not features(_without("reset_password", "verify_email")).email_links
    assert features(_without("reset_password")).email_links  # verify_email alone has a link
    assert not features(_without("reset_password", "change_password")).new_passwords
    assert not features(_without("refresh")).change_refreshes
    assert not features(_without("change_password")).change_refreshes


def test_an_optional_register_input_is_an_optional_form_input() -> None:
    stormpath = load_spec(ROOT / "examples" / "stormpath" / "identity.toml")
    assert stormpath.operations["register"].optional_inputs
    assert features(stormpath).optional_form_inputs
