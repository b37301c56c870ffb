from django.contrib import admin

from safeshare.vocabulary.models import Purpose


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin[Purpose]):
    """The partnership's list of purposes. Decisions themselves are case content and are not
    in the admin: administrators do not see case records (docs/permissions.md)."""

    list_display = ("name", "position", "active")
    list_editable = ("position", "active")
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Decisions refer to their purpose for ever: retire a purpose instead of deleting it.
        return False
