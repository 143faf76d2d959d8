"""The forms of the integration's pages, with Flask-WTF.

JSON posts are checked by the same forms (built by :func:`from_json`), so
browsers and API clients get the same rules. The pages render every field
of a form, so a field added here shows up on its page.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import fields
from wtforms.validators import DataRequired, EqualTo, Length

from . import config

FormT = TypeVar("FormT", bound=FlaskForm)

#: What a form whose two new passwords differ is told; the service is not asked.
PASSWORDS_DIFFER = "The two passwords do not match."


class LoginForm(FlaskForm):
    """Sign in with Acme Identity; ``next`` is where to go afterwards."""

    username = fields.EmailField(
        "Email",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "username"},
    )
    password = fields.PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = fields.HiddenField()


class RegisterForm(FlaskForm):
    """Create an account at Acme Identity."""

    email = fields.EmailField(
        "Email",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "email"},
    )
    password = fields.PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    first_name = fields.StringField(
        "First name",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "given-name"},
    )
    last_name = fields.StringField(
        "Last name",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "family-name"},
    )


class ForgotPasswordForm(FlaskForm):
    """Ask Acme Identity to send a password reset message."""

    email = fields.EmailField(
        "Email",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    """Choose a new password with the token of the link in the reset message."""

    token = fields.HiddenField()
    password = fields.PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = fields.PasswordField(
        "New password, again",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH), EqualTo("password", message=PASSWORDS_DIFFER)],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    """Change the signed-in user's password: the current one, and the new one twice."""

    current_password = fields.PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = fields.PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=config.MAX_INPUT_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_confirm = fields.PasswordField(
        "New password, again",
        validators=[
            DataRequired(),
            Length(max=config.MAX_INPUT_LENGTH),
            EqualTo("new_password", message=PASSWORDS_DIFFER),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class VerifyEmailForm(FlaskForm):
    """Confirm an email address with the token of the link in the verification message."""

    token = fields.HiddenField()


def text(field: fields.StringField) -> str:
    """The text of a field of a form that validated.

    WTForms types ``data`` as ``str | None``; a required field that validated
    has text, and an optional one left empty reads as "".
    """
    return field.data or ""


def from_json(form_class: type[FormT], data: dict[str, Any]) -> FormT:
    """Fill a form from a JSON object, for API clients.

    Only text values count: a number or a list where text is expected reads as
    missing. The CSRF token of a JSON post is checked from its ``X-CSRFToken``
    header by ``CSRFProtect``, so the form does not look for one in the body.
    """
    text = MultiDict({name: value for name, value in data.items() if isinstance(value, str)})
    form: FormT = form_class(formdata=text, meta={"csrf": False})
    return form
