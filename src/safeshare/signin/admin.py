from __future__ import annotations

# Imported first so that their registrations exist to be undone below: device secrets and
# raw sign-in attempts are not for browsing in the admin.
import django_otp.plugins.otp_static.admin
import django_otp.plugins.otp_totp.admin  # noqa: F401
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.accounts.http import signed_in, user_of
from safeshare.accounts.models import Organisation, User
from safeshare.accounts.permissions import can_administer
from safeshare.signin import actions


def _administers(request: HttpRequest) -> bool:
    user = user_of(request)
    return user is not None and can_administer(user)


for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class AdministratorsOnlySite(admin.AdminSite):
    """Django admin is for administrators only: staff status alone is not enough."""

    site_header = "safeshare administration"
    site_title = "safeshare administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return _administers(request)


admin.site.__class__ = AdministratorsOnlySite
admin.site.site_header = AdministratorsOnlySite.site_header
admin.site.site_title = AdministratorsOnlySite.site_title


class AdministratorsManage:
    """The administrator role is what grants these pages, not Django's per-model
    permissions. Nothing is deleted: accounts are disabled, organisations kept for the
    records that name them."""

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return _administers(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return _administers(request)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return _administers(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _administers(request)


# The client secret itself is never here: only where to read it (issue 18).
SINGLE_SIGN_ON_FIELDS = (
    "sso_issuer",
    "sso_client_id",
    "sso_client_secret_env",
    "sso_client_secret_file",
    "sso_trust_mfa",
    "sso_trusted_acr",
    "sso_only",
)


@admin.register(Organisation)
class OrganisationAdmin(AdministratorsManage, admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind", "public_authority")
    list_filter = ("kind", "public_authority")
    search_fields = ("name",)

    def get_fields(self, request: HttpRequest, obj: Organisation | None = None) -> tuple[str, ...]:
        # A new organisation takes the default for its kind (Organisation.save); once it
        # exists, an administrator can say otherwise (an independent school, say).
        if obj is None:
            return ("name", "kind")
        return ("name", "kind", "public_authority", *SINGLE_SIGN_ON_FIELDS)

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm[Organisation], change: bool
    ) -> None:
        # The admin's change view runs in one transaction: the row and its ledger entry
        # commit together.
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            actions.organisation_saved(
                actor=signed_in(request),
                organisation=obj,
                created=not change,
                changed=form.changed_data,
            )


@admin.register(User)
class UserAdmin(AdministratorsManage, DjangoUserAdmin[User]):
    list_display = ("username", "first_name", "last_name", "organisation", "role", "is_active")
    list_filter = ("organisation", "role", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("safeshare", {"fields": ("organisation", "role", "job_title", "oidc_subject")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("safeshare", {"fields": ("organisation", "role", "first_name", "last_name", "email")}),
    )
    actions = ["disable_accounts", "reset_second_factor", "sign_out_everywhere"]

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        actions.user_saved(
            actor=signed_in(request), user=obj, created=not change, changed=form.changed_data
        )

    @admin.action(description="Disable the selected accounts and sign them out")
    def disable_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            actions.set_active(actor=signed_in(request), user=user, active=False)
        self.message_user(request, f"{queryset.count()} accounts disabled", messages.SUCCESS)

    @admin.action(description="Reset the second factor (lost phone) and sign them out")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            actions.reset_second_factor(actor=signed_in(request), user=user)
        self.message_user(
            request,
            f"{queryset.count()} users will set up a new authenticator app at next sign-in",
            messages.SUCCESS,
        )

    @admin.action(description="Sign out on every device")
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            actions.end_all_sessions(actor=signed_in(request), user=user)
        self.message_user(request, f"{queryset.count()} users signed out", messages.SUCCESS)
