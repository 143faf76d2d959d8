{#- A form field; the first of a form has the focus when its page opens, as the login form's username. -#}
{%- macro field(input, first) -%}
{%- if input.html_type == "email" -%}
forms.EmailField(
        label={{ input.label | py }},
{%- if input.required is defined and not input.required %}
        required=False,
{%- endif %}
        max_length=defaults.MAX_INPUT_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": {{ input.autocomplete | py }}{% if first %}, "autofocus": True{% endif %}}),
    )
{%- elif input.html_type == "password" -%}
forms.CharField(
        label={{ input.label | py }},
        max_length=defaults.MAX_INPUT_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": {{ input.autocomplete | py }}{% if first %}, "autofocus": True{% endif %}}),
    )
{%- else -%}
forms.CharField(
        label={{ input.label | py }},
{%- if input.required is defined and not input.required %}
        required=False,
{%- endif %}
        max_length=defaults.MAX_INPUT_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": {{ input.autocomplete | py }}{% if first %}, "autofocus": True{% endif %}}),
    )
{%- endif -%}
{%- endmacro -%}
"""The forms of the integration's pages.

JSON posts are checked by the same forms, so browsers and API clients get
the same rules. The pages render every field of a form, so a field added
here shows up on its page.
"""

from __future__ import annotations

from typing import Any

{%- if cookiecutter.has_register or cookiecutter.has_forgot_password or cookiecutter.has_reset_password or cookiecutter.has_verify_email or cookiecutter.has_change_password %}
from django import forms
{%- endif %}
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from . import defaults, throttle
from .errors import {{ ["AccountDisabled", cookiecutter.class_name ~ "Error", "InvalidCredentials"] | sort | join(", ") }}
from .responses import MESSAGES{% if cookiecutter.new_passwords %}, PASSWORDS_DIFFER{% endif %}


class LoginForm(AuthenticationForm):
    """Sign in with {{ cookiecutter.service_name | pydoc }}: Django's login form, with the service's errors.

    An error of the service (disabled account, service down) is kept in
    :attr:`service_error`, so the view can answer with its status.
    """

    error_messages = {
        "invalid_login": InvalidCredentials.public_message,
        "inactive": AccountDisabled.public_message,
        "too_many_attempts": MESSAGES["too_many_attempts"],
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The error of the service that refused the sign-in, if one did.
        self.service_error: {{ cookiecutter.class_name }}Error | None = None
        #: Seconds until this username or client may try again, when too many sign-ins failed (see :mod:`.throttle`).
        self.retry_after: int | None = None
        username = self.fields["username"]
        username.label = {{ cookiecutter.login_inputs[0].label | py }}
        username.widget.input_type = {{ cookiecutter.login_inputs[0].html_type | py }}
        username.widget.attrs["maxlength"] = str(defaults.MAX_INPUT_LENGTH)
        for name in ("username", "password"):
            self.fields[name].validators.append(MaxLengthValidator(defaults.MAX_INPUT_LENGTH))

    def clean(self) -> dict[str, Any]:
        if self.request is not None:
            self.retry_after = throttle.retry_after(self.request, self.posted_username())
            if self.retry_after is not None:  # refused before the service is asked
                raise ValidationError(self.error_messages["too_many_attempts"], code="too_many_attempts")
        try:
            return super().clean()
        except {{ cookiecutter.class_name }}Error as err:
            self.service_error = err
            raise ValidationError(err.public_message, code=err.code) from None

    def posted_username(self) -> str:
        """The username as posted: the throttle counts it whether or not the account exists."""
        username = self.data.get("username")
        return username if isinstance(username, str) else ""
{% if cookiecutter.has_register %}

class RegisterForm(forms.Form):
    """Create an account at {{ cookiecutter.service_name | pydoc }}."""
{% for input in cookiecutter.register_inputs %}
    {{ input.name }} = {{ field(input, loop.first) }}
{%- endfor %}
{% endif %}
{%- if cookiecutter.has_forgot_password %}

class ForgotPasswordForm(forms.Form):
    """Ask {{ cookiecutter.service_name | pydoc }} to send a password reset message."""
{% for input in cookiecutter.forgot_inputs %}
    {{ input.name }} = {{ field(input, loop.first) }}
{%- endfor %}
{% endif %}
{%- if cookiecutter.new_passwords %}

class NewPasswordForm(forms.Form):
    """A form that asks for a new password twice; the second must be the same, checked before the service is asked.

    The password policy is the service's: Django's ``AUTH_PASSWORD_VALIDATORS``
    are for passwords Django keeps, and the service keeps these.
    """

    #: The field of the new password, and the field that repeats it.
    password_fields: tuple[str, str]

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        first, second = (cleaned.get(name) for name in self.password_fields)
        if first and second and first != second:
            self.add_error(self.password_fields[1], ValidationError(PASSWORDS_DIFFER, code="password_mismatch"))
        return cleaned
{% endif %}
{%- if cookiecutter.email_links %}

def token_field() -> forms.CharField:
    """The token of a link in the service's email, carried from the link's page to its form post."""
    return forms.CharField(max_length=defaults.MAX_INPUT_LENGTH, widget=forms.HiddenInput)
{% endif %}
{%- if cookiecutter.has_reset_password %}

class ResetPasswordForm(NewPasswordForm):
    """Choose a new password with the token of the link in the password reset message."""

    token = token_field()
{%- for input in cookiecutter.reset_inputs %}
    {{ input.name }} = {{ field(input, loop.first) }}
{%- endfor %}
    password_fields = ("password", "password_confirm")
{% endif %}
{%- if cookiecutter.has_verify_email %}

class VerifyEmailForm(forms.Form):
    """Confirm an email address with the token of the link in the verification message."""

    token = token_field()
{% endif %}
{%- if cookiecutter.has_change_password %}

class ChangePasswordForm(NewPasswordForm):
    """Change the signed-in user's password: the current one, then the new one twice."""

{%- for input in cookiecutter.change_password_inputs %}
    {{ input.name }} = {{ field(input, loop.first) }}
{%- endfor %}
    password_fields = ("new_password", "new_password_confirm")
{% endif %}
