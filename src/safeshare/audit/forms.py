from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from safeshare.accounts.models import User
from safeshare.core.forms import GovUKDateField, GovUKForm


def _viewer_label(user: User) -> str:
    return f"{user.display_name()} ({user.get_role_display()})"


class ViewerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A user id from the list; anything else (a tampered id) gets the same plain error
    rather than Django's message quoting the value back."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class ReportFilterForm(GovUKForm):
    """Filters travel in the query string, which holds only dates and an opaque user id."""

    date_from = GovUKDateField(label="From", past_only=True, required=False)
    date_to = GovUKDateField(label="To", required=False)
    viewer = ViewerField(
        label="Viewed by",
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone",
        to_field_name="pk",
        error_messages={"invalid_choice": "Select a person from the list"},
    )

    def __init__(self, *args: Any, viewers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["viewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = viewers
        field.label_from_instance = _viewer_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError("The ‘To’ date must be the same as or after the ‘From’ date")
        return cleaned
