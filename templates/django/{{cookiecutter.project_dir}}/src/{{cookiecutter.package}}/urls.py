"""The integration's routes, to ``include()`` under a prefix: ``path("auth/", include("{{ cookiecutter.package }}.urls"))``."""

from django.urls import path

from . import views

app_name = {{ cookiecutter.slug | py }}

urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("me", views.MeView.as_view(), name="me"),
    path("csrf", views.CsrfView.as_view(), name="csrf"),
{%- if cookiecutter.has_register %}
    path("register", views.RegisterView.as_view(), name="register"),
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
    path("forgot", views.ForgotPasswordView.as_view(), name="forgot"),
{%- endif %}
{%- if cookiecutter.has_reset_password %}
    path("reset", views.ResetPasswordView.as_view(), name="reset"),
{%- endif %}
{%- if cookiecutter.has_verify_email %}
    path("verify", views.VerifyEmailView.as_view(), name="verify"),
{%- endif %}
{%- if cookiecutter.has_change_password %}
    path("password", views.ChangePasswordView.as_view(), name="password"),
{%- endif %}
]
