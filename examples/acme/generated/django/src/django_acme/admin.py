"""The profiles in Django's admin, read-only: the service owns them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from .models import AcmeProfile

if TYPE_CHECKING:
    ProfileAdminBase = admin.ModelAdmin[AcmeProfile]
else:  # ModelAdmin takes no type parameter at run time
    ProfileAdminBase = admin.ModelAdmin


@admin.register(AcmeProfile)
class AcmeProfileAdmin(ProfileAdminBase):
    list_display = ("service_id", "username", "active", "refreshed_at")
    list_filter = ("active",)
    search_fields = ("service_id", "username")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AcmeProfile | None = None) -> bool:
        return False
