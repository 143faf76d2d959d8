"""The names of a generated package: the target's defaults, then the spec's options (generator.plan.naming)."""

from __future__ import annotations

import dataclasses

from generator.plan.naming import target_names
from generator.spec import load_spec
from generator.targets import TARGETS

from .conftest import ACME


def test_defaults_are_the_target_patterns_filled_with_the_service_names() -> None:
    spec = load_spec(ACME)
    spec = dataclasses.replace(spec, target_options={})
    assert target_names(spec, TARGETS["spring"]) == {
        "group_id": "com.acme",
        "package": "com.acme.auth",
        "artifact_id": "acme-spring-boot-starter",
    }
    assert target_names(spec, TARGETS["aspnetcore"]) == {"namespace": "Acme.AspNetCore"}


def test_the_spec_options_win_over_the_defaults() -> None:
    spec = dataclasses.replace(load_spec(ACME), target_options={"spring": {"package": "org.example.login"}})
    names = target_names(spec, TARGETS["spring"])
    assert names["package"] == "org.example.login" and names["group_id"] == "com.acme"
    assert target_names(spec, TARGETS["flask"])["package"] == "flask_acme"
