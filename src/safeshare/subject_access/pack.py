"""The subject access pack: everything the organisation holds in safeshare about the
person, as sections of rows, with this request's redactions applied.

`build_pack` is the one function every rendering calls: the CSV file (export.py), the
page styled for printing (views.pack) and, when it lands, the PDF renderer. It reads
through the apps' own scoped queries and changes nothing: a redaction replaces an item's
text here, in the pack, never in the record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.audit.queries import views_of_person
from safeshare.consent.queries import held_about
from safeshare.decisions.models import Decision, InformationItem
from safeshare.decisions.queries import decisions_about_person
from safeshare.disclosures.models import Disclosure
from safeshare.disclosures.queries import disclosures_sent_by
from safeshare.families.queries import told_and_reviews_of
from safeshare.federation.models import STATUS_LABELS, SentDisclosure
from safeshare.requests.models import InformationRequest
from safeshare.requests.queries import requests_for_user
from safeshare.subject_access.models import REDACTED_TEXT, SubjectAccessRequest

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    # An information item's row: the IG lead may redact it (queries.get_item_for_request).
    item_id: str = ""
    third_party: bool = False
    redacted: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    empty: str = "None recorded."


@dataclass(frozen=True)
class Pack:
    request: SubjectAccessRequest
    organisation: str
    produced_at: datetime.datetime
    summary: list[tuple[str, str]]
    sections: list[Section]

    @property
    def flagged(self) -> list[Row]:
        """Items that identify a third party, redacted or not."""
        return [row for s in self.sections for row in s.rows if row.third_party]

    @property
    def redacted_count(self) -> int:
        return sum(1 for s in self.sections for row in s.rows if row.redacted)


def _date(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _when(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%-d %B %Y, %H:%M}" if value else ""


def _yes(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: ""}[value]


def _decisions(user: User, request: SubjectAccessRequest) -> list[Decision]:
    found = decisions_about_person(user, request.person).select_related(
        "purpose_category", "consent_withdrawal__withdrawn_by_person"
    )
    # The chronology is newest first; a pack reads in the order things happened.
    return sorted(found, key=lambda d: (d.decided_at or timezone.now(), str(d.pk)))


def _requests(user: User, request: SubjectAccessRequest) -> QuerySet[InformationRequest]:
    return (
        requests_for_user(user)
        .filter(subjects=request.person)
        .distinct()
        .order_by("received_at", "id")
    )


def _disclosures(user: User, decisions: list[Decision]) -> QuerySet[Disclosure]:
    return (
        disclosures_sent_by(user)
        .filter(decision_id__in=[d.pk for d in decisions])
        .prefetch_related("receipts__by")
        .order_by("sent_at", "id")
    )


def _federated(user: User, decisions: list[Decision]) -> list[SentDisclosure]:
    """What the organisation sent from these decisions to other partnerships (federation)."""
    return list(
        SentDisclosure.objects.filter(
            organisation=user.organisation, decision_id__in=[d.pk for d in decisions]
        )
        .select_related("sent_by", "inbound__peer")
        .prefetch_related("events__by")
        .order_by("sent_at", "id")
    )


def _item_row(decision: Decision, item: InformationItem, redacted: set[UUID]) -> Row:
    is_redacted = item.pk in redacted
    return Row(
        (
            _date(timezone.localdate(decision.decided_at) if decision.decided_at else None),
            str(item.position),
            REDACTED_TEXT if is_redacted else item.text,
            item.get_nature_display(),
            item.get_currency_display(),
            item.source,
            "Yes" if item.identifies_third_party else "No",
        ),
        item_id=str(item.pk),
        third_party=item.identifies_third_party,
        redacted=is_redacted,
    )


def build_pack(user: User, request: SubjectAccessRequest) -> Pack:
    """The pack for `request`, as `user` may see it (the caller has checked
    permissions.can_view_request). A fixed number of queries, however much is held."""
    person = request.person
    redacted = set(request.redactions.values_list("item_id", flat=True))
    decisions = _decisions(user, request)
    disclosures = list(_disclosures(user, decisions))
    federated = _federated(user, decisions)
    identifiers = ", ".join(str(i) for i in person.identifiers.all())
    decided = {d.pk: _when(d.decided_at) for d in decisions}
    told, reviews = told_and_reviews_of(decisions)
    summary = [
        ("Person", person.full_name),
        ("Date of birth", _date(person.date_of_birth) or "Not recorded"),
        ("Identifiers", identifiers or "None recorded"),
        ("Requested by", f"{request.requester_name} ({request.requester_relationship})"),
        ("Received", _date(request.received_on)),
        ("Due", _date(request.due_on)),
        (
            "Signed off",
            f"{_when(request.signed_off_at)} by {request.signed_off_by.display_name()}"
            if request.signed_off_at and request.signed_off_by
            else "Not yet signed off: this is a draft",
        ),
    ]
    sections = [
        Section(
            "decisions",
            "Information sharing decisions",
            ("Decided on", "Outcome", "Purpose", "Urgency", "Decided by", "What happened"),
            [
                Row(
                    (
                        _when(d.decided_at),
                        d.get_outcome_display()
                        + (
                            " (corrected by a later record)"
                            if getattr(d, "is_corrected", False)
                            else ""
                        ),
                        ", ".join(x for x in [str(d.purpose_category or ""), d.purpose] if x),
                        d.get_urgency_display(),
                        d.decided_by.display_name() if d.decided_by else "",
                        d.what_happened,
                    )
                )
                for d in decisions
            ],
        ),
        Section(
            "items",
            "Information recorded in those decisions",
            (
                "Decision of",
                "Item",
                "Information",
                "Fact or opinion",
                "Current or historical",
                "Source",
                "Identifies another person",
            ),
            [_item_row(d, item, redacted) for d in decisions for item in d.items.all()],
        ),
        Section(
            "consent",
            "Consent and its withdrawal",
            ("Decision of", "Consent", "Given by", "Asked on", "Withdrawn on", "Withdrawn by"),
            [
                Row(
                    (
                        _when(d.decided_at),
                        d.get_consent_status_display(),
                        d.consent_from,
                        _date(d.consent_asked_on),
                        _date(d.withdrawal.withdrawn_on) if d.withdrawal else "",
                        d.withdrawal.withdrawn_by_display if d.withdrawal else "",
                    )
                )
                for d in decisions
                if d.consent_status
            ],
        ),
        Section(
            "consent_register",
            "Consent register",
            (
                "Recorded",
                "Consent",
                "Given by",
                "Purpose",
                "Scope",
                "Recipients",
                "How obtained",
                "Obtained on",
                "Review or expiry",
                "Withdrawn",
            ),
            [
                Row(
                    (
                        _when(e.recorded_at),
                        e.get_status_display() + (" (explicit)" if e.explicit else ""),
                        e.given_by_display,
                        str(e.purpose),
                        e.scope,
                        e.recipients,
                        e.get_method_display(),
                        _date(e.obtained_on),
                        ", ".join(
                            x
                            for x in [
                                f"review {_date(e.next_review_on)}" if e.next_review_on else "",
                                f"expires {_date(e.expires_on)}" if e.expires_on else "",
                            ]
                            if x
                        ),
                        (
                            f"{_date(e.withdrawal.happened_on)} by {e.withdrawal.by_name}"
                            if e.withdrawal and e.withdrawal.by_name
                            else _date(e.withdrawal.happened_on)
                            if e.withdrawal
                            else ""
                        ),
                    )
                )
                for e in held_about(request.organisation_id, person)
            ],
        ),
        Section(
            "told",
            "Telling the person about a decision",
            ("Decision of", "What", "When", "By", "How", "Recorded by"),
            [
                Row(
                    (
                        decided.get(t.decision_id, ""),
                        "Told",
                        _date(t.told_on),
                        t.told_by,
                        t.get_method_display(),
                        t.recorded_by.display_name(),
                    )
                )
                for t in told
            ]
            + [
                Row(
                    (
                        decided.get(r.decision_id, ""),
                        f"Not told yet: {r.get_reason_display().lower()}",
                        _date(r.reviewed_on),
                        "",
                        f"Next review {_date(r.next_review_on)}",
                        r.recorded_by.display_name(),
                    )
                )
                for r in reviews
            ],
        ),
        Section(
            "requests",
            "Requests for information",
            ("Reference", "From", "To", "Received", "Purpose", "Status", "Response"),
            [
                Row(
                    (
                        r.reference,
                        str(r.from_organisation or r.external_requester_organisation),
                        str(r.to_organisation),
                        _when(r.received_at),
                        ", ".join(x for x in [str(r.purpose_category), r.purpose] if x),
                        r.get_status_display(),
                        r.get_response_display(),
                    )
                )
                for r in _requests(user, request)
            ],
        ),
        Section(
            "disclosures",
            "Information sent through safeshare",
            ("Reference", "Sent", "Sent by", "Recipient", "Items", "Available until", "Status"),
            [
                Row(
                    (
                        d.reference,
                        _when(d.sent_at),
                        d.sender_display,
                        d.recipient_display,
                        str(d.item_count),
                        _date(d.available_until),
                        d.status_now.label,
                    )
                )
                for d in disclosures
            ],
        ),
        Section(
            "federated",
            "Information sent to other partnerships",
            ("Reference", "Sent", "Sent by", "Recipient", "Items", "Available until", "Status"),
            [
                Row(
                    (
                        d.reference,
                        _when(d.sent_at),
                        d.sent_by.display_name(),
                        f"{d.inbound.requester_name}, {d.inbound.organisation_name}, "
                        f"through {d.inbound.peer.name}'s safeshare",
                        str(len(d.item_ids)),
                        _date(d.expires_at.date()),
                        STATUS_LABELS[d.status()],
                    )
                )
                for d in federated
            ],
        ),
        Section(
            "receipts",
            "Receipts and acknowledgements",
            ("Disclosure", "What", "By", "When"),
            [
                Row((d.reference, r.get_kind_display(), r.by.display_name(), _when(r.at)))
                for d in disclosures
                for r in sorted(d.receipts.all(), key=lambda r: r.at)
            ]
            + [
                Row(
                    (d.reference, "Revoked", d.revocation.by.display_name(), _when(d.revocation.at))
                )
                for d in disclosures
                if d.revoked is not None
            ]
            + [
                Row(
                    (
                        d.reference,
                        STATUS_LABELS[e.kind],
                        e.by.display_name()
                        if e.by is not None
                        else "The recipient, as their safeshare reported it",
                        _when(e.at),
                    )
                )
                for d in federated
                for e in d.events.all()
            ],
        ),
        Section(
            "views",
            "Who has viewed this record",
            ("When", "Who", "Organisation", "What", "Result"),
            [
                Row(
                    (
                        _when(v.at),
                        v.user.display_name() if v.user else "Recipient outside safeshare",
                        str(v.organisation or ""),
                        v.what,
                        v.get_outcome_display(),
                    )
                )
                for v in views_of_person(user, person)
            ],
        ),
    ]
    return Pack(
        request=request,
        organisation=str(request.organisation),
        produced_at=timezone.now(),
        summary=summary,
        sections=sections,
    )


__all__ = ["MARKING", "Pack", "Row", "Section", "build_pack"]
