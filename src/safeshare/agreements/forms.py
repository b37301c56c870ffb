from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from safeshare.accounts.models import Organisation
from safeshare.agreements.models import InformationCategory
from safeshare.core.forms import GovUKDateField, GovUKForm, TextField
from safeshare.guidance.catalogue import catalogue
from safeshare.vocabulary.models import Purpose


def lawful_basis_choices() -> list[tuple[str, str]]:
    return [(basis.id, basis.title) for basis in catalogue().bases.values()]


class AgreementForm(GovUKForm):
    title = TextField(
        label="Title", required_message="Enter the title of the agreement", max_length=200
    )
    reference = TextField(
        label="Reference (optional)",
        help_text="The reference on the signed agreement, for example ISA-2026-04",
        required=False,
        required_message="",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    purposes = forms.ModelMultipleChoiceField(
        label="Which purposes does it cover?",
        queryset=Purpose.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the purposes the agreement covers",
            "invalid_choice": "Select the purposes the agreement covers",
            "invalid_pk_value": "Select the purposes the agreement covers",
        },
    )
    categories = forms.MultipleChoiceField(
        label="Which categories of information may be shared?",
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the categories of information the agreement covers",
            "invalid_choice": "Select the categories of information the agreement covers",
        },
    )
    lawful_bases = forms.MultipleChoiceField(
        label="Which lawful bases does it rely on?",
        choices=lawful_basis_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the lawful bases the agreement relies on",
            "invalid_choice": "Select the lawful bases the agreement relies on",
        },
    )
    start_on = GovUKDateField(label="Start date", help_text="For example, 1 4 2026")
    end_on = GovUKDateField(
        label="End date (optional)",
        help_text="Leave empty if it runs until it is replaced",
        required=False,
    )
    review_on = GovUKDateField(label="Review date", help_text="For example, 1 4 2027")
    document_url = TextField(
        label="Link to the signed agreement",
        help_text="A secure https link, for example to the document store",
        required=False,
        required_message="",
        max_length=500,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    document_reference = TextField(
        label="Or the signed agreement’s file reference",
        help_text="Where the signed paper or file is kept, if there is no link",
        required=False,
        required_message="",
        max_length=200,
    )

    def __init__(self, *args: Any, owner: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = Organisation.objects.all()
        if owner is None:
            # Administrators say which organisation holds the agreement.
            self.fields["owner"] = forms.ModelChoiceField(
                label="Which organisation holds the agreement?",
                queryset=Organisation.objects.all(),
                widget=forms.Select,
                error_messages={
                    "required": "Select the organisation that holds the agreement",
                    "invalid_choice": "Select the organisation that holds the agreement",
                },
            )
        else:
            parties = parties.exclude(pk=owner.pk)
        self.fields["parties"] = forms.ModelMultipleChoiceField(
            label="Which other organisations are party to it?",
            help_text=None if owner is None else f"{owner.name} is always a party",
            queryset=parties,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Select the other organisations that are party to the agreement",
                "invalid_choice": "Select the other organisations that are party to the agreement",
                "invalid_pk_value": "Select the other organisations that are party to the agreement",
            },
        )
        order = ["owner", "title", "reference", "parties", "purposes", "categories", "lawful_bases"]
        self.order_fields([f for f in order if f in self.fields])

    def clean_document_url(self) -> str:
        value: str = self.cleaned_data["document_url"]
        if not value:
            return ""
        message = (
            "Enter a link that starts with https://, like https://documents.example.org/isa-12"
        )
        try:
            URLValidator(schemes=["https"])(value)
        except ValidationError:
            raise ValidationError(message) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, review = data.get("start_on"), data.get("end_on"), data.get("review_on")
        if start and end and end < start:
            self.add_error("end_on", "End date must be the same as or after the start date")
        if start and review and review < start:
            self.add_error("review_on", "Review date must be the same as or after the start date")
        if (
            not data.get("document_url")
            and not data.get("document_reference")
            and "document_url" not in self.errors
        ):
            self.add_error(
                "document_url",
                "Enter a link to the signed agreement, or its file reference",
            )
        return data
