"""The template context is merged from named parts, and no part may replace another's key."""

from __future__ import annotations

import pytest

from generator.context import DuplicateContextKeyError, build_context, merge
from generator.spec import load_spec
from generator.targets import TARGETS

from .conftest import ACME, ROOT

HOSTILE = ROOT / "tests" / "robust" / "specs" / "hostile.toml"


def test_merge_keeps_every_key_in_order() -> None:
    assert list(merge(("a", {"x": 1, "y": 2}), ("b", {"z": 3}))) == ["x", "y", "z"]


def test_a_key_two_parts_define_is_refused_naming_both() -> None:
    with pytest.raises(DuplicateContextKeyError, match="'guard_role' is defined by both shared and the js emitter"):
        merge(("shared", {"guard_role": "admins"}), ("the js emitter", {"guard_role": "admin"}))


@pytest.mark.parametrize("spec", [ACME, HOSTILE], ids=["acme", "hostile"])
@pytest.mark.parametrize("name", [t.name for t in TARGETS.values() if t.available])
def test_every_target_context_assembles_without_duplicates(spec, name: str) -> None:
    context = build_context(load_spec(spec), TARGETS[name])
    assert context["guard_role"] and context["login_inputs"][0]["name"] == "username"


def test_only_django_gets_the_profile_columns_from_its_framework_module() -> None:
    spec = load_spec(ACME)
    assert TARGETS["django"].framework_module == "django"
    assert "django_columns" in build_context(spec, TARGETS["django"])
    assert "django_columns" not in build_context(spec, TARGETS["flask"])


def test_templates_learn_which_lifecycle_operations_the_spec_has() -> None:
    context = build_context(load_spec(ACME), TARGETS["flask"])
    for name in ("refresh", "logout", "reset_password", "change_password", "verify_email"):
        assert context[f"has_{name}"] is True, name
    assert (context["reset_token_query"], context["verify_token_query"]) == ("token", "token")
    assert context["session_expires"] is True
    assert [f["name"] for f in context["reset_inputs"]] == ["password", "password_confirm"]
    assert [f["autocomplete"] for f in context["change_password_inputs"]] == [
        "current-password",
        "new-password",
        "new-password",
    ]
    assert [op["name"] for op in context["lifecycle_ops"]] == [
        "refresh",
        "logout",
        "reset_password",
        "change_password",
        "verify_email",
    ]


def test_a_spec_without_them_gets_no_lifecycle_routes() -> None:
    okta = load_spec(ROOT / "examples" / "okta" / "identity.toml")
    context = build_context(okta, TARGETS["flask"])
    assert not any(context[f"has_{name}"] for name in ("refresh", "logout", "reset_password"))
    assert context["reset_token_query"] is None and context["session_expires"] is False
    assert context["reset_inputs"] == [] and context["lifecycle_ops"] == []
    assert list(build_context(okta, TARGETS["express"])["ops"]) == ["login", "get_user", "register", "forgot_password"]


# -- the settings every language lists alike (generator.plan.settings) ---------------------------

from generator.model import Setting  # noqa: E402
from generator.plan.settings import nullable, setting_row  # noqa: E402


def test_a_setting_row_holds_the_shared_facts_and_the_language_keys_which_may_refine_them() -> None:
    setting = Setting("base_url", "ACME_BASE_URL", required=False, secret=False)
    row = setting_row(setting, attr="base_url", required=True)
    assert row == {"name": "base_url", "env": "ACME_BASE_URL", "required": True, "secret": False, "attr": "base_url"}


def test_only_an_optional_setting_without_default_may_be_unset() -> None:
    assert nullable(Setting("realm", "R"))
    assert not nullable(Setting("realm", "R", default="master"))
    assert not nullable(Setting("realm", "R", required=True))
