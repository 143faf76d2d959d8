"""One name per error kind, for every target."""

from __future__ import annotations

import dataclasses

from generator.model import ERROR_KINDS
from generator.plan.errors import ERROR_CLASSES, client_errors, rule_errors
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


def test_every_client_raises_service_unavailable_even_when_no_rule_names_it() -> None:
    spec = load_spec(ACME)
    without = dataclasses.replace(
        spec,
        operations={
            name: dataclasses.replace(
                op,
                steps=tuple(
                    dataclasses.replace(s, errors=tuple(r for r in s.errors if r.kind != "service_unavailable"))
                    for s in op.steps
                ),
            )
            for name, op in spec.operations.items()
        },
    )
    assert "ServiceUnavailable" not in rule_errors(without)
    assert client_errors(without) == rule_errors(without) | {"ServiceUnavailable"}


def test_every_kind_has_one_status_and_message_for_every_target() -> None:
    from generator.plan.errors import KINDS

    assert [k.code for k in KINDS] == list(ERROR_KINDS)
    shown = {k.code: (k.status, k.message) for k in KINDS}
    assert shown["password_policy"] == (422, "The new password does not meet the password policy.")
    assert shown["unverified"] == (403, "Verify your email address first: use the link we sent you.")
    assert shown["invalid_token"][0] == shown["expired_token"][0] == 400


def test_each_client_template_defines_every_kind_alike() -> None:
    """The error types are hand-written in each language: each names every kind with the plan's status and message."""
    from generator.plan.errors import KINDS

    from .conftest import ROOT

    templates = ROOT / "templates"
    files = {
        "python": templates / "_python" / "errors.py",
        "js": next(templates.glob("express/*/lib/errors.js")),
        "java": next(templates.glob("spring/*/autoconfigure/src/main/java/*/*ServiceException.java")),
        "csharp": next(templates.glob("aspnetcore/*/src/*/*Exception.cs")),
    }
    for language, path in files.items():
        text = path.read_text(encoding="utf-8")
        for kind in KINDS:
            assert kind.cls in text, (language, kind.cls)
            assert f'"{kind.code}"' in text or f"'{kind.code}'" in text, (language, kind.code)
            if language != "js":  # the Express routes hold the messages
                # the message comes from the catalogue (generator/plan/messages.py)
                assert f"cookiecutter.messages.error.{kind.code} |" in text, (language, kind.code)
            assert str(kind.status) in text, (language, kind.status)
