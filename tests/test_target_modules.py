"""What only one framework needs (generator/targets/<name>.py): kept out of the language printers."""

from __future__ import annotations

import dataclasses

from generator.context import build_context
from generator.emit import csharp, java
from generator.spec import load_spec
from generator.targets import TARGETS, aspnetcore, spring

from .conftest import ACME


def test_spring_example_app_lives_beside_the_starter() -> None:
    assert spring.example_package({"group_id": "com.acme", "package": "com.acme.auth"}) == "com.acme.example"
    # a starter package already named <group>.example: the app goes one level below it
    assert spring.example_package({"group_id": "org.x", "package": "org.x.example"}) == "org.x.example.example"
    spec = dataclasses.replace(load_spec(ACME), target_options={"spring": {"group_id": "io.demo"}})
    assert spring.context(spec)["example_package_path"] == "io/demo/example"


def test_the_net_version_and_packages_belong_to_the_aspnetcore_target_not_the_csharp_printer() -> None:
    spec = load_spec(ACME)
    keys = aspnetcore.context(spec)
    assert keys["target_framework"] == "net10.0" and keys["sdk_version"].startswith("10.0.")
    assert keys["packages"]["Microsoft.AspNetCore.Mvc.Testing"] == aspnetcore.ASPNETCORE_VERSION
    assert not {"target_framework", "sdk_version", "packages"} & set(csharp.context(spec, {}))
    assert not {"example_package", "example_package_path"} & set(java.context(spec, {}))
    context = build_context(spec, TARGETS["aspnetcore"])
    assert context["target_framework"] == "net10.0"


def test_aspnetcore_policies_count_admins_as_staff_and_always_have_a_role() -> None:
    spec = load_spec(ACME)
    mapping = dataclasses.replace(spec.mapping, admin_roles=("root",), staff_roles=("helpdesk", "root"))
    roles = aspnetcore.policy_roles(dataclasses.replace(spec, mapping=mapping))
    assert roles == {"admin_policy_roles": ["root"], "staff_policy_roles": ["helpdesk", "root"]}
    bare = dataclasses.replace(spec.mapping, admin_roles=(), staff_roles=("helpdesk",))
    roles = aspnetcore.policy_roles(dataclasses.replace(spec, mapping=bare))
    assert roles == {"admin_policy_roles": ["admins"], "staff_policy_roles": ["helpdesk", "admins"]}


def test_an_example_apps_environment_names_its_settings_with_the_specs_slug() -> None:
    """A target whose settings carry the spec's prefix (``ACME_SECRET_KEY``) names them once, as ``{SLUG}_...``."""
    target = dataclasses.replace(TARGETS["flask"], kit_env={"{SLUG}_SECRET_KEY": "s", "PLAIN": "p"})
    assert target.example_env("acme") == {"ACME_SECRET_KEY": "s", "PLAIN": "p"}
    assert TARGETS["flask"].example_env("acme") == TARGETS["flask"].kit_env


def test_a_toolchains_version_is_its_own_line_not_the_options_a_jvm_picked_up(monkeypatch) -> None:
    """CI runs its JVMs with JDK_JAVA_OPTIONS, and java -version then names them first."""
    import subprocess

    from generator.targets import Toolchain, probe

    printed = 'NOTE: Picked up JDK_JAVA_OPTIONS: -XX:TieredStopAtLevel=1\nopenjdk version "17.0.15" 2025-04-15\n'
    monkeypatch.setattr(
        subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a[0], 0, stdout="", stderr=printed)
    )
    monkeypatch.setattr("shutil.which", lambda command: f"/usr/bin/{command}")
    assert probe(Toolchain("java", ("-version",))) == 'openjdk version "17.0.15" 2025-04-15'
