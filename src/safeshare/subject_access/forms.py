"""The IG lead's forms: each error names its field."""

from __future__ import annotations

from django import forms

from safeshare.core.forms import GovUKDateField, GovUKForm, choice_field, text_field


class LogRequestForm(GovUKForm):
    requester_name = text_field("Who asked", "Enter who asked", required=True)
    requester_relationship = text_field(
        "Their relationship to the person",
        "Enter their relationship to the person",
        required=True,
        help_text="For example, the person themselves, their mother, their solicitor",
    )
    identity_check = text_field(
        "How their identity was checked",
        "Enter how their identity was checked",
        long=True,
        required=True,
        help_text=(
            "For example, passport seen at reception; for someone acting for the person, "
            "how you checked they may"
        ),
    )
    received_on = GovUKDateField(
        label="Date received", past_only=True, help_text="For example, 27 3 2026"
    )


class ExtendForm(GovUKForm):
    months = choice_field(
        label="How many more months are needed?",
        choices=[("1", "1 month"), ("2", "2 months")],
        required_message="Select how many more months are needed",
    )
    reason = text_field(
        "Why the request needs more time",
        "Enter why the request needs more time",
        long=True,
        required=True,
        help_text=(
            "UK GDPR Article 12(3) allows two further months where a request is complex "
            "or one of many. Tell the requester within the first month, with the reason."
        ),
    )

    def __init__(self, *args: object, months_left: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["months"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(n), f"{n} month{'s' if n > 1 else ''}") for n in range(1, months_left + 1)
        ]


class RedactForm(GovUKForm):
    reason = text_field(
        "Why this information is redacted",
        "Enter why this information is redacted",
        long=True,
        required=True,
        help_text=(
            "For example, it names a sibling who has not consented (Data Protection Act "
            "2018 Schedule 2 paragraph 16). The record is not changed: only the pack leaves "
            "this text out."
        ),
    )


class SignOffForm(GovUKForm):
    confirm = forms.BooleanField(
        label="I have checked the pack and its redactions, and it can be sent",
        error_messages={"required": "Confirm that you have checked the pack"},
    )
