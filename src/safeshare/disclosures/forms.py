from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.core.forms import GovUKDateField, GovUKForm, text_field
from safeshare.decisions.models import InformationItem
from safeshare.disclosures.actions import MAX_DAYS, DisclosureError, check_expiry


class OrganisationForm(GovUKForm):
    heading_field = "organisation"
    organisation = forms.ChoiceField(
        label="Which organisation are you sending it to?",
        help_text="Only organisations with someone who can receive it in safeshare are listed.",
        error_messages={
            "required": "Select the organisation you are sending it to",
            "invalid_choice": "Select the organisation you are sending it to",
        },
    )

    def __init__(self, organisations: QuerySet[Organisation], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", "Select an organisation"),
            *((pk, o.name) for pk, o in self.organisations.items()),
        ]

    def chosen_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]


def item_label(item: InformationItem, number: int) -> str:
    nature = item.get_nature_display().lower()
    if item.opinion_of:
        nature += f" of {item.opinion_of}"
    return f"Item {number}: {nature}, {item.get_currency_display().lower()}"


class ComposeForm(GovUKForm):
    recipient = forms.ChoiceField(
        label="Who should receive it?",
        widget=forms.RadioSelect,
        help_text="Only this person will be able to open it.",
        error_messages={
            "required": "Select who should receive it",
            "invalid_choice": "Select who should receive it from the list",
        },
    )
    items = forms.MultipleChoiceField(
        label="Which information are you sending?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Send only what this person needs for the purpose. Select all that apply.",
        error_messages={
            "required": "Select at least one piece of information to send",
            "invalid_choice": "Select information from the list",
        },
    )
    message = text_field(
        "Message to the recipient (optional)",
        long=True,
        help_text="For example, what you expect them to do with it. Do not repeat the information here.",
    )
    expires_on = GovUKDateField(
        label="Expiry date",
        help_text="After this date they can no longer open it.",
    )

    def __init__(
        self,
        recipients: list[User],
        items: list[InformationItem],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recipients = {str(u.pk): u for u in recipients}
        self.item_choices = {str(i.pk): i for i in items}
        self.fields["recipient"].choices = [  # type: ignore[attr-defined]
            (pk, ", ".join(x for x in [u.display_name(), u.job_title] if x))
            for pk, u in self.recipients.items()
        ]
        field = self.fields["items"]
        field.choices = [  # type: ignore[attr-defined]
            (pk, item_label(item, number))
            for number, (pk, item) in enumerate(self.item_choices.items(), start=1)
        ]
        field.choice_hints = {  # type: ignore[attr-defined]
            pk: f"{item.text[:300]}{'…' if len(item.text) > 300 else ''} (Source: {item.source})"
            for pk, item in self.item_choices.items()
        }
        # The expiry date's example in its hint is today's, not the server's start-up day.
        self.fields["expires_on"].help_text = (
            f"After this date they can no longer open it. It can be up to {MAX_DAYS} days "
            f"from today, for example {timezone.localdate() + datetime.timedelta(days=30):%-d %-m %Y}."
        )

    def clean_expires_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["expires_on"]
        try:
            check_expiry(value)
        except DisclosureError as exc:
            raise ValidationError(str(exc)) from None
        return value

    def chosen_recipient(self) -> User:
        return self.recipients[self.cleaned_data["recipient"]]

    def chosen_items(self) -> list[InformationItem]:
        wanted = set(self.cleaned_data["items"])
        return [item for pk, item in self.item_choices.items() if pk in wanted]


class RevokeForm(GovUKForm):
    heading_field = "reason"
    reason = text_field(
        "Why are you revoking it?",
        "Enter why you are revoking the disclosure",
        long=True,
        required=True,
        help_text="For example, it was sent to the wrong person, or consent has been withdrawn. The recipient is not shown your reason.",
    )
