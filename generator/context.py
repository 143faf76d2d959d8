"""Build the one context a target's template is rendered with.

The shared part (names, settings, forms, fixtures) is computed here once for
every target; the language part comes from the target's emitter.  Templates
get plain data and code fragments, never the raw spec.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import Any

from . import __version__
from .emit import language
from .fake.fixtures import fixture_users, test_settings
from .model import Spec
from .targets import Target

#: Browser autocomplete tokens for well-known form inputs.
AUTOCOMPLETE = {
    "username": "username",
    "email": "email",
    "first_name": "given-name",
    "given_name": "given-name",
    "last_name": "family-name",
    "family_name": "family-name",
    "name": "name",
    "phone": "tel",
}


#: The role ``/admin`` requires when the spec's roles do not tell the admin from a plain user.
FALLBACK_GUARD_ROLE = "admins"


def build_context(spec: Spec, target: Target) -> dict[str, Any]:
    """The ``cookiecutter`` context for ``target``.

    Precedence of names: the spec's ``[targets.<name>]`` options, then the
    target's naming defaults.
    """
    names = naming(spec, target)
    fixtures = fixture_users(spec.data)
    ctx: dict[str, Any] = {
        "project_dir": target.name,
        "slug": spec.service.slug,
        "class_name": spec.service.class_name,
        "service_name": spec.service.name,
        "config_prefix": spec.service.slug.upper(),
        "timeout_s": spec.service.timeout_s,
        "authgen_version": __version__,
        "has_register": spec.has("register"),
        "has_forgot_password": spec.has("forgot_password"),
        "login_inputs": login_inputs(spec),
        "register_inputs": form_inputs(spec, "register"),
        "forgot_inputs": form_inputs(spec, "forgot_password"),
        "admin_roles": list(spec.mapping.admin_roles),
        "staff_roles": list(spec.mapping.staff_roles),
        "fixtures": fixtures,
        "guard_role": guard_role(fixtures),
        "_extensions": ["generator.jinja.AuthgenExtension"],
        **template_options(target),
        **names,
    }
    ctx.update(_plain(language(target.language).context(spec, test_settings(spec.data))))
    return ctx


def template_options(target: Target) -> dict[str, Any]:
    """The cookiecutter options (``_copy_without_render`` ...) the template declares."""
    config = json.loads((target.template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    return {k: v for k, v in config.items() if k.startswith("_") and k != "_extensions"}


def naming(spec: Spec, target: Target) -> dict[str, str]:
    """Package, distribution and similar names for a target."""
    slug = spec.service.slug
    values = {"slug": slug, "Name": spec.service.class_name, "SLUG": slug.upper()}
    names = {key: pattern.format(**values) for key, pattern in target.naming.items()}
    names.update(spec.target_options.get(target.name, {}))
    return names


def form_inputs(spec: Spec, operation: str) -> list[dict[str, str]]:
    """The form fields an operation needs, derived from the inputs its steps read."""
    if not spec.has(operation):
        return []
    out = []
    for name in spec.operations[operation].inputs:
        if "password" in name:
            kind, auto = "password", "new-password" if operation == "register" else "current-password"
        elif "email" in name:
            kind, auto = "email", "email"
        else:
            kind, auto = "text", AUTOCOMPLETE.get(name, "off")
        out.append({"name": name, "label": label(name), "html_type": kind, "autocomplete": auto})
    return out


def login_inputs(spec: Spec) -> list[dict[str, str]]:
    """The login form's two fields; the first is labelled after what users sign in with."""
    by_email = spec.field(spec.mapping.username).type == "email"
    return [
        {
            "name": "username",
            "label": "Email" if by_email else "Username",
            "html_type": "email" if by_email else "text",
            "autocomplete": "username",
        },
        {"name": "password", "label": "Password", "html_type": "password", "autocomplete": "current-password"},
    ]


def guard_role(fixtures: list[dict]) -> str:
    """The role example apps require on ``/admin``: one the admin fixture has and the plain user lacks."""
    users = {u["key"]: u for u in fixtures}
    plain = set(users["user"]["expected"]["roles"])
    return next((r for r in users["admin"]["expected"]["roles"] if r not in plain), FALLBACK_GUARD_ROLE)


def label(name: str) -> str:
    """``First name`` for ``first_name``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists: data Jinja and JSON both read."""
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
