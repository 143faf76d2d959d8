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
