"""The integration's routes, to ``include()`` under a prefix: ``path("auth/", include("django_acme.urls"))``.

Each route answers with and without a trailing slash (``login`` and
``login/``), so the habit of Django projects works too; ``reverse()`` gives
the form without one. Both are answered, not redirected, so a POST stays a POST.
"""

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, re_path

from . import views

app_name = "acme"


def route(pattern: str, view: Callable[..., Any], *, name: str) -> URLPattern:
    """The route ``pattern``, with or without a trailing slash."""
    return re_path(rf"^{pattern}/?$", view, name=name)


urlpatterns = [
    route("login", views.LoginView.as_view(), name="login"),
    route("logout", views.LogoutView.as_view(), name="logout"),
    route("me", views.MeView.as_view(), name="me"),
    route("csrf", views.CsrfView.as_view(), name="csrf"),
    route("register", views.RegisterView.as_view(), name="register"),
    route("forgot", views.ForgotPasswordView.as_view(), name="forgot"),
    route("reset", views.ResetPasswordView.as_view(), name="reset"),
    route("verify", views.VerifyEmailView.as_view(), name="verify"),
    route("password", views.ChangePasswordView.as_view(), name="password"),
]
