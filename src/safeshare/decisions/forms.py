from __future__ import annotations

from typing import Any

from django import forms

from safeshare.core.forms import GovUKForm, TextField
from safeshare.decisions.flow import NONE_VALUE, UNSURE_VALUE, Question

DIVIDER = "__divider__"


class PurposeForm(GovUKForm):
    heading_field = "purpose"
    purpose = TextField(
        label="What is the purpose of sharing, or of the request?",
        required_message="Enter the purpose of sharing",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Say why the information is needed and what it will be used for, for example "
            "'Section 47 enquiry by children's social care about bruising seen at school'. "
            "Do not include more personal detail than you need to."
        ),
    )


class QuestionForm(GovUKForm):
    """One guided question on one page, built from the policy's wording."""

    heading_field = "answer"

    def __init__(self, question: Question, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        choices: list[tuple[str, str]] = []
        for option in question.options:
            if option.value == NONE_VALUE:
                choices.append((DIVIDER, "or"))
            choices.append((option.value, option.label))
        hints = {o.value: o.hint for o in question.options if o.hint}
        if question.unsure_label:
            if question.kind != "bases" or NONE_VALUE not in dict(choices):
                choices.append((DIVIDER, "or"))
            choices.append((UNSURE_VALUE, question.unsure_label))
        # Left optional here: the engine checks the answer (apply_form_answer) and gives
        # the policy's own error wording, so the message is the same on web and API.
        field: forms.Field
        if question.kind == "bases":
            field = forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                label=question.text,
                help_text=question.hint or "",
                required=False,
                error_messages={"invalid_choice": "Select one of the answers shown"},
            )
        else:
            field = forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect,
                label=question.text,
                help_text=question.hint or "",
                required=False,
                error_messages={"invalid_choice": "Select one of the answers shown"},
            )
        field.choice_hints = hints  # type: ignore[attr-defined]
        # "None of these" and "not sure" clear the other boxes (GOV.UK exclusive checkbox).
        field.exclusive_values = {NONE_VALUE, UNSURE_VALUE}  # type: ignore[attr-defined]
        self.fields["answer"] = field

    def clean_answer(self) -> str | list[str]:
        value: str | list[str] = self.cleaned_data["answer"]
        if value == DIVIDER:
            return ""
        if isinstance(value, list):
            value = [v for v in value if v != DIVIDER]
        if isinstance(value, list) and UNSURE_VALUE in value and len(value) > 1:
            raise forms.ValidationError(
                "Select the lawful bases that apply, or select that you are not sure, not both"
            )
        return value
