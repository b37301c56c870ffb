from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeshare.accounts.models import Organisation
from safeshare.core.csv_io import MAX_BYTES
from safeshare.core.forms import GovUKDateField, GovUKForm, TextField
from safeshare.subjects.identifiers import nhs_number_is_valid, normalise_nhs_number, upn_is_valid
from safeshare.subjects.models import Person, PersonKind
from safeshare.vocabulary.models import Outcome

NHS_NUMBER_LENGTH = "NHS number must be 10 digits"
NHS_NUMBER_CHECK = "Enter a valid NHS number: the check digit does not match"
UPN_INVALID = "Enter a valid unique pupil number: a letter and 12 characters"


def check_nhs_number(value: str) -> str:
    """The NHS number as its 10 digits, or the error the form and the CSV import show."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError(NHS_NUMBER_LENGTH)
    if not nhs_number_is_valid(digits):
        raise ValidationError(NHS_NUMBER_CHECK)
    return digits


def check_upn(value: str) -> str:
    """The unique pupil number in capitals, or the error the form and the CSV import show."""
    upn = value.strip().upper()
    if not upn_is_valid(upn):
        raise ValidationError(UPN_INVALID)
    return upn


class PeoplePickerForm(GovUKForm):
    """One question: which of these people. A subclass declares the choice field (radios
    for one person, checkboxes for several) and names it `heading_field`; `people` maps
    each choice back to its person."""

    def __init__(self, people: list[Person], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        field = self.fields[str(self.heading_field)]
        field.choices = [(pk, self.describe(p)) for pk, p in self.people.items()]  # type: ignore[attr-defined]

    def describe(self, person: Person) -> str:
        return f"{person.full_name}{person.born_text}"


class SearchForm(GovUKForm):
    q = TextField(
        label="Name, NHS number or other identifier",
        required_message="Enter a name, NHS number or other identifier",
        max_length=100,
    )


class ChronologyFilterForm(GovUKForm):
    """Filters in the address bar hold only codes, ids and dates, never personal data."""

    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any outcome"), *Outcome.choices],
        widget=forms.Select,
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        required=False,
        queryset=Organisation.objects.all(),
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    date_from = GovUKDateField(label="Decided from", required=False)
    date_to = GovUKDateField(label="Decided to", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Decided to must be the same as or after decided from")
        return data


class PersonForm(GovUKForm):
    kind = forms.ChoiceField(
        label="Who is this person?",
        choices=PersonKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether this is a child or an adult family member",
            "invalid_choice": "Select whether this is a child or an adult family member",
        },
    )
    given_names = TextField(
        label="Given names", required_message="Enter the person's given names", max_length=200
    )
    family_name = TextField(
        label="Family name", required_message="Enter the person's family name", max_length=200
    )
    known_as = TextField(
        label="Known as (optional)", required_message="", max_length=200, required=False
    )
    date_of_birth = GovUKDateField(
        label="Date of birth", past_only=True, required=False, help_text="For example, 27 3 2015"
    )
    nhs_number = TextField(
        label="NHS number (optional)",
        required_message="",
        max_length=12,
        required=False,
        help_text="10 digits, for example 943 476 5919",
    )
    upn = TextField(
        label="Unique pupil number (optional)", required_message="", max_length=13, required=False
    )

    def clean_nhs_number(self) -> str:
        value: str = self.cleaned_data.get("nhs_number", "")
        return check_nhs_number(value) if value else ""

    def clean_upn(self) -> str:
        value: str = self.cleaned_data.get("upn", "")
        return check_upn(value) if value else ""

    def clean(self) -> dict[str, Any]:
        return super().clean()


class PeopleFileForm(GovUKForm):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="A CSV file saved as UTF-8, smaller than 2 MB, with up to 5,000 people",
        widget=forms.FileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file",
        },
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError("The selected file must be smaller than 2 MB")
        if not (upload.name or "").lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        data: bytes = upload.read()
        return data
