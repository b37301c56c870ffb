from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django import forms

from safeshare.core.forms import GovUKDateField, GovUKForm

# The month table has a row a month: a longer period is a spreadsheet, not a page.
LONGEST_PERIOD_YEARS = 5


class FiguresFilterForm(GovUKForm):
    """The period and, for the partnership auditor, one agency. Only dates and an
    organisation's id travel in the query string."""

    date_from = GovUKDateField(label="From", past_only=True, required=False)
    date_to = GovUKDateField(label="To", required=False)
    agency = forms.TypedChoiceField(
        label="Agency",
        required=False,
        coerce=UUID,
        empty_value=None,
        error_messages={"invalid_choice": "Select an agency from the list"},
    )

    def __init__(
        self, *args: Any, agencies: list[tuple[UUID, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            field = self.fields["agency"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", "All agencies"), *((str(pk), name) for pk, name in agencies)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The ‘To’ date must be the same as or after the ‘From’ date")
        elif start and end and end - start > datetime.timedelta(days=366 * LONGEST_PERIOD_YEARS):
            self.add_error("date_to", f"The period must be {LONGEST_PERIOD_YEARS} years or shorter")
        return cleaned
