"""The inputs of the HTML forms: which fields, labelled how, typed how.

Every target renders the same forms; deciding their fields here keeps
the Flask, Django, Express and ASP.NET Core pages asking for the same things
with the same labels and browser autocomplete hints.  The login, password
reset and change-password forms are fixed by the HTTP contract; the register
and forgot-password forms ask for what the spec's steps send.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Spec

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


@dataclass(frozen=True)
class FormInput:
    """One ``<input>`` of a form."""

    #: the input the operation reads (``input.<name>``), also the form field's name.
    name: str
    label: str
    #: the ``type`` attribute: ``text``, ``email`` or ``password``.
    html_type: str
    #: the ``autocomplete`` attribute, so password managers fill the right field.
    autocomplete: str
    #: False for an input the spec marks ``optional = true``: the page renders it without ``required``,
    #: and the client leaves it out of the request when it is empty.
    required: bool = True


def login_inputs(spec: Spec) -> tuple[FormInput, ...]:
    """The login form's two fields; the first is labelled after what users sign in with."""
    by_email = spec.field(spec.mapping.username).type == "email"
    return (
        FormInput("username", "Email" if by_email else "Username", "email" if by_email else "text", "username"),
        FormInput("password", "Password", "password", "current-password"),
    )


#: The visible fields of the password reset page (the token rides in a hidden field), per the HTTP contract.
RESET_FORM = (
    FormInput("password", "New password", "password", "new-password"),
    FormInput("password_confirm", "New password, again", "password", "new-password"),
)

#: The fields of the change-password page, per the HTTP contract.
CHANGE_PASSWORD_FORM = (
    FormInput("current_password", "Current password", "password", "current-password"),
    FormInput("new_password", "New password", "password", "new-password"),
    FormInput("new_password_confirm", "New password, again", "password", "new-password"),
)


def lifecycle_inputs(spec: Spec, operation: str) -> tuple[FormInput, ...]:
    """The fields of the reset_password or change_password page; none when the spec lacks the operation.

    The ``*_confirm`` field is checked by the integration (the two passwords
    must match) and never sent to the service.
    """
    if not spec.has(operation):
        return ()
    return {"reset_password": RESET_FORM, "change_password": CHANGE_PASSWORD_FORM}[operation]


def form_inputs(spec: Spec, operation: str) -> tuple[FormInput, ...]:
    """The fields of the register or forgot-password form: the inputs its steps read, in order.

    An operation the spec does not describe has no form, hence no fields.
    """
    if not spec.has(operation):
        return ()
    op = spec.operations[operation]
    fields = (_input(name, new=operation == "register") for name in op.inputs)
    return tuple(replace(f, required=False) if f.name in op.optional_inputs else f for f in fields)


def _input(name: str, *, new: bool) -> FormInput:
    """A field typed after its name: passwords (new or current), e-mail addresses, then text."""
    if "password" in name:
        return FormInput(name, label(name), "password", "new-password" if new else "current-password")
    if "email" in name:
        return FormInput(name, label(name), "email", "email")
    return FormInput(name, label(name), "text", AUTOCOMPLETE.get(name, "off"))


def label(name: str) -> str:
    """``First name`` for ``first_name``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# -- how the generated tests fill the forms -----------------------------------------------------


def register_kinds(spec: Spec) -> tuple[tuple[str, str], ...]:
    """How a test fills each register input: ``(input, kind)``, in the form's order.

    ``kind`` is ``password`` (the test's password), ``email`` (a fresh
    address; also a ``username`` that is the user's e-mail address) or
    ``text``: the conformance kit's rules, read by name.  Empty without a register operation.
    """
    if not spec.has("register"):
        return ()
    username_is_email = spec.field(spec.mapping.username).type == "email"
    out = []
    for name in spec.operations["register"].inputs:
        if "password" in name:
            out.append((name, "password"))
        elif "email" in name or (name == "username" and username_is_email):
            out.append((name, "email"))
        else:
            out.append((name, "text"))
    return tuple(out)


def register_username(spec: Spec) -> str | None:
    """The register input a new account then signs in with, when one can tell; else None.

    ``username`` when register asks for one; else, when users sign in with
    their e-mail address, the first e-mail input.
    """
    kinds = dict(register_kinds(spec))
    if "username" in kinds:
        return "username"
    if spec.has("register") and spec.field(spec.mapping.username).type == "email":
        return next((name for name, kind in kinds.items() if kind == "email"), None)
    return None


def forgot_values(spec: Spec, users: list[dict]) -> dict[str, str]:
    """The forgot-password inputs naming the plain fixture user: its e-mail address (or username), or its username.

    :param users: the fixture users (:func:`generator.fake.fixtures.fixture_users`).
    """
    if not spec.has("forgot_password"):
        return {}
    user = next(u for u in users if u["key"] == "user")
    email = str(user["expected"].get("email") or user["username"])
    return {name: email if "email" in name else user["username"] for name in spec.operations["forgot_password"].inputs}
