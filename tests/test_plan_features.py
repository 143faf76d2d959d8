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
    assert features(load_spec(ACME)) == Features(True, True, True, False, True, True, True, True)


def test_each_part_follows_its_operations() -> None:
    assert not features(_without("reset_password", "verify_email")).email_links
    assert features(_without("reset_password")).email_links  # verify_email alone has a link
    assert not features(_without("reset_password", "change_password")).new_passwords
    assert not features(_without("refresh")).change_refreshes
    assert not features(_without("change_password")).change_refreshes
    lifecycle = ("refresh", "logout", "reset_password", "change_password", "verify_email")
    assert not features(_without(*lifecycle)).session_lifecycle
    assert features(_without(*lifecycle[1:])).session_lifecycle  # refresh alone is a lifecycle operation
    assert features(_without(*lifecycle[:-1])).session_lifecycle  # and so is verify_email
    assert not features(_without("reset_password", "verify_email", "change_password")).account_pages
    assert features(_without("reset_password", "verify_email")).account_pages  # change_password alone has a page
    assert not features(_without("register", "forgot_password")).public_forms
    assert features(_without("register")).public_forms
    assert not features(_without("forgot_password")).reset_by_email
    assert not features(_without("reset_password")).reset_by_email


def test_an_optional_register_input_is_an_optional_form_input() -> None:
    stormpath = load_spec(ROOT / "examples" / "stormpath" / "identity.toml")
    assert stormpath.operations["register"].optional_inputs
    assert features(stormpath).optional_form_inputs


def test_no_template_combines_has_flags_that_a_feature_names() -> None:
    """A template asks for ``cookiecutter.email_links``, not ``has_reset_password or has_verify_email`` again."""
    import re

    ors = {
        frozenset({"reset_password", "verify_email"}): "email_links",
        frozenset({"reset_password", "change_password"}): "new_passwords",
        frozenset({"refresh", "logout", "reset_password", "change_password", "verify_email"}): "session_lifecycle",
        frozenset({"reset_password", "verify_email", "change_password"}): "account_pages",
        frozenset({"register", "forgot_password"}): "public_forms",
    }
    ands = {
        frozenset({"change_password", "refresh"}): "change_refreshes",
        frozenset({"reset_password", "forgot_password"}): "reset_by_email",
    }
    flag = r"cookiecutter\.has_([a-z_]+)"
    chain = re.compile(rf"{flag}(?: (?:or|and) {flag})+")
    found = []
    for path in (ROOT / "templates").rglob("*"):
        if not path.is_file() or path.suffix in (".png", ".ico", ".jar"):
            continue
        for match in chain.finditer(path.read_text(encoding="utf-8", errors="replace")):
            text = match[0]
            names = frozenset(re.findall(flag, text))
            table = (
                ands
                if " and " in text and " or " not in text
                else ors
                if " or " in text and " and " not in text
                else {}
            )
            if names in table:
                found.append(f"{path.relative_to(ROOT)}: {text} -> {table[names]}")
    assert found == []
