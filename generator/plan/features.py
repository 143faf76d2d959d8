"""Which parts of the contract a spec's operations call for, named once for every template.

The templates used to combine ``has_<operation>`` flags themselves (``has_reset_password
or has_verify_email`` in some thirty places): a decision about the spec, repeated in
every framework's files.  Each combination is named here and tested, and the context
hands the names to the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Spec
from .operations import LIFECYCLE


@dataclass(frozen=True)
class Features:
    """Parts of the HTTP contract the spec's operations call for, beyond one operation each."""

    #: pages an emailed link leads to (reset_password, verify_email): links carry a token
    email_links: bool
    #: the user sets a new password (reset_password, change_password): two fields that must match
    new_passwords: bool
    #: changing the password may refresh an expired service session first (change_password with refresh)
    change_refreshes: bool
    #: a register or forgot-password form has an input the spec marks optional
    optional_form_inputs: bool
    #: any session lifecycle operation (refresh, logout, reset/change password, verify email): smoke cases S18-S22
    session_lifecycle: bool
    #: pages that manage the account beyond signing in (reset_password, verify_email, change_password)
    account_pages: bool
    #: forms anyone fills in without signing in, besides login (register, forgot_password)
    public_forms: bool
    #: a reset link can be asked for by email (reset_password with forgot_password): the tests follow one
    reset_by_email: bool


def features(spec: Spec) -> Features:
    """What ``spec`` calls for."""
    forms = [spec.operations[name] for name in ("register", "forgot_password") if spec.has(name)]
    return Features(
        email_links=spec.has("reset_password") or spec.has("verify_email"),
        new_passwords=spec.has("reset_password") or spec.has("change_password"),
        change_refreshes=spec.has("change_password") and spec.has("refresh"),
        optional_form_inputs=any(op.optional_inputs for op in forms),
        session_lifecycle=any(spec.has(name) for name in LIFECYCLE),
        account_pages=any(spec.has(name) for name in ("reset_password", "verify_email", "change_password")),
        public_forms=spec.has("register") or spec.has("forgot_password"),
        reset_by_email=spec.has("reset_password") and spec.has("forgot_password"),
    )
