"""The consent register: each person's consent, given or refused, recorded once and relied
on by as many decisions as it serves.

Consent must be freely given, specific, informed and unambiguous, and can be withdrawn at
any time (UK GDPR Art 4(11), Art 7(3)); special category information needs explicit
consent (Art 9(2)(a)). A refusal means consent was never given (Art 6(1)(a), 9(2)(a)). See
guidance/CITATIONS.md. An entry is written once; what happens to it later (withdrawn,
reviewed) is a new ConsentEvent row, and which decisions relied on it are Reliance rows:
none of them is ever changed or deleted (the models refuse, and so do database triggers,
consent/guards.py). The entry's state now is worked out from its events.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import ContactMethod, Purpose


class ImmutableConsentError(Exception):
    """A consent register row was about to be changed or deleted."""


class WriteOnce(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableConsentError(
                "The consent register keeps its history: record a new event"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableConsentError("The consent register keeps its history: nothing is deleted")


class EntryStatus(models.TextChoices):
    GIVEN = "given", "Consent was given"
    REFUSED = "refused", "Consent was refused"


class GivenBy(models.TextChoices):
    PERSON = "person", "The person themselves"
    PARENTAL_RESPONSIBILITY = (
        "parental_responsibility",
        "Someone with parental responsibility for them",
    )


class State(models.TextChoices):
    """What the entry says now, from its events."""

    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class ConsentEntry(WriteOnce):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consent_entries")
    status = models.CharField(max_length=16, choices=EntryStatus.choices)
    given_by_kind = models.CharField(max_length=32, choices=GivenBy.choices)
    # Named when someone with parental responsibility gave or refused it ("Kerry Morgan,
    # mother"); blank when it was the person.
    given_by_name = models.CharField(max_length=200, blank=True)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    scope = models.TextField()
    recipients = models.TextField()
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    obtained_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    explicit = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-recorded_at", "-id"], name="consent_person_register"),
            models.Index(fields=["organisation", "review_on"], name="consent_review_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(given_by_kind="parental_responsibility")
                | ~models.Q(given_by_name=""),
                name="consent_entry_names_parent",
            )
        ]

    def __str__(self) -> str:
        return f"Consent entry {self.pk}"

    @property
    def given_by_display(self) -> str:
        if self.given_by_kind == GivenBy.PARENTAL_RESPONSIBILITY:
            return f"{self.given_by_name} (parental responsibility)"
        return self.person.full_name

    # The state now, from the events prefetched with it (queries.py), or one query.

    def _events(self, kind: str) -> list[ConsentEvent]:
        return [e for e in self.events.all() if e.kind == kind]

    @property
    def withdrawal(self) -> ConsentEvent | None:
        found = self._events(EventKind.WITHDRAWN)
        return found[0] if found else None

    @property
    def last_review(self) -> ConsentEvent | None:
        found = sorted(self._events(EventKind.REVIEWED), key=lambda e: (e.recorded_at, str(e.pk)))
        return found[-1] if found else None

    @property
    def next_review_on(self) -> datetime.date | None:
        review = self.last_review
        return review.next_review_on if review is not None else self.review_on

    def state(self, today: datetime.date | None = None) -> State:
        if self.status == EntryStatus.REFUSED:
            return State.REFUSED
        if self.withdrawal is not None:
            return State.WITHDRAWN
        if self.expires_on and self.expires_on <= (today or timezone.localdate()):
            return State.EXPIRED
        return State.GIVEN

    @property
    def state_now(self) -> State:
        return self.state()

    @property
    def can_be_relied_on(self) -> bool:
        return self.state() == State.GIVEN

    def review_due(self, today: datetime.date | None = None) -> bool:
        due = self.next_review_on
        return (
            self.state(today) == State.GIVEN
            and due is not None
            and due <= (today or timezone.localdate())
        )


class EventKind(models.TextChoices):
    WITHDRAWN = "withdrawn", "Consent withdrawn"
    REVIEWED = "reviewed", "Consent reviewed"


class ConsentEvent(WriteOnce):
    """Something that happened to an entry: withdrawn (once), or reviewed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(ConsentEntry, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    # Withdrawn: by whom (the person, or someone with parental responsibility, named),
    # when, how they told us and why; reviewed: when, what was found, the next review.
    by_kind = models.CharField(max_length=32, choices=GivenBy.choices, blank=True)
    by_name = models.CharField(max_length=200, blank=True)
    happened_on = models.DateField()
    method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    note = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(kind="withdrawn"),
                name="consent_withdrawn_once",
            )
        ]

    def __str__(self) -> str:
        return f"Consent event {self.pk}"

    @property
    def by_display(self) -> str:
        if self.by_kind == GivenBy.PARENTAL_RESPONSIBILITY:
            return f"{self.by_name} (parental responsibility)"
        return self.entry.person.full_name if self.by_kind else ""


class Reliance(WriteOnce):
    """A decision relied on an entry. The decision is not a database foreign key: a draft
    can be discarded (it was never a decision), and the row that says it once relied on
    this consent stays."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(ConsentEntry, on_delete=models.PROTECT, related_name="reliances")
    decision = models.ForeignKey(
        Decision,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="consent_reliances",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(fields=["decision", "-recorded_at"], name="consent_reliance_latest")
        ]

    def __str__(self) -> str:
        return f"Reliance {self.pk}"


class ReviewNotice(models.Model):
    """The recorder was told an entry's review or expiry date was reached (consent/jobs.py):
    once per entry, kind and date. Not an event of the entry: no ledger entry."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Review date reached"
        EXPIRY = "expiry", "Expiry date reached"

    entry = models.ForeignKey(ConsentEntry, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind", "due_on"], name="consent_notice_once")
        ]

    def __str__(self) -> str:
        return f"Review notice {self.pk}"
