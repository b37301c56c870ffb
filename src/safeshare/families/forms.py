from __future__ import annotations

from safeshare.core.forms import GovUKDateField, GovUKForm, choice_field, text_field
from safeshare.decisions.models import NotInformedReason
from safeshare.vocabulary.models import ContactMethod


class ToldForm(GovUKForm):
    told_on = GovUKDateField(label="Date they were told", past_only=True, required=True)
    method = choice_field(
        label="How were they told?",
        choices=ContactMethod.choices,
        required_message="Select how they were told",
    )
    told_by = text_field(
        "Who told them?",
        "Enter who told them",
        required=True,
        help_text="Their name and role, for example Dana Lead, designated safeguarding lead.",
    )
    what_was_said = text_field(
        "What they were told",
        "Enter what they were told",
        long=True,
        required=True,
        help_text="What information was shared, with whom and why, as you explained it.",
    )


class ReviewForm(GovUKForm):
    reason = choice_field(
        label="Why can they still not be told?",
        choices=NotInformedReason.choices,
        required_message="Select why they still cannot be told",
    )
    detail = text_field(
        "Why not yet", "Enter why they still cannot be told", long=True, required=True
    )
    next_review_on = GovUKDateField(label="Date of the next review", required=True)
