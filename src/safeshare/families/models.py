"""Telling the person or family later.

"Be open and honest with the individual (and/or their family where appropriate) from the
outset about why, what, how and with whom information will, or could be shared ... unless
it is unsafe or inappropriate to do so" (HM Government 2018, golden rule 2; 2024, rule 3);
"be transparent with the individual ... unless that increases risk" (7-minute briefing).
See guidance/CITATIONS.md. A decision recorded without telling them names the reason and a
date to review it; the decision itself never changes once finalised, so what happens later
is recorded here:

- `ToTell`: the working list, one row per finalised decision whose person or family was not
  told (families/signals.py makes it): the current review date and when its practitioner
  and managers were reminded of it. Derived state, not evidence: never in the ledger.
- `Told`: that they were told, when, how, by whom and what was said. Written once, one per
  decision; a ledger event of its own (families.told.recorded).
- `Review`: a review on or after the review date that found it still not safe to tell,
  with the reason and the next review date. Written once; a ledger event
  (families.review.deferred). A review date passing must not leave "told" as the only way
  off the list where telling would increase the risk.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision, NotInformedReason
from safeshare.vocabulary.models import ContactMethod


class WrittenOnce(Exception):
    """A told or review record was about to be changed or deleted."""


class ClosedWhy(models.TextChoices):
    TOLD = "told", "They have been told"
    CORRECTED = "corrected", "The decision was corrected"


class ToTell(models.Model):
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="to_tell")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The date to review whether they can be told: the decision's, then each review's next.
    review_on = models.DateField()
    # The review date its reminder was sent for (families/jobs.py): once per review date.
    reminded_for = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_why = models.CharField(max_length=16, choices=ClosedWhy.choices, blank=True)

    class Meta:
        ordering = ["review_on", "id"]
        indexes = [
            # The list (families/queries.py LIST_ORDER) and the reminders' due rows.
            models.Index(
                fields=["organisation", "review_on", "id"],
                name="families_to_tell_list",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"To tell for {self.decision_id}"


class _WrittenOnceModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise WrittenOnce(f"A {self._meta.verbose_name} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise WrittenOnce(f"A {self._meta.verbose_name} cannot be deleted")


class Told(_WrittenOnceModel):
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="told")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    told_on = models.DateField()
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    # Who told them: a name and role as the practitioner gives it ("Dana Lead, DSL").
    told_by = models.CharField(max_length=200)
    what_was_said = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "record that the family was told"

    def __str__(self) -> str:
        return f"Told for {self.decision_id}"


class Review(_WrittenOnceModel):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="told_reviews")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    reason = models.CharField(max_length=32, choices=NotInformedReason.choices)
    detail = models.TextField()
    next_review_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "review of telling the family"
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Review for {self.decision_id}"
