from __future__ import annotations

from typing import Any

from django import forms

from safeshare.accounts.models import User
from safeshare.advice.models import AdviserKind
from safeshare.core.forms import GovUKForm, choice_field, text_field
from safeshare.vocabulary.models import Urgency


class AskForm(GovUKForm):
    adviser_kind = choice_field(
        label="Who do you want to ask?",
        choices=AdviserKind.choices,
        required_message="Select who you want to ask for advice",
    )
    colleague = forms.ChoiceField(
        label="If you chose a named colleague, which colleague?",
        required=False,
        widget=forms.Select,
        error_messages={"invalid_choice": "Select the colleague you want to ask"},
    )
    urgency = choice_field(
        label="How urgent is this?",
        choices=Urgency.choices,
        required_message="Select how urgent this is",
        required=False,
    )
    question = text_field(
        "Your question",
        "Enter your question",
        long=True,
        required=True,
        help_text="Describe the situation without naming the person where you can: the "
        "adviser sees the purpose and your answers to the guided questions, and names, "
        "dates of birth and identifiers are taken out unless you choose to share them.",
    )
    share_identities = forms.BooleanField(
        label="Share the person's name and identifiers with the adviser",
        required=False,
        help_text="Only if the adviser needs them to advise you.",
    )

    def __init__(
        self, colleagues: list[User], *args: Any, needs_urgency: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.colleagues = {str(c.pk): c for c in colleagues}
        field = self.fields["colleague"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Select a colleague")] + [
            (str(c.pk), f"{c.display_name()}, {c.job_title or c.get_role_display()}")
            for c in colleagues
        ]
        if not needs_urgency:
            del self.fields["urgency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "urgency" in self.fields and not data.get("urgency"):
            self.add_error("urgency", "Select how urgent this is")
        if data.get("adviser_kind") == AdviserKind.COLLEAGUE:
            chosen = self.colleagues.get(str(data.get("colleague") or ""))
            if chosen is None and "colleague" not in self.errors:
                self.add_error("colleague", "Select the colleague you want to ask")
            data["colleague"] = chosen
        else:
            data["colleague"] = None
        return data


class AnswerForm(GovUKForm):
    answer = text_field("Your advice", "Enter your advice", long=True, required=True)
