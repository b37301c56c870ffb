from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeshare.accounts.models import Organisation, User
from safeshare.core.forms import GovUKForm, TextField, choice_field
from safeshare.directory.csv_io import MAX_BYTES
from safeshare.directory.models import ContactKind
from safeshare.directory.validation import (
    EMAIL_MESSAGE,
    PHONE_MESSAGE,
    normalise_email,
    normalise_uk_phone,
)


def _user_field(organisation: Organisation, label: str, help_text: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        queryset=User.objects.filter(organisation=organisation, is_active=True),
        empty_label="None",
        widget=forms.Select,
        error_messages={"invalid_choice": "Select a safeshare user from the list"},
    )


def _checked_field() -> forms.BooleanField:
    return forms.BooleanField(
        label="I have checked these details with the organisation today",
        help_text="For example, by calling its main number. Leave unticked if not yet checked.",
        required=False,
    )


def _active_field() -> forms.BooleanField:
    return forms.BooleanField(
        label="Still in use",
        help_text="Untick when this should no longer be used; the entry is kept for the record",
        required=False,
    )


class ProfileForm(GovUKForm):
    address = TextField(
        label="Address",
        required=False,
        required_message="",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    main_phone = TextField(
        label="Main phone number",
        required=False,
        required_message="",
        max_length=32,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
    )
    notes = TextField(
        label="Notes for other agencies",
        help_text="For example, opening hours or how to reach the duty team out of hours",
        required=False,
        required_message="",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_main_phone(self) -> str:
        value: str = self.cleaned_data["main_phone"]
        if not value:
            return ""
        try:
            return normalise_uk_phone(
                value, "Enter the main phone number as a UK number, like 01632 960 001"
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None


class ContactPointForm(GovUKForm):
    """Add (kind chosen) or change (kind fixed) a contact point."""

    kind = choice_field(
        label="What kind of contact point is it?",
        choices=ContactKind.choices,
        required_message="Select what kind of contact point it is",
    )
    value = TextField(
        label="Secure email address or phone number",
        help_text="Leave empty for a safeshare user",
        required=False,
        required_message="",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    label = TextField(
        label="Label (optional)",
        help_text="For example, Safeguarding team or Duty desk",
        required=False,
        required_message="",
        max_length=100,
    )

    def __init__(
        self, *args: Any, organisation: Organisation, kind: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_kind = kind
        self.fields["user"] = _user_field(
            organisation,
            "safeshare user (in-system recipient)",
            f"Only for a safeshare user: someone at {organisation.name} who receives disclosures in safeshare",
        )
        if kind is None:
            self.fields["checked"] = _checked_field()
        else:
            del self.fields["kind"]
            self.fields["active"] = _active_field()
            if kind == ContactKind.IN_SYSTEM:
                del self.fields["value"]
            else:
                del self.fields["user"]
                self.fields["value"].label = ContactKind(kind).label
                self.fields["value"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = self.fixed_kind or data.get("kind")
        value = data.get("value", "")
        if kind == ContactKind.SECURE_EMAIL:
            self._normalise("value", value, normalise_email, EMAIL_MESSAGE)
        elif kind == ContactKind.PHONE:
            self._normalise("value", value, normalise_uk_phone, PHONE_MESSAGE)
        elif kind == ContactKind.IN_SYSTEM:
            self.require(data, ("user", "Select the safeshare user who receives disclosures"))
            data["value"] = ""
        return data

    def _normalise(self, name: str, value: str, normalise: Any, message: str) -> None:
        if name in self.errors:
            return
        if not value:
            self.add_error(name, message)
            return
        try:
            self.cleaned_data[name] = normalise(value)
        except ValidationError:
            self.add_error(name, message)


class PractitionerForm(GovUKForm):
    name = TextField(
        label="Full name", required_message="Enter the practitioner’s full name", max_length=200
    )
    job_title = TextField(
        label="Job title or role",
        help_text="For example, Designated safeguarding lead",
        required_message="Enter the practitioner’s job title or role",
        max_length=200,
    )
    secure_email = TextField(
        label="Secure email address (optional)",
        required=False,
        required_message="",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = TextField(
        label="Phone number (optional)",
        required=False,
        required_message="",
        max_length=32,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["active"] = _active_field()
        else:
            self.fields["user"] = _user_field(
                organisation,
                "Their safeshare account (optional)",
                "If they use safeshare, so a disclosure can reach them in the system",
            )
            self.fields["checked"] = _checked_field()

    def clean_secure_email(self) -> str:
        value: str = self.cleaned_data["secure_email"]
        return normalise_email(value) if value else ""

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"]
        return normalise_uk_phone(value) if value else ""


class VerifyForm(GovUKForm):
    confirm = forms.BooleanField(
        label="I have checked these details with the organisation today",
        error_messages={"required": "Confirm that you have checked these details today"},
    )


class ImportForm(GovUKForm):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="A CSV file saved as UTF-8, smaller than 2 MB, with the columns of an export",
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
        name = (upload.name or "").lower()
        if not name.endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        data: bytes = upload.read()
        return data
