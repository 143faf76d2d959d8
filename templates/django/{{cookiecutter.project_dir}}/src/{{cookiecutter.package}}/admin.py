"""The profiles in Django's admin, read-only: the service owns them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from .models import {{ cookiecutter.class_name }}Profile

if TYPE_CHECKING:
    ProfileAdminBase = admin.ModelAdmin[{{ cookiecutter.class_name }}Profile]
else:  # ModelAdmin takes no type parameter at run time
    ProfileAdminBase = admin.ModelAdmin


@admin.register({{ cookiecutter.class_name }}Profile)
class {{ cookiecutter.class_name }}ProfileAdmin(ProfileAdminBase):
    list_display = ("service_id", "username", "active", "refreshed_at")
    list_filter = ("active",)
    search_fields = ("service_id", "username")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: {{ cookiecutter.class_name }}Profile | None = None) -> bool:
        return False
