from __future__ import annotations

from typing import Any

from django import forms

from safeshare.accounts.models import Organisation, User
from safeshare.core.forms import GovUKForm, choice_field, text_field
from safeshare.requests.models import Status, StatutoryBasis
from safeshare.subjects.forms import PeoplePickerForm
from safeshare.vocabulary.models import ContactMethod, Purpose, Urgency


class RequestDetailsForm(GovUKForm):
    subject_details = text_field(
        "Who is the request about?",
        "Enter who the request is about",
        long=True,
        help_text="Names, dates of birth and any NHS number, so the other agency can find their records. Only what they need to identify the person.",
        required=True,
    )
    purpose_category = forms.ModelChoiceField(
        label="What is the purpose?",
        queryset=Purpose.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the purpose of the request",
            "invalid_choice": "Select the purpose of the request",
        },
    )
    purpose = text_field(
        "Describe the purpose", "Enter the purpose of the request", long=True, required=True
    )
    information_needed = text_field(
        "What information do you need?",
        "Enter what information you need",
        long=True,
        help_text="Ask only for what you need for the purpose.",
        required=True,
    )
    why_needed = text_field(
        "Why do you need it?", "Enter why you need the information", long=True, required=True
    )
    urgency = choice_field(
        label="How urgent is it?",
        choices=Urgency.choices,
        required_message="Select how urgent the request is",
    )
    statutory_basis = choice_field(
        label="Which statutory basis does the request rely on?",
        choices=StatutoryBasis.choices,
        required_message="Select the statutory basis the request relies on, or none",
    )
    statutory_basis_detail = text_field("Details of the statutory basis (optional)")


class RaiseRequestForm(RequestDetailsForm):
    to_organisation = forms.ModelChoiceField(
        label="Which organisation are you asking?",
        queryset=Organisation.objects.none(),
        empty_label="Select an organisation",
        error_messages={
            "required": "Select the organisation you are asking",
            "invalid_choice": "Select the organisation you are asking",
        },
    )

    field_order = ["to_organisation"]

    def __init__(self, *args: Any, own_organisation_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_organisation"]
        field.queryset = Organisation.objects.exclude(pk=own_organisation_id)  # type: ignore[attr-defined]


class LogRequestForm(RequestDetailsForm):
    external_requester_name = text_field(
        "Requester's name", "Enter the requester's name", required=True
    )
    external_requester_role = text_field(
        "Requester's role", "Enter the requester's role", required=True
    )
    external_requester_organisation = text_field(
        "Requester's organisation", "Enter the requester's organisation", required=True
    )
    external_requester_contact = text_field(
        "Requester's contact details", "Enter the requester's contact details", required=True
    )
    external_received_by = choice_field(
        label="How was the request received?",
        choices=ContactMethod.choices,
        required_message="Select how the request was received",
    )
    external_identity_check = text_field(
        "How did you check the requester's identity?",
        "Enter how you checked the requester's identity",
        long=True,
        help_text="For example, called back on their organisation's switchboard number from its website",
        required=True,
    )

    field_order = [
        "external_requester_name",
        "external_requester_role",
        "external_requester_organisation",
        "external_requester_contact",
        "external_received_by",
        "external_identity_check",
    ]


class AssignForm(GovUKForm):
    heading_field = "assignee"
    assignee = forms.ChoiceField(
        label="Who should handle this request?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who should handle the request",
            "invalid_choice": "Select someone from the list",
        },
    )

    def __init__(self, people: list[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(u.pk): u for u in people}
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            (pk, f"{u.display_name()}{', ' + u.job_title if u.job_title else ''}")
            for pk, u in self.people.items()
        ]


class RespondForm(PeoplePickerForm):
    heading_field = "person"
    person = forms.ChoiceField(
        label="Which of your organisation's records is the request about?",
        widget=forms.RadioSelect,
        help_text="Start the decision about one person; you can add family members to it.",
        error_messages={
            "required": "Select the person the request is about",
            "invalid_choice": "Select a person from the list",
        },
    )


class NewInformationForm(GovUKForm):
    heading_field = "text"
    text = text_field(
        "What new information can you give?",
        "Enter the new information",
        long=True,
        help_text="For example, that a section 47 enquiry has now started, or the purpose in more detail. The other agency is asked to reconsider.",
        required=True,
    )


class QueueFilterForm(GovUKForm):
    """Codes only in the address bar: no personal data."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Open"), ("all", "All"), *Status.choices],
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    urgency = forms.ChoiceField(
        label="Urgency",
        required=False,
        choices=[("", "Any urgency"), *Urgency.choices],
        error_messages={"invalid_choice": "Select an urgency from the list"},
    )
    mine = forms.BooleanField(label="Only requests assigned to me or made by me", required=False)
