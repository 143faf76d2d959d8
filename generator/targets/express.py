"""What only the Express target needs: the forms and the imports of its session lifecycle routes.

The shared context says which lifecycle operations the spec has (``has_*``)
and the fields of the reset and change-password forms (``reset_inputs``,
``change_password_inputs``); this module turns them into what the Express
template names: the ``FORMS`` table of ``lib/forms.js``, the forms of the
pages an emailed link leads to, and the names ``lib/routes.js`` and
``lib/auth.js`` import, so that no module imports what it does not use.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .. import expr
from ..lang.js import key, option, string, template_chars
from ..lang.scalars import interpolated
from ..model import Spec
from ..plan.errors import ERROR_CLASSES
from ..plan.forms import form_inputs, lifecycle_inputs, login_inputs

#: The forms of the pages an emailed link leads to, and their operations.
LINK_FORMS = (("reset", "reset_password"), ("verify", "verify_email"))


def context(spec: Spec) -> dict[str, Any]:
    """The Express part of the template context."""
    kinds = {rule.kind for op in spec.operations.values() for step in op.steps for rule in step.errors}
    forms = {
        "login": login_inputs(spec),
        "register": form_inputs(spec, "register"),
        "forgot": form_inputs(spec, "forgot_password"),
        "reset": lifecycle_inputs(spec, "reset_password"),
        "password": lifecycle_inputs(spec, "change_password"),
    }
    return {
        "express_forms": {form: [asdict(field) for field in fields] for form, fields in forms.items()},
        "link_forms": [form for form, operation in LINK_FORMS if spec.has(operation)],
        "login_unverified": "unverified" in kinds,
        "auth_imports": auth_imports(spec, kinds),
        "routes_config_imports": routes_config_imports(spec),
        "routes_errors": routes_errors(spec),
        # `me` answers a failed refresh as the guards do; the change-password page also sends anonymous users away.
        "routes_guards": ["refreshFailed", *(["signInFirst"] if spec.has("change_password") else [])],
        "express_oidc": oidc_context(spec),
    }


def oidc_context(spec: Spec) -> dict[str, Any]:
    """What ``lib/provider.js`` and ``index.js`` print for ``[service.oidc]``: JS expressions; {} for a password spec.

    ``register`` and ``reset`` are template literals of the settings (``settings.service.issuer``,
    ``service.clientId``, ...), or "" when the spec has no such page.
    """
    oidc = spec.oidc
    if oidc is None:
        return {}
    params = ", ".join(f"{key(name)}: {string(value)}" for name, value in oidc.params)
    return {
        "scope": string(" ".join(oidc.scopes)),
        "params": "{ " + params + " }" if params else "{}",
        # the test's checks of the authorize request: each parameter's name and value as JS strings
        "param_pairs": [[string(name), string(value)] for name, value in oidc.params],
        "register": _link(oidc.register_url),
        "reset": _link(oidc.reset_url),
    }


def _link(template: expr.Template | None) -> str:
    """A provider page's URL as a template literal of ``settings.service``; "" for none."""
    if template is None:
        return ""

    def hole(ref: expr.Ref) -> str:
        return "${settings.service." + option(ref.name) + "}"

    return "`" + interpolated(template.parts, template_chars, hole) + "`"


def auth_imports(spec: Spec, kinds: set[str]) -> list[str]:
    """The error classes ``lib/auth.js`` names: sign-in refuses an unverified account only when login can say so."""
    names = [f"{spec.service.class_name}Error", "AccountDisabled", "InvalidCredentials", "ServiceUnavailable"]
    if "unverified" in kinds:
        names.append(ERROR_CLASSES["unverified"])
    return [*names, "UnexpectedAnswer", "UserNotFound"]


def routes_config_imports(spec: Spec) -> list[str]:
    """The constants of ``lib/config.js`` that ``lib/routes.js`` names."""
    names = ["SERVICE_NAME", "STRATEGY"]
    if any(spec.has(operation) for _, operation in LINK_FORMS):
        names.insert(0, "MAX_INPUT_LENGTH")
    if spec.has("reset_password"):
        names.append("RESET_TOKEN_QUERY")
    if spec.has("verify_email"):
        names.append("VERIFY_TOKEN_QUERY")
    return names


def routes_errors(spec: Spec) -> list[str]:
    """The error classes ``lib/routes.js`` names.

    Every route tells the service's errors from the app's own bugs; the
    forgot route also tells unknown users from other failures, and it and the
    lifecycle's forms tell outages (503) from unexpected answers (502).
    """
    # UnexpectedAnswer: a user record the integration cannot read is 502 at sign-in, whatever the spec.
    names = [f"{spec.service.class_name}Error", "InvalidCredentials", "ServiceUnavailable", "UnexpectedAnswer"]
    forms = ("forgot_password", "reset_password", "verify_email", "change_password")
    if any(spec.has(operation) for operation in forms):
        names.append("UnexpectedResponse")
    if spec.has("forgot_password"):
        names.append("UserNotFound")
    return names
