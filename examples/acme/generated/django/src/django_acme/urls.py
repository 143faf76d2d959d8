"""The integration's routes, to ``include()`` under a prefix: ``path("auth/", include("django_acme.urls"))``."""

from django.urls import path

from . import views

app_name = "acme"

urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("me", views.MeView.as_view(), name="me"),
    path("csrf", views.CsrfView.as_view(), name="csrf"),
    path("register", views.RegisterView.as_view(), name="register"),
    path("forgot", views.ForgotPasswordView.as_view(), name="forgot"),
]
