"""The record of an information sharing decision.

"All information sharing decisions and reasons must be recorded" (7-minute briefing;
HM Government 2018, golden rule 7). A decision starts as a draft that the practitioner can
leave and resume; once finalised it never changes: the model refuses, and a database
trigger (migration 0002) refuses an UPDATE or DELETE that bypasses the model.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from safeshare.accounts.models import Organisation, User
from safeshare.subjects.models import Person


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINALISED = "finalised", "Finalised"


class Outcome(models.TextChoices):
    SHARE_URGENTLY = "share_urgently", "Share urgently"
    SHARE = "share", "Share"
    SHARE_WITH_CONSENT = "share_with_consent", "Share with consent"
    SHARE_WITHOUT_CONSENT = "share_without_consent", "Share without consent"
    DO_NOT_SHARE = "do_not_share", "Do not share"
    SEEK_ADVICE = "seek_advice", "Seek advice"


class FinalisedRecordError(Exception):
    """A finalised decision was about to be changed or deleted."""


class Decision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="decisions"
    )
    subjects = models.ManyToManyField(Person, related_name="decisions")
    status = models.CharField(
        max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    purpose = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # The engine's whole explanation at the moment of deciding: path, reasons, warnings,
    # lawful bases checked, what to record and tell the subject.
    explanation = models.JSONField(default=dict, blank=True)
    policy_id = models.CharField(max_length=100, blank=True)
    policy_version = models.CharField(max_length=50, blank=True)
    policy_sha256 = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-started_at"]
        indexes = [models.Index(fields=["organisation", "status", "-decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(status="finalised")
                    & ~models.Q(outcome="")
                    & models.Q(decided_at__isnull=False)
                    & ~models.Q(policy_sha256="")
                ),
                name="finalised_decision_is_complete",
            )
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and (
            Decision.objects.filter(pk=self.pk, status=DecisionStatus.FINALISED).exists()
        ):
            raise FinalisedRecordError(
                "A finalised decision cannot be changed; record an amendment"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if (
            self.is_finalised
            or Decision.objects.filter(pk=self.pk, status=DecisionStatus.FINALISED).exists()
        ):
            raise FinalisedRecordError("A finalised decision cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_finalised(self) -> bool:
        return self.status == DecisionStatus.FINALISED
