"""Advice asked about a draft decision, and the answer.

"If you are unsure about how or when to share information, seek advice" (7-minute
briefing); "Seek advice from other practitioners, or your information governance lead, if
you are in any doubt about sharing the information concerned, without disclosing the
identity of the individual where possible" (HM Government 2018, golden rule 3); "Seek advice
promptly whenever you are uncertain" (2024, rule 4). See guidance/CITATIONS.md. A practitioner asks their manager or designated safeguarding lead, their
information governance lead, or a named colleague, from any page of a draft. The request is
anonymised unless the practitioner chooses to share the person's identity
(advice/anonymise.py). The rows are the history of the advice; the answer is also written
into the draft's advice fields (decisions.actions.record_advice_answer), so the decision's
record and its ledger digest carry who advised, in what role, when and what.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import Organisation, Role, User
from safeshare.decisions.models import Decision
from safeshare.vocabulary.models import Urgency


class AdviserKind(models.TextChoices):
    MANAGER = "manager", "My manager or designated safeguarding lead"
    IG_LEAD = "ig_lead", "My information governance lead"
    COLLEAGUE = "colleague", "A named colleague"


# The role that answers a request addressed by role.
ROLE_FOR_KIND = {AdviserKind.MANAGER: Role.MANAGER, AdviserKind.IG_LEAD: Role.IG_LEAD}
KIND_FOR_ROLE = {role: kind for kind, role in ROLE_FOR_KIND.items()}

# Urgent first: the queue's order (advice/queries.py QUEUE_ORDER) is by this rank.
PRIORITY = {Urgency.IMMEDIATE: 0, Urgency.URGENT: 1, Urgency.STANDARD: 2}


class WithdrawnReason(models.TextChoices):
    DISCARDED = "discarded", "The draft was discarded"
    FINALISED = "finalised", "The decision was recorded before an answer"
    SIGN_OFF = "sign_off", "The draft was sent for sign-off before an answer"


class AdviceRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Kept when the draft is discarded (the request is withdrawn, and its ledger entries
    # still have their record).
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advice_requests",
    )
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    adviser_kind = models.CharField(max_length=16, choices=AdviserKind.choices)
    colleague = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    question = models.TextField()
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField()
    share_identities = models.BooleanField(default=False)
    asked_at = models.DateTimeField(default=timezone.now)

    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=16, choices=WithdrawnReason.choices, blank=True)

    # When the advisers were reminded that it is waiting (advice/jobs.py): once per request.
    # Not an event of the record: left out of its ledger digest.
    reminded_at = models.DateTimeField(null=True, blank=True)
    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset({"reminded_at"})

    class Meta:
        ordering = ["priority", "asked_at", "id"]
        indexes = [
            # The queue of a role (its order), and of a named colleague.
            models.Index(
                fields=["organisation", "adviser_kind", "priority", "asked_at", "id"],
                name="advice_role_queue",
                condition=models.Q(answered_at__isnull=True, withdrawn_at__isnull=True),
            ),
            models.Index(
                fields=["colleague", "priority", "asked_at", "id"],
                name="advice_colleague_queue",
                condition=models.Q(answered_at__isnull=True, withdrawn_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(adviser_kind="colleague") | models.Q(colleague__isnull=False),
                name="advice_colleague_is_named",
            )
        ]

    def __str__(self) -> str:
        return f"Advice request {self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.answered_at is None and self.withdrawn_at is None

    @property
    def urgency_word(self) -> str:
        """ "Immediate", "Urgent" or "Standard", for a list."""
        return str(self.get_urgency_display()).split(":")[0]

    @property
    def adviser_display(self) -> str:
        """Who was asked, as the pages say it (a colleague by name: a professional, not the
        person the decision is about)."""
        if self.adviser_kind == AdviserKind.COLLEAGUE and self.colleague is not None:
            return self.colleague.display_name()
        return ADDRESSED[AdviserKind(self.adviser_kind)]


ADDRESSED = {
    AdviserKind.MANAGER: "Manager or designated safeguarding lead",
    AdviserKind.IG_LEAD: "Information governance lead",
    AdviserKind.COLLEAGUE: "A named colleague",
}
