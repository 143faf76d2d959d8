"""One name per error kind, for every target."""

from __future__ import annotations

from generator.model import ERROR_KINDS
from generator.plan.errors import ERROR_CLASSES, rule_errors
from generator.spec import load_spec

from .conftest import ACME


def test_every_error_kind_has_a_class_name() -> None:
    assert list(ERROR_CLASSES) == list(ERROR_KINDS)
    assert ERROR_CLASSES["invalid_credentials"] == "InvalidCredentials"


def test_rule_errors_are_the_kinds_the_rules_map_to() -> None:
    spec = load_spec(ACME)
    kinds = {r.kind for op in spec.operations.values() for step in op.steps for r in step.errors}
    assert rule_errors(spec) == {ERROR_CLASSES[k] for k in kinds}
    assert "InvalidCredentials" in rule_errors(spec)
