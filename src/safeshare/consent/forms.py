from __future__ import annotations

from django import forms

from safeshare.consent.models import EntryStatus, GivenBy
from safeshare.core.forms import GovUKDateField, GovUKForm, choice_field, text_field
from safeshare.vocabulary.models import ContactMethod, Purpose


class EntryForm(GovUKForm):
    status = choice_field(
        label="Was consent given or refused?",
        choices=EntryStatus.choices,
        required_message="Select whether consent was given or refused",
    )
    given_by_kind = choice_field(
        label="Who gave or refused it?",
        choices=GivenBy.choices,
        required_message="Select who gave or refused consent",
    )
    given_by_name = text_field(
        "If someone with parental responsibility, their name and relationship",
        help_text="For example, Kerry Morgan, mother",
    )
    purpose = forms.ModelChoiceField(
        label="What purpose was consent asked for?",
        queryset=Purpose.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the purpose consent was asked for",
            "invalid_choice": "Select the purpose consent was asked for",
        },
    )
    scope = text_field(
        "What they agreed to or refused",
        "Enter what they agreed to or refused",
        long=True,
        required=True,
        help_text="Which information, and for what. Consent must be specific and informed.",
    )
    recipients = text_field(
        "Who it may be shared with",
        "Enter who it may be shared with",
        required=True,
        help_text="The organisations or services named when consent was asked for.",
    )
    method = choice_field(
        label="How was consent obtained?",
        choices=ContactMethod.choices,
        required_message="Select how consent was obtained",
    )
    obtained_on = GovUKDateField(label="Date consent was obtained", past_only=True)
    review_on = GovUKDateField(label="Review date", required=False)
    expires_on = GovUKDateField(label="Expiry date", required=False)
    explicit = forms.BooleanField(
        label="Explicit consent for special category information",
        required=False,
        help_text="Information about health, ethnicity, religion, sexual life or orientation "
        "needs explicit consent, given in a clear statement (UK GDPR Article 9(2)(a)).",
    )


class WithdrawForm(GovUKForm):
    by_kind = choice_field(
        label="Who withdrew consent?",
        choices=GivenBy.choices,
        required_message="Select who withdrew consent",
    )
    by_name = text_field(
        "If someone with parental responsibility, their name and relationship",
        help_text="For example, Kerry Morgan, mother",
    )
    withdrawn_on = GovUKDateField(label="Date consent was withdrawn", past_only=True)
    method = choice_field(
        label="How did they tell you?",
        choices=ContactMethod.choices,
        required_message="Select how they told you consent was withdrawn",
    )
    reason = text_field(
        "What happens now",
        "Enter what happens now consent is withdrawn",
        long=True,
        required=True,
        help_text="Their reasons if they gave any, and what you will do next.",
    )


class ReviewForm(GovUKForm):
    reviewed_on = GovUKDateField(label="Date of the review", past_only=True)
    note = text_field(
        "What the review found", "Enter what the review found", long=True, required=True
    )
    next_review_on = GovUKDateField(label="Next review date", required=False)
