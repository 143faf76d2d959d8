"""The example project's routes: the integration under ``/auth/``, a page for users, a page for admins."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin", views.admin_area, name="admin"),
    path("auth/", include("django_acme.urls")),
    # Django's own admin; staff and superusers come from the service's roles.
    path("django-admin/", admin.site.urls),
]

# A server error: API clients get the JSON error body too, browsers Django's 500 page (templates/500.html).
handler500 = "django_acme.views.server_error"
