{%- macro field(input) -%}
fields.{% if input.html_type == "email" %}EmailField{% elif input.html_type == "password" %}PasswordField{% else %}StringField{% endif %}(
        {{ input.label | py }},
        validators=[{% if input.required is not defined or input.required %}DataRequired(){% else %}Optional(){% endif %}, Length(max=config.MAX_INPUT_LENGTH){% if input.name.endswith("_confirm") %}, EqualTo({{ input.name[:-8] | py }}, message=PASSWORDS_DIFFER){% endif %}],
        render_kw={"autocomplete": {{ input.autocomplete | py }}},
    )
{%- endmacro -%}
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
from wtforms.validators import DataRequired, {% if cookiecutter.new_passwords %}EqualTo, {% endif %}Length{% if cookiecutter.optional_form_inputs %}, Optional{% endif %}

from . import config

FormT = TypeVar("FormT", bound=FlaskForm)
{%- if cookiecutter.new_passwords %}

#: What a form whose two new passwords differ is told; the service is not asked.
PASSWORDS_DIFFER = {{ cookiecutter.messages.passwords_differ | py }}
{%- endif %}


class LoginForm(FlaskForm):
    """Sign in with {{ cookiecutter.service_name | pydoc }}; ``next`` is where to go afterwards."""
{% for input in cookiecutter.login_inputs %}
    {{ input.name }} = {{ field(input) }}
{%- endfor %}
    next = fields.HiddenField()
{% if cookiecutter.has_register %}

class RegisterForm(FlaskForm):
    """Create an account at {{ cookiecutter.service_name | pydoc }}."""
{% for input in cookiecutter.register_inputs %}
    {{ input.name }} = {{ field(input) }}
{%- endfor %}
{% endif %}
{%- if cookiecutter.has_forgot_password %}

class ForgotPasswordForm(FlaskForm):
    """Ask {{ cookiecutter.service_name | pydoc }} to send a password reset message."""
{% for input in cookiecutter.forgot_inputs %}
    {{ input.name }} = {{ field(input) }}
{%- endfor %}
{% endif %}
{%- if cookiecutter.has_reset_password %}

class ResetPasswordForm(FlaskForm):
    """Choose a new password with the token of the link in the reset message."""

    token = fields.HiddenField()
{%- for input in cookiecutter.reset_inputs %}
    {{ input.name }} = {{ field(input) }}
{%- endfor %}
{% endif %}
{%- if cookiecutter.has_change_password %}

class ChangePasswordForm(FlaskForm):
    """Change the signed-in user's password: the current one, and the new one twice."""
{% for input in cookiecutter.change_password_inputs %}
    {{ input.name }} = {{ field(input) }}
{%- endfor %}
{% endif %}
{%- if cookiecutter.has_verify_email %}

class VerifyEmailForm(FlaskForm):
    """Confirm an email address with the token of the link in the verification message."""

    token = fields.HiddenField()
{% endif %}

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
