"""Requests for information between agencies, and requests from outside the system that a
receiving practitioner logs. "Timely: to prevent delay which could place a child at an
increased risk of harm" (7 principles); "if the decision is not to share, discuss the
reasons with the requester" (record keeping)."""

from __future__ import annotations

import datetime
import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import ContactMethod, Purpose, Urgency


class StatutoryBasis(models.TextChoices):
    S47 = "ca1989_s47", "Children Act 1989 section 47 (enquiry into significant harm)"
    S17 = "ca1989_s17", "Children Act 1989 section 17 (child in need)"
    S11 = "ca2004_s11", "Children Act 2004 section 11 (duty to safeguard)"
    S10 = "ca2004_s10", "Children Act 2004 section 10 (co-operation to improve well-being)"
    CDA115 = "cda1998_s115", "Crime and Disorder Act 1998 section 115"
    OTHER = "other", "Another statutory basis"
    NONE = "none", "None: the request relies on consent or another lawful basis"


class Status(models.TextChoices):
    OPEN = "open", "New"
    ASSIGNED = "assigned", "Assigned"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Response(models.TextChoices):
    SHARED = "shared", "Shared"
    SHARED_PART = "shared_part", "Shared in part"
    DECLINED = "declined", "Declined"
    ADVICE = "advice", "Advice sought before deciding"


class InformationRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="requests_received"
    )
    # In-system requests come from a user of another agency; requests from outside the
    # system are logged by the receiving practitioner with who asked and how they were checked.
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="requests_sent", null=True, blank=True
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    logged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    external_requester_name = models.CharField(max_length=200, blank=True)
    external_requester_role = models.CharField(max_length=200, blank=True)
    external_requester_organisation = models.CharField(max_length=200, blank=True)
    external_requester_contact = models.CharField(max_length=200, blank=True)
    external_received_by = models.CharField(
        max_length=16, choices=ContactMethod.choices, blank=True
    )
    external_identity_check = models.TextField(blank=True)

    # Who the request is about, as the requester knows them; the receiving agency links its
    # own records when it handles the request.
    subject_details = models.TextField()
    subjects = models.ManyToManyField(Person, related_name="requests", blank=True)
    purpose_category = models.ForeignKey(Purpose, on_delete=models.PROTECT)
    purpose = models.TextField()
    information_needed = models.TextField()
    why_needed = models.TextField()
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    statutory_basis = models.CharField(max_length=16, choices=StatutoryBasis.choices)
    statutory_basis_detail = models.CharField(max_length=300, blank=True)

    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=16, choices=Response.choices, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of who asked whom for what (requests/actions.py `content_digest`): the same
    # request sent twice while the first is open (a double click, the back button and
    # "send" again, a second tab) is the first one, never a second row. Derived from
    # fields the record digest already covers, so the ledger leaves it out.
    content_digest = models.CharField(max_length=64, blank=True, editable=False)

    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset({"content_digest"})
    # Set by the actions on the instance they return: True when the submission repeated an
    # open request and that request is returned instead of a new one. Not stored.
    repeated: bool = False

    class Meta:
        ordering = ["due_at"]
        # The queues: open ones by status, "all" by organisation alone, both by due date
        # with the id as the keyset's tie-break.
        indexes = [
            models.Index(fields=["to_organisation", "status", "due_at"]),
            models.Index(fields=["from_organisation", "status", "due_at"]),
            models.Index(fields=["to_organisation", "due_at", "id"], name="request_incoming_due"),
            models.Index(fields=["from_organisation", "due_at", "id"], name="request_outgoing_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_digest"],
                condition=models.Q(status__in=["open", "assigned"]) & ~models.Q(content_digest=""),
                name="one_open_request_per_content",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def requester_display(self) -> str:
        if self.requested_by_id and self.requested_by is not None:
            org = self.from_organisation.name if self.from_organisation else ""
            return f"{self.requested_by.display_name()}, {self.requested_by.job_title or 'practitioner'}, {org}"
        return ", ".join(
            x
            for x in [
                self.external_requester_name,
                self.external_requester_role,
                self.external_requester_organisation,
            ]
            if x
        )

    @property
    def is_open(self) -> bool:
        return self.status in {Status.OPEN, Status.ASSIGNED}

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.is_open:
            return now > self.due_at
        return bool(self.answered_at and self.answered_at > self.due_at)


class RequestNote(models.Model):
    """New information from the requester, or a note on handling: the 2024 advice asks a
    refusal to be reconsidered when the requester brings new information."""

    class Kind(models.TextChoices):
        NEW_INFORMATION = "new_information", "New information from the requester"
        ESCALATED = "escalated", "Escalated as overdue"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.request_id}"
