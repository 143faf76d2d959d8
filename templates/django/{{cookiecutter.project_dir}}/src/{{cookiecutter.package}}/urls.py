"""The integration's routes, to ``include()`` under a prefix: ``path("auth/", include("{{ cookiecutter.package }}.urls"))``.

Each route answers with and without a trailing slash (``login`` and
``login/``), so the habit of Django projects works too; ``reverse()`` gives
the form without one. Both are answered, not redirected, so a POST stays a POST.
"""

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, re_path

from . import views

app_name = {{ cookiecutter.slug | py }}


def route(pattern: str, view: Callable[..., Any], *, name: str) -> URLPattern:
    """The route ``pattern``, with or without a trailing slash."""
    return re_path(rf"^{pattern}/?$", view, name=name)


urlpatterns = [
    route("login", views.LoginView.as_view(), name="login"),
{%- if cookiecutter.is_oidc %}
    route("callback", views.CallbackView.as_view(), name="callback"),
{%- endif %}
    route("logout", views.LogoutView.as_view(), name="logout"),
    route("me", views.MeView.as_view(), name="me"),
    route("csrf", views.CsrfView.as_view(), name="csrf"),
{%- if cookiecutter.has_register %}
    route("register", views.RegisterView.as_view(), name="register"),
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
    route("forgot", views.ForgotPasswordView.as_view(), name="forgot"),
{%- endif %}
{%- if cookiecutter.has_reset_password %}
    route("reset", views.ResetPasswordView.as_view(), name="reset"),
{%- endif %}
{%- if cookiecutter.has_verify_email %}
    route("verify", views.VerifyEmailView.as_view(), name="verify"),
{%- endif %}
{%- if cookiecutter.has_change_password %}
    route("password", views.ChangePasswordView.as_view(), name="password"),
{%- endif %}
]
