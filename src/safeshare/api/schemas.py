"""What the API takes and gives, field by field: nothing is serialised from a model's
whole row, so a column added later never leaks into a response unnoticed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from safeshare.core.forms import LONG_TEXT, SHORT_TEXT, clean_text
from safeshare.decisions.models import Urgency
from safeshare.requests.models import StatutoryBasis

# --- Input text: the rules of safeshare.core.forms.TextField --------------------------------


def _must_be_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Must be text")
    return value


def _checker(max_length: int, *, required: bool) -> Callable[[str], str]:
    """NFC-normalised and stripped text, refusing control characters and markup (as
    every form does), at most `max_length` characters, and not blank when required."""

    def check(value: str) -> str:
        try:
            cleaned = clean_text(value, "The text")
        except DjangoValidationError as exc:
            raise PydanticCustomError(
                exc.code or "invalid_text", "{message}", {"message": exc.messages[0]}
            ) from None
        if len(cleaned) > max_length:
            raise PydanticCustomError(
                "string_too_long",
                "Must be {max_length} characters or fewer",
                {"max_length": max_length},
            )
        if required and not cleaned:
            raise PydanticCustomError("missing", "Must not be blank")
        return cleaned

    return check


OptionalShortText = Annotated[
    str, BeforeValidator(_must_be_text), AfterValidator(_checker(SHORT_TEXT, required=False))
]
LongText = Annotated[
    str, BeforeValidator(_must_be_text), AfterValidator(_checker(LONG_TEXT, required=True))
]
SearchText = Annotated[
    str, BeforeValidator(_must_be_text), AfterValidator(_checker(100, required=True))
]


class Input(Schema):
    # Unknown fields are refused, not ignored: a misspelt field would otherwise vanish.
    model_config = ConfigDict(extra="forbid")


class SearchIn(Input):
    query: SearchText


UrgencyCode = Literal["immediate", "urgent", "standard"]
StatutoryBasisCode = Literal[
    "ca1989_s47", "ca1989_s17", "ca2004_s11", "ca2004_s10", "cda1998_s115", "other", "none"
]
# Kept in step with the models' choices (tests/api/test_openapi.py checks it).
URGENCY_CODES = frozenset(Urgency.values)
STATUTORY_BASIS_CODES = frozenset(StatutoryBasis.values)


class RequestIn(Input):
    to_organisation: UUID
    purpose_category: int
    subject_details: LongText
    purpose: LongText
    information_needed: LongText
    why_needed: LongText
    urgency: UrgencyCode
    statutory_basis: StatutoryBasisCode
    statutory_basis_detail: OptionalShortText = ""


# --- Output ---------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: UUID
    name: str


class IdentifierOut(Schema):
    kind: str
    value: str


class PersonOut(Schema):
    id: UUID
    kind: str
    given_names: str
    family_name: str
    known_as: str
    date_of_birth: datetime.date | None
    identifiers: list[IdentifierOut]


class PersonRefOut(Schema):
    id: UUID
    given_names: str
    family_name: str
    date_of_birth: datetime.date | None


class PurposeOut(Schema):
    id: int
    name: str


class ChronologyEntryOut(Schema):
    decision_id: UUID
    decided_at: datetime.datetime | None
    outcome: str
    outcome_title: str
    organisation: OrganisationOut
    recipient_organisation_id: UUID | None
    recipient_organisation: str
    purpose_category: PurposeOut | None


class PolicyOut(Schema):
    id: str
    version: str
    sha256: str


class ItemOut(Schema):
    id: UUID
    position: int
    text: str
    nature: str
    opinion_of: str
    currency: str
    relates_to: datetime.date | None
    source: str
    about_person_id: UUID | None
    special_category: bool
    identifies_third_party: bool


class RecipientOut(Schema):
    organisation_id: UUID | None
    organisation: str
    name: str
    role: str
    contact: str
    verification: str
    channel: str
    shared_at: datetime.datetime | None


class LawfulBasisOut(Schema):
    id: str
    title: str
    family: str
    accepted: bool


class ReceiptOut(Schema):
    entry_id: UUID
    sequence: int
    event_type: str
    time: datetime.datetime
    leaf_hash: str
    checkpoint_size: int | None


class DecisionOut(Schema):
    id: UUID
    status: str
    organisation: OrganisationOut
    started_at: datetime.datetime
    decided_at: datetime.datetime | None
    outcome: str
    outcome_title: str
    policy: PolicyOut
    subjects: list[PersonRefOut]
    purpose_category: PurposeOut | None
    purpose: str
    urgency: str
    items: list[ItemOut]
    recipient: RecipientOut
    lawful_bases: list[LawfulBasisOut]
    ledger_receipt: ReceiptOut | None


class RequestSummaryOut(Schema):
    id: UUID
    reference: str
    direction: Literal["incoming", "outgoing"]
    status: str
    urgency: str
    from_organisation: OrganisationOut | None
    to_organisation: OrganisationOut
    purpose_category: PurposeOut
    received_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    response: str


class RequestOut(RequestSummaryOut):
    subject_details: str
    purpose: str
    information_needed: str
    why_needed: str
    statutory_basis: str
    statutory_basis_detail: str
    answered_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None


DisclosureStatus = Literal["new", "opened", "acknowledged", "revoked", "expired"]


class DisclosureSummaryOut(Schema):
    """A line of "Shared with you": who sent what when, and what happened to it. No one's
    personal data."""

    id: UUID
    reference: str
    status: DisclosureStatus
    from_organisation: OrganisationOut
    sent_by: str
    sent_at: datetime.datetime
    available_until: datetime.date
    opened_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class LabelledOut(Schema):
    label: str
    value: str


class SenderOut(Schema):
    name: str
    role: str
    organisation: OrganisationOut
    contact: str


class DisclosureOut(DisclosureSummaryOut):
    """The content, for its named recipient while it is available."""

    subjects: list[PersonOut]
    purpose_category: PurposeOut | None
    purpose: str
    lawful_basis: list[LabelledOut]
    items: list[ItemOut]
    message: str
    sender: SenderOut


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]
