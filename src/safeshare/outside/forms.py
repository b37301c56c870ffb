from __future__ import annotations

from typing import Any

from django import forms

from safeshare.core.forms import GovUKForm
from safeshare.decisions.models import InformationItem
from safeshare.disclosures.forms import ComposeForm
from safeshare.outside.queries import NOT_OFFERED_REASON


class SendOutsideForm(ComposeForm):
    """The in-system compose form, its recipients being verified directory contacts."""

    def __init__(
        self, contacts: dict[str, Any], items: list[InformationItem], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__([], items, *args, **kwargs)
        self.contacts = contacts
        field = self.fields["recipient"]
        field.help_text = f"Only this contact will be able to open it. {NOT_OFFERED_REASON}"
        field.choices = [  # type: ignore[attr-defined]
            (key, _contact_label(contact)) for key, contact in contacts.items()
        ]

    def chosen_contact(self) -> Any:
        return self.contacts[self.cleaned_data["recipient"]]


def _contact_label(contact: Any) -> str:
    if hasattr(contact, "secure_email"):
        parts = [contact.name, contact.job_title, contact.organisation.name, contact.secure_email]
    else:
        parts = [contact.label, contact.organisation.name, contact.value]
    return ", ".join(p for p in parts if p)


class CodeForm(GovUKForm):
    code = forms.CharField(
        label="Enter your 6-digit code",
        help_text="You received it by text message or phone call from the sender.",
        max_length=12,
        error_messages={"required": "Enter your 6-digit code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )
