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
from wtforms.validators import DataRequired, Length

from . import config

FormT = TypeVar("FormT", bound=FlaskForm)


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


def from_json(form_class: type[FormT], data: dict[str, Any]) -> FormT:
    """Fill a form from a JSON object, for API clients.

    Only text values count: a number or a list where text is expected reads as
    missing. The CSRF token of a JSON post is checked from its ``X-CSRFToken``
    header by ``CSRFProtect``, so the form does not look for one in the body.
    """
    text = MultiDict({name: value for name, value in data.items() if isinstance(value, str)})
    return form_class(formdata=text, meta={"csrf": False})
