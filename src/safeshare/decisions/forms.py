"""The pages of a decision record. Each form saves one section; completeness for the
outcome is checked before finalising (completeness.py), so a practitioner can save part of
a section and come back."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeshare.accounts.models import Organisation
from safeshare.core.forms import (
    GovUKDateField,
    GovUKForm,
    GovUKTimeField,
    TextField,
    choice_field,
    text_field,
)
from safeshare.decisions import completeness
from safeshare.decisions.completeness import ITEM_RULE, PRINCIPLES
from safeshare.decisions.flow import NONE_VALUE, UNSURE_VALUE, Question
from safeshare.decisions.models import (
    Channel,
    ConsentNotSoughtReason,
    ConsentStatus,
    Currency,
    Kind,
    Nature,
    NotInformedReason,
    RecipientVerification,
    ThirdPartyAction,
)
from safeshare.decisions.queries import covering_agreements
from safeshare.subjects.forms import PeoplePickerForm
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import ContactMethod, Purpose, Urgency

DIVIDER = "__divider__"


def _combine(date: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    if date is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(date, time or datetime.time(0, 0)))


class PeopleForm(PeoplePickerForm):
    heading_field = "subjects"
    subjects = forms.MultipleChoiceField(
        label="Who is this decision about?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select the child and any family members the information is about.",
        error_messages={
            "required": "Select at least one person the decision is about",
            "invalid_choice": "Select people from the list",
        },
    )

    def describe(self, person: Person) -> str:
        return f"{person.full_name} ({person.get_kind_display().lower()}{person.born_text})"


class FindPersonForm(GovUKForm):
    q = TextField(
        label="Find someone else in your organisation's records",
        required_message="Enter a name, NHS number or other identifier",
        max_length=100,
        help_text="For example, a parent with a different family name",
    )


class AboutForm(GovUKForm):
    kind = choice_field(
        label="Are you responding to a request, or sharing on your own initiative?",
        choices=Kind.choices,
        required_message="Select whether you are responding to a request or sharing on your own initiative",
    )
    purpose_category = forms.ModelChoiceField(
        label="What is the purpose?",
        queryset=Purpose.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the purpose of sharing",
            "invalid_choice": "Select the purpose of sharing",
        },
    )
    purpose = text_field(
        "Describe the purpose",
        "Enter the purpose of sharing",
        long=True,
        required=True,
        help_text=(
            "Say why the information is needed and what it will be used for. Do not include "
            "more personal detail than you need to."
        ),
    )
    urgency = choice_field(
        label="How urgent is it?",
        choices=Urgency.choices,
        required_message="Select how urgent this is",
    )
    requester_name = text_field(
        "Requester's name", "", help_text="Only if you are responding to a request"
    )
    requester_role = text_field("Requester's role", "")
    requester_organisation = text_field("Requester's organisation", "")
    request_method = choice_field(
        label="How was the request received?",
        choices=ContactMethod.choices,
        required_message="Select how the request was received",
        required=False,
    )
    request_received_on = GovUKDateField(
        label="Date the request was received", past_only=True, required=False
    )
    request_received_time = GovUKTimeField(label="Time the request was received", required=False)
    requester_verification = text_field(
        "How did you check the requester's identity?",
        "",
        long=True,
        help_text="For example, called back on the switchboard number of their organisation",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Kind.REQUEST:
            self.require(
                data,
                *completeness.REQUESTER_DETAILS,
                ("request_received_on", "Enter the date the request was received"),
                *completeness.REQUESTER_VERIFICATION,
            )
        data["request_received_at"] = _combine(
            data.get("request_received_on"), data.get("request_received_time")
        )
        return data


class AmendmentForm(GovUKForm):
    heading_field = "amendment_reason"
    amendment_reason = text_field(
        "Why does the earlier decision need correcting?",
        "Enter why the earlier decision is being corrected",
        long=True,
        required=True,
        help_text="Both records stay visible. Say what was wrong or missing in the earlier one.",
    )


class ReconsiderForm(GovUKForm):
    heading_field = "new_information"
    new_information = text_field(
        "What new information has the requester given?",
        "Enter the new information that led you to reconsider",
        long=True,
        required=True,
        help_text=(
            "The 2024 advice asks practitioners to reconsider a refusal when the requester brings "
            "new information. A new decision is started, linked to the refusal."
        ),
    )


class ConsentForm(GovUKForm):
    consent_status = choice_field(
        label="Was consent sought?",
        choices=ConsentStatus.choices,
        required_message="Select whether consent was sought",
    )
    consent_from = text_field(
        "Who was asked?",
        "",
        help_text="Their name and relationship to the child, for example 'Kerry Morgan, mother'",
    )
    consent_asked_on = GovUKDateField(label="When were they asked?", past_only=True, required=False)
    consent_method = choice_field(
        label="How were they asked?",
        choices=ContactMethod.choices,
        required_message="Select how they were asked",
        required=False,
    )
    consent_scope = text_field(
        "What did they agree to?",
        "",
        long=True,
        help_text="What may be shared, with whom and for what. Leave blank if consent was refused.",
    )
    consent_not_sought_reason = choice_field(
        label="If consent was not sought, why not?",
        choices=ConsentNotSoughtReason.choices,
        required_message="Select why consent was not sought",
        required=False,
    )
    consent_detail = text_field("Anything else about consent (optional)", "", long=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status = data.get("consent_status")
        if status == ConsentStatus.NOT_SOUGHT:
            self.require(data, *completeness.CONSENT_NOT_SOUGHT_REASON)
        if status in {ConsentStatus.GIVEN, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN}:
            if not data.get("consent_from") and "consent_from" not in self.errors:
                self.add_error("consent_from", "Enter who was asked for consent")
            if not data.get("consent_asked_on") and "consent_asked_on" not in self.errors:
                self.add_error("consent_asked_on", "Enter when they were asked")
        if status == ConsentStatus.GIVEN:
            self.require(data, *completeness.CONSENT_SCOPE)
        return data


# Words that suggest a view rather than an observation ("distinguish fact from opinion").
OPINION_WORDS = re.compile(
    r"\b(i think|i believe|i feel|in my (view|opinion)|appears?|appeared|seems?|seemed|"
    r"possibly|probably|perhaps|maybe|might|allegedly|alleged|apparently|likely|suspect(ed)?|"
    r"concerned that|it is thought|reportedly)\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+44\s?|\b0)\d[\d\s]{8,12}\d\b")
CAPITALISED_NAME = re.compile(
    r"\b([A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)\s+([A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)\b"
)


def opinion_language(text: str) -> list[str]:
    return sorted({m.group(0).lower() for m in OPINION_WORDS.finditer(text)})


def other_people_mentioned(text: str, subjects: list[Person]) -> list[str]:
    """Contact details, and capitalised first-and-last names that are not the subjects'.

    A suggestion only: the practitioner decides whether a third party is identified."""
    known = set()
    for person in subjects:
        for part in f"{person.given_names} {person.family_name} {person.known_as}".split():
            known.add(part.lower())
    found = [m.group(0) for m in EMAIL.finditer(text)] + [
        m.group(0).strip() for m in PHONE.finditer(text)
    ]
    for match in CAPITALISED_NAME.finditer(text):
        first, last = match.group(1), match.group(2)
        if first.lower() in known or last.lower() in known:
            continue
        found.append(match.group(0))
    return list(dict.fromkeys(found))


class ItemForm(GovUKForm):
    text = text_field(
        "Information to share",
        ITEM_RULE["text"].message,
        long=True,
        required=True,
        help_text="Share only what the recipient needs for the purpose. Keep each fact or opinion as its own item.",
    )
    nature = choice_field(
        label="Is this fact or opinion?",
        choices=Nature.choices,
        required_message="Select whether this is fact or opinion",
    )
    opinion_of = text_field(
        "Whose opinion is it?", "", help_text="Their name and role, if this is an opinion"
    )
    currency = choice_field(
        label="Is it current or historical?",
        choices=Currency.choices,
        required_message="Select whether this is current or historical",
    )
    relates_to = GovUKDateField(
        label="Date it relates to",
        past_only=True,
        required=False,
        help_text="Needed for historical information, for example 3 11 2024",
    )
    source = text_field(
        "Where does it come from?",
        ITEM_RULE["source"].message,
        required=True,
        help_text="For example, 'Class teacher's observation' or 'GP record'",
    )
    about = forms.ChoiceField(
        label="Who is it about?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select who the information is about"},
    )
    special_category = forms.BooleanField(
        label="It is special category data (for example health, ethnicity, religion or sexual life)",
        required=False,
    )
    identifies_third_party = choice_field(
        label="Does it identify anyone other than the people this decision is about?",
        choices=[("no", "No"), ("yes", "Yes")],
        required_message="Select whether the information identifies anyone else",
        help_text="2024 advice: protect the identity of anyone who could be harmed if their details reached an abuser.",
    )
    third_party_action = choice_field(
        label="What have you done about their details?",
        choices=ThirdPartyAction.choices,
        required_message=ITEM_RULE["third_party_action"].message,
        required=False,
    )
    third_party_justification = text_field("Why must their details be shared?", "", long=True)
    confirm_fact = forms.BooleanField(
        label="I have checked: this is a fact, not an opinion", required=False
    )

    def __init__(self, subjects: list[Person], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subjects = subjects
        self.fields["about"].choices = [("", "The family, or more than one person")] + [  # type: ignore[attr-defined]
            (str(p.pk), p.full_name) for p in subjects
        ]
        self.suggestions: list[str] = []
        self.asked_opinion = False
        self.asked_others = False
        # The fact-check box appears only once the page has asked about opinion words.
        if not (self.is_bound and self.data.get("opinion_checked")):
            del self.fields["confirm_fact"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = data.get("text") or ""
        third = data.get("identifies_third_party") == "yes"
        data["identifies_third_party"] = third
        # The rules the check page applies to the saved item (completeness.ITEM_RULES).
        for rule in completeness.broken_item_rules(data.get):
            if rule.field not in self.errors:
                self.add_error(rule.field, rule.message)
        if not third:
            data["third_party_action"] = ""
            data["third_party_justification"] = ""
        # Suggestions only: each is asked once, then the practitioner's answer stands.
        words = opinion_language(text)
        if data.get("nature") == Nature.FACT and words:
            self.asked_opinion = True
            if "confirm_fact" not in self.fields:
                self.suggestions.append(
                    "This item is marked as fact but uses words that often signal opinion ("
                    + ", ".join(f"‘{w}’" for w in words)
                    + "). Check it is a fact, or mark it as opinion and say whose."
                )
                self.add_error("nature", "Check whether this is fact or opinion")
            elif not data.get("confirm_fact"):
                self.add_error("confirm_fact", "Confirm this is a fact, or mark it as opinion")
        others = other_people_mentioned(text, self.subjects)
        if others and data.get("identifies_third_party") is False:
            self.asked_others = True
            if not self.data.get("others_checked"):
                self.suggestions.append(
                    "This item may name or give contact details of someone else ("
                    + ", ".join(f"‘{o}’" for o in others[:5])
                    + "). If it does, select yes and protect their identity; if not, continue."
                )
                self.add_error(
                    "identifies_third_party", "Check whether the information identifies anyone else"
                )
        about = data.get("about")
        data["about"] = next((p for p in self.subjects if str(p.pk) == about), None)
        data.pop("confirm_fact", None)
        return data


class PrinciplesForm(GovUKForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for (key, title, hint), (_key, message) in zip(
            PRINCIPLES, completeness.PRINCIPLE_REASONS, strict=True
        ):
            self.fields[key] = text_field(
                title,
                message,
                long=True,
                required=True,
                help_text=hint,
            )


class RecipientForm(GovUKForm):
    recipient_organisation = forms.ModelChoiceField(
        label="Organisation in the partnership",
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="Not in the partnership: enter it below",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
    recipient_organisation_name = text_field("Organisation outside the partnership", "")
    recipient_name = text_field(
        "Name of the person receiving it",
        "Enter the name of the person receiving the information",
        required=True,
    )
    recipient_role = text_field("Their role", "Enter the recipient's role", required=True)
    recipient_contact = text_field(
        "Their contact details used to share",
        "",
        help_text="For example, their secure email address or direct line",
    )
    recipient_verification = choice_field(
        label="How did you check their identity and contact details?",
        choices=RecipientVerification.choices,
        required_message="Select how you checked the recipient's identity and contact details",
    )
    recipient_verification_detail = text_field("Details of the check (optional)", "", long=True)
    shares_all_requested = choice_field(
        label="Are you sharing everything the requester asked for?",
        choices=[("yes", "Yes"), ("no", "No, only part of it")],
        required_message=completeness.SHARES_ALL_REQUESTED[0][1],
        required=False,
        help_text="Share only what is needed. The requester sees whether you shared all or part.",
    )
    channel = choice_field(
        label="How is it shared?",
        choices=Channel.choices,
        required_message="Select how the information is shared",
    )
    shared_on = GovUKDateField(label="Date shared", past_only=True, required=False)
    shared_time = GovUKTimeField(label="Time shared", required=False)
    no_agreement_justification = text_field(
        "If no information sharing agreement covers this, why is sharing justified?",
        "",
        long=True,
        help_text="Needed when the recipient is outside the partnership, or no agreement covers them for this purpose.",
    )

    def __init__(
        self, *args: Any, is_request: bool = False, decision: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.is_request = is_request
        self.decision = decision
        if not is_request:
            del self.fields["shares_all_requested"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_request:
            self.require(data, *completeness.SHARES_ALL_REQUESTED)
        if not data.get("recipient_organisation"):
            self.require(
                data,
                (
                    "recipient_organisation_name",
                    "Select or enter the organisation receiving the information",
                ),
            )
        self.require(data, ("shared_on", "Enter the date the information was shared"))
        # Asked only when no agreement covers the recipient chosen here (the check page
        # asks the same of the saved record, whose agreement was looked up on saving).
        if (
            self.decision is not None
            and completeness.missing(data.get, completeness.NO_AGREEMENT_JUSTIFICATION)
            and not covering_agreements(self.decision, data.get("recipient_organisation"))
        ):
            self.require(data, *completeness.NO_AGREEMENT_JUSTIFICATION)
        data["shared_at"] = _combine(data.get("shared_on"), data.get("shared_time"))
        data["shares_all_requested"] = {"yes": True, "no": False}.get(
            str(data.get("shares_all_requested"))
        )
        return data


class TransparencyForm(GovUKForm):
    subject_informed = choice_field(
        label="Has the person or family been told that the information was shared?",
        choices=[("yes", "Yes"), ("no", "No")],
        required_message="Select whether the person or family has been told",
        help_text="Be open about what was shared, with whom and why, unless that would create or increase the risk of harm.",
    )
    informed_on = GovUKDateField(label="Date they were told", past_only=True, required=False)
    informed_method = choice_field(
        label="How were they told?",
        choices=ContactMethod.choices,
        required_message="Select how they were told",
        required=False,
    )
    informed_by = text_field("Who told them?", "")
    not_informed_reason = choice_field(
        label="If not, why not?",
        choices=NotInformedReason.choices,
        required_message="Select why they have not been told",
        required=False,
    )
    not_informed_detail = text_field("Details (optional)", "", long=True)
    inform_review_on = GovUKDateField(
        label="Date to review whether they can be told", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        told = data.get("subject_informed")
        if told == "yes":
            self.require(data, *completeness.TOLD_DETAILS)
        elif told == "no":
            self.require(data, *completeness.NOT_TOLD_DETAILS)
            review = data.get("inform_review_on")
            if review and review < timezone.localdate():
                self.add_error("inform_review_on", "Date to review must be today or in the future")
        data["subject_informed"] = {"yes": True, "no": False}.get(str(told))
        return data


class AdviceForm(GovUKForm):
    advice_sought = choice_field(
        label="Did you seek advice about this decision?",
        choices=[("yes", "Yes"), ("no", "No")],
        required_message="Select whether you sought advice",
        help_text="Seek advice without identifying the person where you can.",
    )
    adviser_name = text_field("Name of the person who advised you", "")
    adviser_role = text_field(
        "Their role", "", help_text="For example, designated safeguarding lead, Caldicott guardian"
    )
    adviser_organisation = text_field("Their organisation (optional)", "")
    advised_on = GovUKDateField(label="Date you were advised", past_only=True, required=False)
    advice = text_field("What were you advised?", "", long=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("advice_sought") == "yes":
            self.require(data, *completeness.ADVICE_DETAILS)
        data["advice_sought"] = {"yes": True, "no": False}.get(str(data.get("advice_sought")))
        return data


class NotSharingForm(GovUKForm):
    not_sharing_reasons = text_field(
        "Why are you not sharing?",
        completeness.NOT_SHARING_REASONS[0][1],
        long=True,
        required=True,
    )
    discussed_on = GovUKDateField(
        label="Date you discussed the reasons with the requester", past_only=True, required=False
    )
    discussion_method = choice_field(
        label="How did you discuss them?",
        choices=ContactMethod.choices,
        required_message="Select how you discussed them",
        required=False,
    )
    requester_response = text_field("What did the requester say?", "", long=True)

    def __init__(self, *args: Any, is_request: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_request = is_request

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_request:
            self.require(data, *completeness.DISCUSSION_DETAILS)
        return data


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
            raise ValidationError(
                "Select the lawful bases that apply, or select that you are not sure, not both"
            )
        return value


GIVER = "consent_giver"
SOMEONE_ELSE = "other"


class ConsentWithdrawalForm(GovUKForm):
    """Who withdrew consent, when, how they told you, and what happens now."""

    withdrawn_by = choice_field(
        label="Who withdrew consent?",
        choices=[],
        required_message="Select who withdrew consent",
    )
    withdrawn_by_name = text_field(
        "Name and relationship",
        "",
        help_text="If someone else: their name and relationship to the child, for example 'Kerry Morgan, mother'",
    )
    withdrawn_on = GovUKDateField(
        label="Date consent was withdrawn",
        past_only=True,
        help_text="For example, 27 3 2026",
    )
    method = choice_field(
        label="How did they tell you?",
        choices=ContactMethod.choices,
        required_message="Select how they told you consent was withdrawn",
    )
    next_steps = text_field(
        "What happens now",
        "Enter what happens now consent is withdrawn",
        long=True,
        required=True,
        help_text=(
            "For example: whether there is another lawful basis to keep sharing, whether the "
            "recipient has been asked to stop using or to delete what was shared, and who has "
            "been told."
        ),
    )

    def __init__(self, decision: Any, subjects: list[Person], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.subjects = subjects
        choices: list[tuple[str, str]] = []
        if decision.consent_from:
            choices.append((GIVER, f"{decision.consent_from}, who gave consent"))
        choices += [(str(p.pk), p.full_name) for p in subjects]
        choices.append((SOMEONE_ELSE, "Someone else"))
        self.fields["withdrawn_by"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        who = data.get("withdrawn_by")
        data["withdrawn_by_person"] = next((p for p in self.subjects if str(p.pk) == who), None)
        if who == GIVER:
            data["withdrawn_by_name"] = self.decision.consent_from
        elif who == SOMEONE_ELSE:
            self.require(
                data,
                (
                    "withdrawn_by_name",
                    "Enter the name and relationship to the child of the person who withdrew consent",
                ),
            )
        elif data["withdrawn_by_person"] is not None:
            data["withdrawn_by_name"] = ""
        when = data.get("withdrawn_on")
        asked = self.decision.consent_asked_on
        if when and asked and when < asked and "withdrawn_on" not in self.errors:
            self.add_error(
                "withdrawn_on",
                "Date consent was withdrawn must be on or after the date consent was asked for, "
                f"{asked:%-d %B %Y}",
            )
        return data


class ReturnForm(GovUKForm):
    """A manager returns a decision waiting for sign-off, with the reasons."""

    reasons = text_field(
        "Why are you returning this decision?",
        "Enter why you are returning the decision",
        long=True,
        required=True,
        help_text="The practitioner sees this on the draft. Say what needs to change.",
    )


class ReviewForm(GovUKForm):
    """A manager's review after the event of an urgent share."""

    notes = text_field(
        "Your review",
        "Enter your review of the decision",
        long=True,
        required=True,
        help_text="Whether sharing was right, and anything to follow up.",
    )
