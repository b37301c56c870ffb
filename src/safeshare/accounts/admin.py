from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from safeshare.accounts.models import Organisation, User
from safeshare.accounts.permissions import can_administer


class AdministratorsOnlySite(admin.AdminSite):
    """Django admin is for administrators only: staff status alone is not enough."""

    site_header = "safeshare administration"
    site_title = "safeshare administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)


admin.site.__class__ = AdministratorsOnlySite
admin.site.site_header = AdministratorsOnlySite.site_header
admin.site.site_title = AdministratorsOnlySite.site_title


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "first_name", "last_name", "organisation", "role", "is_active")
    list_filter = ("organisation", "role", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("safeshare", {"fields": ("organisation", "role", "job_title")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("safeshare", {"fields": ("organisation", "role", "first_name", "last_name", "email")}),
    )
