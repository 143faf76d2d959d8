"""What only the Express target needs: the session lifecycle's error classes and forms.

The JavaScript client raises one error class per error kind (named by
:data:`generator.plan.errors.ERROR_CLASSES`); the kinds of the session
lifecycle exist in ``lib/errors.js`` only when the spec's rules use them, each
with the status the routes answer it with (docs/http-contract.md, "Session
lifecycle"). The forms of the reset and change-password pages are fixed by
the HTTP contract, not by the spec's inputs: their fields are listed here, in
the shape of the other forms (:class:`generator.plan.forms.FormInput`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..model import Spec
from ..plan.errors import ERROR_CLASSES
from ..plan.forms import FormInput, form_inputs, login_inputs


@dataclass(frozen=True)
class LifecycleError:
    """An error class of ``lib/errors.js`` beside the ones every package has."""

    name: str
    code: str
    #: the HTTP status the routes answer with.
    status: int
    doc: str


#: The lifecycle's error kinds: their status, and what each means (the class's doc comment).
LIFECYCLE_KINDS: dict[str, tuple[int, str]] = {
    "expired": (401, "The access token has expired: the integration refreshes it and asks again."),
    "invalid_token": (400, "The link's token is not valid, or was already used."),
    "expired_token": (400, "The link's token has expired."),
    "password_policy": (422, "The new password does not meet the service's password policy."),
    "unverified": (403, "The account's email address is not verified yet: sign-in is refused."),
}

#: The fields of the lifecycle's forms, by form (the token of a link travels in a hidden field).
NEW_PASSWORD = FormInput("password", "New password", "password", "new-password")
LIFECYCLE_FORMS: dict[str, tuple[str, tuple[FormInput, ...]]] = {
    "reset": (
        "reset_password",
        (NEW_PASSWORD, FormInput("password_confirm", "Repeat the new password", "password", "new-password")),
    ),
    "password": (
        "change_password",
        (
            FormInput("current_password", "Current password", "password", "current-password"),
            FormInput("new_password", "New password", "password", "new-password"),
            FormInput("new_password_confirm", "Repeat the new password", "password", "new-password"),
        ),
    ),
}


def context(spec: Spec) -> dict[str, Any]:
    """The Express part of the template context."""
    kinds = {rule.kind for op in spec.operations.values() for step in op.steps for rule in step.errors}
    errors = [
        LifecycleError(ERROR_CLASSES[kind], kind, status, doc)
        for kind, (status, doc) in LIFECYCLE_KINDS.items()
        if kind in kinds
    ]
    forms = {
        "login": login_inputs(spec),
        "register": form_inputs(spec, "register"),
        "forgot": form_inputs(spec, "forgot_password"),
    }
    forms.update({form: fields if spec.has(op) else () for form, (op, fields) in LIFECYCLE_FORMS.items()})
    auth_imports = [f"{spec.service.class_name}Error", "AccountDisabled", "InvalidCredentials", "ServiceUnavailable"]
    if "unverified" in kinds:
        auth_imports.append(ERROR_CLASSES["unverified"])
    auth_imports.append("UserNotFound")
    classes = [f"{spec.service.class_name}Error", "InvalidCredentials", "AccountDisabled", "UserNotFound"]
    classes += ["Conflict", "InvalidInput", *(e.name for e in errors)]
    classes += ["ServiceUnavailable", "UnexpectedResponse", "ConfigurationError"]
    return {
        "error_classes": classes,
        "routes_config_imports": routes_config_imports(spec),
        "routes_errors": routes_errors(spec),
        "link_forms": [form for form, op in (("reset", "reset_password"), ("verify", "verify_email")) if spec.has(op)],
        "lifecycle_errors": [asdict(error) for error in errors],
        "express_forms": {form: [asdict(field) for field in fields] for form, fields in forms.items()},
        "auth_imports": auth_imports,
        "login_unverified": "unverified" in kinds,
        "service_messages": any(
            getattr(rule, "message", None) for op in spec.operations.values() for step in op.steps for rule in step.errors
        ),
        # TEMPORARY until h-life-spec's context has them:
        **{f"has_{op}": spec.has(op) for op in ("refresh", "logout", "reset_password", "change_password", "verify_email")},
        "reset_token_query": "token",
        "verify_token_query": "token",
    }


def links(spec: Spec) -> bool:
    """Whether the package has pages an emailed link leads to (reset, verify)."""
    return spec.has("reset_password") or spec.has("verify_email")


def routes_config_imports(spec: Spec) -> list[str]:
    """The constants of ``lib/config.js`` that ``lib/routes.js`` names."""
    names = ["SERVICE_NAME", "STRATEGY"]
    if links(spec):
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
    names = [f"{spec.service.class_name}Error", "InvalidCredentials", "ServiceUnavailable"]
    forms = ("forgot_password", "reset_password", "verify_email", "change_password")
    if any(spec.has(op) for op in forms):
        names.append("UnexpectedResponse")
    if spec.has("forgot_password"):
        names.append("UserNotFound")
    return names
