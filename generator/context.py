"""Build the one context a target's template is rendered with.

The shared part (names, forms, fixtures, the guard role) comes from the
spec-level decisions in :mod:`generator.plan`; the language part comes from
the target's emitter.  The parts are merged by :func:`merge`, which refuses a
key two parts define, so no part silently replaces another's value.
Templates get plain data and code fragments, never the raw spec.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import asdict, is_dataclass
from typing import Any

from . import __version__
from .emit import language
from .fake.fixtures import fixture_users, test_settings
from .licenses import LICENSES
from .model import Spec
from .plan.features import features
from .plan.forms import form_inputs, lifecycle_inputs, login_inputs
from .plan.messages import catalogue
from .plan.naming import target_names
from .plan.oidc import oidc_context
from .plan.operations import LIFECYCLE
from .plan.roles import guard_role
from .targets import Target


def build_context(spec: Spec, target: Target) -> dict[str, Any]:
    """The ``cookiecutter`` context for ``target``.

    Precedence of names: the spec's ``[targets.<name>]`` options, then the
    target's naming defaults.
    """
    names = target_names(spec, target)
    fixtures = fixture_users(spec.data)
    shared: dict[str, Any] = {
        "project_dir": target.name,
        "slug": spec.service.slug,
        "class_name": spec.service.class_name,
        "service_name": spec.service.name,
        "config_prefix": spec.service.slug.upper(),
        "timeout_s": spec.service.timeout_s,
        "authgen_version": __version__,
        "has_register": spec.has("register"),
        "has_forgot_password": spec.has("forgot_password"),
        **lifecycle(spec),
        **oidc_context(spec),
        **asdict(features(spec)),
        **publishing(spec),
        "login_inputs": _plain(login_inputs(spec)),
        "register_inputs": _plain(form_inputs(spec, "register")),
        "forgot_inputs": _plain(form_inputs(spec, "forgot_password")),
        "admin_roles": list(spec.mapping.admin_roles),
        "staff_roles": list(spec.mapping.staff_roles),
        "fixtures": fixtures,
        "guard_role": guard_role(fixtures),
        "messages": catalogue(),
        "_extensions": ["generator.jinja.AuthgenExtension"],
    }
    printed = _plain(language(target.language).context(spec, test_settings(spec.data), names))
    framework = {}
    if target.framework_module:
        framework = _plain(importlib.import_module(f"generator.targets.{target.framework_module}").context(spec))
    return merge(
        ("the shared context", shared),
        ("the template's options", template_options(target)),
        ("the target's names", names),
        (f"the {target.language} emitter", printed),
        (f"the {target.name} module", framework),
    )


def publishing(spec: Spec) -> dict[str, Any]:
    """What each package's metadata says about it when published (``[package]``), the same in every ecosystem."""
    package = spec.package
    license_ = LICENSES[package.license]
    return {
        "package_version": package.version,
        "license": license_.spdx,
        "license_name": license_.name,
        "license_url": license_.url,
        "copyright": package.holder(spec.service.name),
        "authors": [{"name": a.name, "email": a.email} for a in package.authors],
        "repository": package.repository,
    }


def lifecycle(spec: Spec) -> dict[str, Any]:
    """What the templates need to know about the session lifecycle operations the spec has.

    ``has_<operation>`` for each; the query parameter of the emailed reset
    and verification links; whether the service session carries a deadline
    (``expires_at``, from an extracted ``expires_in``).
    """
    out: dict[str, Any] = {f"has_{name}": spec.has(name) for name in LIFECYCLE}
    out["reset_token_query"] = _token_query(spec, "reset_password")
    out["verify_token_query"] = _token_query(spec, "verify_email")
    out["session_expires"] = any(spec.operations[name].expires for name in ("login", "refresh") if spec.has(name))
    out["reset_inputs"] = _plain(lifecycle_inputs(spec, "reset_password"))
    out["change_password_inputs"] = _plain(lifecycle_inputs(spec, "change_password"))
    return out


def _token_query(spec: Spec, name: str) -> str | None:
    return spec.operations[name].token_query if spec.has(name) else None


class DuplicateContextKeyError(ValueError):
    """Two parts of a target's context define the same key.

    A bug in authgen, never caused by a user's spec (hence not an
    ``AuthgenError``, and shown with its traceback): one part would silently
    replace another's value, as the Express emitter once replaced the shared
    ``guard_role``.
    """

    def __init__(self, *, key: str, first: str, second: str) -> None:
        super().__init__(f"context key {key!r} is defined by both {first} and {second}")


def merge(*parts: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """One dict from named parts, refusing a key that two parts define.

    :param parts: ``(who defines it, its keys)`` pairs, in the order the context lists them.
    :raises DuplicateContextKeyError: for a key two parts define.
    """
    out: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for who, part in parts:
        for key, value in part.items():
            if key in out:
                raise DuplicateContextKeyError(key=key, first=owner[key], second=who)
            out[key] = value
            owner[key] = who
    return out


def template_options(target: Target) -> dict[str, Any]:
    """The cookiecutter options (``_copy_without_render`` ...) the template declares."""
    config = json.loads((target.template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    return {k: v for k, v in config.items() if k.startswith("_") and k != "_extensions"}


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists: data Jinja and JSON both read."""
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
