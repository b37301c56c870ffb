"""What the API takes and gives, field by field: nothing is serialised from a model's
whole row, so a column added later never leaks into a response unnoticed. An answer that
is a model's columns as they are is a ModelSchema naming them (`Meta.fields`); the others
are written out, each saying why."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, get_args
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import ModelSchema, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError

from safeshare.accounts.models import Organisation
from safeshare.core.forms import CONTROL_CHARACTERS, LONG_TEXT, MARKUP, SHORT_TEXT, clean_text
from safeshare.requests.models import StatutoryBasis
from safeshare.subjects.forms import SearchForm
from safeshare.subjects.models import Identifier, Person
from safeshare.vocabulary.models import Purpose, Urgency

# --- Input text: the rules of safeshare.core.forms.clean_text, stated in the document ----
#
# The document's pattern is built from the same regexes clean_text refuses with, and the
# validator below applies clean_text itself, so the two cannot drift apart. What the
# document cannot say: the text is normalised (Unicode NFC) and trimmed before it is
# stored, and checked again after that (tests/api/test_schemas.py pins the difference down).

_CONTROL = CONTROL_CHARACTERS.pattern.removeprefix("[").removesuffix("]")
_NO_MARKUP = rf"^(?![\s\S]*{MARKUP.pattern})"
# Any text without control characters or markup; and, when it is required, with something
# other than spaces in it: spaces, the first other character, then anything. (Written so
# that a string splits only one way: "anything, a non-space, anything" makes a regex
# engine try every split, which is quadratic in the length.)
TEXT_PATTERN = rf"{_NO_MARKUP}[^{_CONTROL}]*$"
REQUIRED_TEXT_PATTERN = rf"{_NO_MARKUP}[^\S{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
NORMALISED = "Normalised (Unicode NFC) and trimmed before it is stored, and checked again then."


def _must_be_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Must be text")
    return value


def _checker(max_length: int, *, required: bool) -> Callable[[str, ValidationInfo], str]:
    """At most `max_length` characters as sent and once cleaned (clean_text: NFC-normalised
    and trimmed, refusing control characters and markup), and not blank when required.
    Each message names the field."""

    def check(value: str, info: ValidationInfo) -> str:
        field = info.field_name or "The text"
        if len(value) > max_length:
            raise _too_long(field, max_length)
        try:
            cleaned = clean_text(value, field)
        except DjangoValidationError as exc:
            raise PydanticCustomError(
                exc.code or "invalid_text", "{message}", {"message": exc.messages[0]}
            ) from None
        if len(cleaned) > max_length:
            raise _too_long(field, max_length)
        if required and not cleaned:
            raise PydanticCustomError("missing", "Enter {field}", {"field": field})
        return cleaned

    return check


def _too_long(field: str, max_length: int) -> PydanticCustomError:
    return PydanticCustomError(
        "string_too_long",
        "{field} must be {max_length} characters or fewer",
        {"field": field, "max_length": max_length},
    )


def text(max_length: int, *, required: bool) -> Any:
    """A text field of the API: validated as above, documented as a string with its
    length limit and pattern."""
    schema: dict[str, Any] = {
        "type": "string",
        "maxLength": max_length,
        "pattern": REQUIRED_TEXT_PATTERN if required else TEXT_PATTERN,
    }
    if required:
        schema["minLength"] = 1
    return Annotated[
        str,
        BeforeValidator(_must_be_text),
        AfterValidator(_checker(max_length, required=required)),
        WithJsonSchema(schema),
    ]


# The search box's own limit (subjects.forms.SearchForm).
_search_box = SearchForm.base_fields["q"]
assert isinstance(_search_box, forms.CharField) and _search_box.max_length
SEARCH_TEXT: int = _search_box.max_length

if TYPE_CHECKING:
    OptionalShortText = str
    LongText = str
    SearchText = str
else:
    OptionalShortText = text(SHORT_TEXT, required=False)
    LongText = text(LONG_TEXT, required=True)
    SearchText = text(SEARCH_TEXT, required=True)


# --- Ids: exactly the JSON types the document gives ------------------------------------------

# An id as the document's `format: uuid` has it (pydantic would also take braces, "urn:uuid:"
# or no hyphens, which the document does not promise).
_UUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def _must_be_uuid_text(value: Any) -> Any:
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise PydanticCustomError(
            "uuid_parsing", "Must be an id like 0b7e3f4a-8c1d-4e5f-9a2b-3c4d5e6f7a8b"
        )
    return value


def _must_be_whole_number(value: Any) -> Any:
    # JSON has no integers apart from numbers: 3.0 is one; "3" and true are not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_parsing", "Must be a whole number")
    return value


if TYPE_CHECKING:
    Id = UUID
    Number = int
else:
    Id = Annotated[UUID, BeforeValidator(_must_be_uuid_text)]
    Number = Annotated[int, BeforeValidator(_must_be_whole_number)]


class Input(Schema):
    # Unknown fields are refused, not ignored: a misspelt field would otherwise vanish.
    model_config = ConfigDict(extra="forbid")


class SearchIn(Input):
    query: SearchText = Field(
        description=f"A name, NHS number or other identifier. {NORMALISED}",
        examples=["Oliver Novak"],
    )


UrgencyCode = Literal["immediate", "urgent", "standard"]
StatutoryBasisCode = Literal[
    "ca1989_s47", "ca1989_s17", "ca2004_s11", "ca2004_s10", "cda1998_s115", "other", "none"
]
# Kept in step with the models' choices (tests/api/test_openapi.py checks it).
URGENCY_CODES = frozenset(Urgency.values)
STATUTORY_BASIS_CODES = frozenset(StatutoryBasis.values)


class RequestIn(Input):
    to_organisation: Id = Field(
        description="The id of another organisation in the partnership: the document you are given lists those you can ask."
    )
    purpose_category: Number = Field(
        description="The id of one of the partnership's purposes: the document you are given lists the active ones."
    )
    subject_details: LongText
    purpose: LongText
    information_needed: LongText
    why_needed: LongText
    urgency: UrgencyCode
    statutory_basis: StatutoryBasisCode
    statutory_basis_detail: OptionalShortText = ""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"description": f"Every text: {NORMALISED}"},
    )


# --- Output ---------------------------------------------------------------------------------

_Answer = TypeVar("_Answer", bound=ModelSchema)


def as_stored(schema: type[_Answer]) -> type[_Answer]:
    """`schema`'s model fields as an answer gives them: every one in every answer
    (required), null only where its column is. ninja would carry over what the model says
    of input (a primary key, a default or blank=True as optional; max_length, verbose_name,
    help_text), which the document does not say of an answer."""
    meta: Any = schema.Meta  # type: ignore[attr-defined]  # ModelSchema's Meta is untyped
    assert list(schema.model_fields) == list(meta.fields), "columns only, in Meta.fields' order"
    fields: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        column = meta.model._meta.get_field(name)
        assert column.concrete and not column.is_relation, f"{name}: a column, not a relation"
        python: Any = next((t for t in get_args(field.annotation) if t is not type(None)), None)
        python = python or field.annotation
        fields[name] = (python | None if column.null else python, ...)
    return create_model(
        schema.__name__,
        __base__=schema,
        __module__=schema.__module__,
        __doc__=schema.__doc__,
        **fields,
    )


@as_stored
class OrganisationOut(ModelSchema):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


@as_stored
class IdentifierOut(ModelSchema):
    class Meta:
        model = Identifier
        fields = ["kind", "value"]


# Written out: nested (the person's identifiers); a ModelSchema puts a declared field first.
class PersonOut(Schema):
    id: UUID
    kind: str
    given_names: str
    family_name: str
    known_as: str
    date_of_birth: datetime.date | None
    identifiers: list[IdentifierOut]


@as_stored
class PersonRefOut(ModelSchema):
    class Meta:
        model = Person
        fields = ["id", "given_names", "family_name", "date_of_birth"]


@as_stored
class PurposeOut(ModelSchema):
    class Meta:
        model = Purpose
        fields = ["id", "name"]


# Written out: a decision as a chronology line (renamed keys, a display value, nested).
class ChronologyEntryOut(Schema):
    decision_id: UUID
    decided_at: datetime.datetime | None
    outcome: str
    outcome_title: str
    organisation: OrganisationOut
    recipient_organisation_id: UUID | None
    recipient_organisation: str
    purpose_category: PurposeOut | None


# Written out: the decision's policy_id, policy_version and policy_sha256, renamed.
class PolicyOut(Schema):
    id: str
    version: str
    sha256: str


# Written out: renamed key (about_person_id, the `about` column), in its place.
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


# Written out: the decision's recipient_* columns and a display value, renamed.
class RecipientOut(Schema):
    organisation_id: UUID | None
    organisation: str
    name: str
    role: str
    contact: str
    verification: str
    channel: str
    shared_at: datetime.datetime | None


# Written out: read from the decision's explanation (JSON), not from columns.
class LawfulBasisOut(Schema):
    id: str
    title: str
    family: str
    accepted: bool


# Written out: the ledger's receipt (ledger.queries.Receipt), not a model's row.
class ReceiptOut(Schema):
    entry_id: UUID
    sequence: int
    event_type: str
    time: datetime.datetime
    leaf_hash: str
    checkpoint_size: int | None


# Written out: nested, with computed fields (outcome_title, lawful_bases, ledger_receipt).
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


# Written out: computed fields (direction, overdue) and nested organisations and purpose.
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


# Written out: the summary's fields first, then the request's own.
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


# Written out: computed (status now, the read receipt's times, the sender's name).
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


# Written out: a label and a value, not a model's row.
class LabelledOut(Schema):
    label: str
    value: str


# Written out: the disclosure's sender, from renamed columns and a display name.
class SenderOut(Schema):
    name: str
    role: str
    organisation: OrganisationOut
    contact: str


# Written out: nested (the people, the items, the sender).
class DisclosureOut(DisclosureSummaryOut):
    """The content, for its named recipient while it is available."""

    subjects: list[PersonOut]
    purpose_category: PurposeOut | None
    purpose: str
    lawful_basis: list[LabelledOut]
    items: list[ItemOut]
    message: str
    sender: SenderOut


# Written out (as the two below): the error answers, not a model's.
class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


# --- Idempotency-Key -------------------------------------------------------------------------

IDEMPOTENCY_KEY_LENGTH = 100
_KEY = re.compile(r"[A-Za-z0-9._:-]+")
IDEMPOTENCY_KEY_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": IDEMPOTENCY_KEY_LENGTH,
    "pattern": f"^{_KEY.pattern}$",
}


def _must_be_key(value: Any) -> Any:
    if value is None:
        return value
    if (
        not isinstance(value, str)
        or len(value) > IDEMPOTENCY_KEY_LENGTH
        or not _KEY.fullmatch(value)
    ):
        raise PydanticCustomError(
            "idempotency_key",
            "Idempotency-Key must be 1 to {length} letters, digits, '.', '_', ':' or '-' (a new UUID for each new request will do)",
            {"length": IDEMPOTENCY_KEY_LENGTH},
        )
    return value


if TYPE_CHECKING:
    IdempotencyKey = str | None
else:
    IdempotencyKey = Annotated[
        str | None, BeforeValidator(_must_be_key), WithJsonSchema(IDEMPOTENCY_KEY_SCHEMA)
    ]
