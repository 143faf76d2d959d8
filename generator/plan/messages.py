"""The words the integrations show their users, once for every target.

Every target answers the same event with the same text: the ``message`` of a
JSON error body, the alert on a page, the confirmation after a form, the page
that says a form expired. Templates never spell a user-facing sentence
themselves; they take it from ``cookiecutter.messages`` (see
:func:`catalogue`) through their language's literal filter (``| py``,
``| js``, ``| java``, ``| cs``) or ``| html``, so a change of wording here
reaches all five targets and the HTTP contract names the same texts
(``docs/http-contract.md``).

Dates and times a user or a JSON body sees have one format too:
:data:`DATE_FORMAT`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

#: The ``message`` of each JSON error body, by its ``error.code``; pages show the same text.
#: ``invalid_input`` and ``password_policy`` give way to the service's own message when a rule passes it on.
ERRORS: dict[str, str] = {
    "invalid_credentials": "Invalid username or password.",
    "account_disabled": "This account is disabled.",
    "user_not_found": "No such user.",
    "conflict": "An account with these details already exists.",
    "invalid_input": "Some of the details are missing or not valid.",
    "service_unavailable": "The identity service is unavailable. Please try again later.",
    "expired": "Your session has expired. Please sign in again.",
    "invalid_token": "This link is not valid or was already used. Ask for a new one.",
    "expired_token": "This link has expired. Ask for a new one.",
    "password_policy": "The new password does not meet the password policy.",
    "unverified": "Verify your email address first: use the link we sent you.",
    "failed": "The identity service answered something unexpected.",
    "unauthorized": "Sign in to continue.",
    "forbidden": "You do not have access to this page.",
    "csrf_failed": "This form has expired. Open it again and resend it.",
    "not_acceptable": "This route cannot answer in a format the client accepts.",
    "method_not_allowed": "This route does not answer this HTTP method.",
    "unsupported_media_type": "Send application/json or an HTML form (application/x-www-form-urlencoded).",
    "too_many_attempts": "Too many failed sign-in attempts. Try again later.",
}

#: The error messages only an integration that signs in through an OpenID provider (``[service.oidc]``)
#: says, by code: the callback could not complete the sign-in (a wrong or missing ``state``, a code used
#: twice, an ID token that fails its checks: 400), or the provider answered ``error=access_denied``
#: (the user cancelled, or the provider refused them: 400 too). A provider that is down is
#: ``service_unavailable`` like any service.
OIDC_ERRORS: dict[str, str] = {
    "sign_in_failed": "The sign-in could not be completed. Please sign in again.",
    "access_denied": "The identity provider did not sign you in.",
}

#: The other words: messages with a code of their own above but a more precise text, page titles,
#: confirmations and link labels that targets used to word differently.
TEXTS: dict[str, str] = {
    # messages of the codes above, for a more precise cause
    "incomplete_link": "This link is incomplete. Use the link in the email, or ask for a new one.",
    "passwords_differ": "The two passwords do not match.",
    "wrong_current_password": "Your current password is not correct.",
    "body_not_json": "The body is not a valid JSON object.",
    "body_too_large": "The body is too large.",
    "body_not_utf8": "Send the body in UTF-8.",
    "internal_error": "Something went wrong on our side. Please try again later.",
    # confirmations
    "registered": "Your account is ready. Sign in to continue.",
    "forgot_sent": "If an account exists for these details, a message with a link to reset the password is on its way.",
    "reset_done": "Your password has been changed. You can sign in now.",
    "verified": "Your email address is verified. You can sign in now.",
    "password_changed": "Your password has been changed.",
    # page titles and links
    "error_title": "Something went wrong",
    "forbidden_title": "Access denied",
    "csrf_title": "Form expired",
    "csrf_retry": "Open the form again",
    "forgot_sent_title": "Check your email",
    # labels and lines of the pages that targets worded differently
    "home_link": "Go to the home page",
    "other_account": "Sign in with another account",
    "change_password_button": "Change password",
    "forgot_intro": "Enter the details of your account and we will send you a link to choose a new password.",
}

#: How a date-time reaches a user or a JSON body in every target: ISO 8601 in UTC, to the second,
#: with the offset written out (``2024-03-05T09:30:00+00:00``), whatever offset or precision the
#: service sent. ``+00:00`` rather than ``Z`` because it is what Python's ``isoformat`` writes.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S+00:00"

#: :data:`DATE_FORMAT` as a regular expression, for the tests that check it.
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$"


def format_date(value: datetime) -> str:
    """``value`` as every integration shows it (:data:`DATE_FORMAT`); a naive value counts as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(DATE_FORMAT)


def catalogue() -> dict[str, Any]:
    """The templates' ``messages``: ``messages.error[<code>]`` and ``messages[<text>]``."""
    return {"error": {**ERRORS, **OIDC_ERRORS}, **TEXTS}


__all__ = ["DATE_FORMAT", "DATE_PATTERN", "ERRORS", "OIDC_ERRORS", "TEXTS", "catalogue", "format_date"]
