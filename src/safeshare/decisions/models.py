"""The record of an information sharing decision.

"All information sharing decisions and reasons must be recorded" (7-minute briefing;
HM Government 2018, golden rule 7): what, when, how and with whom; the reasons, also when
not sharing; who was told; who advised. A decision starts as a draft that the practitioner
can leave and resume; once finalised it never changes: the model refuses, and database
triggers (core/immutability.py) refuse an UPDATE or DELETE that bypasses the model.
Corrections are amendments: a new decision that supersedes the old one, with a reason.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from safeshare.accounts.models import Organisation, User
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import SHARING_OUTCOMES, ContactMethod, Outcome, Purpose, Urgency


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    # Complete, and waiting for a manager's sign-off under the policy's `sign_off` rules
    # (decisions/signoff.py): not final, and not editable until it is returned.
    AWAITING_SIGN_OFF = "awaiting", "Waiting for sign-off"
    FINALISED = "finalised", "Finalised"


class Kind(models.TextChoices):
    REQUEST = "request", "Responding to a request for information"
    PROACTIVE = "proactive", "Sharing on my own initiative"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Consent was given"
    REFUSED = "refused", "Consent was refused"
    WITHDRAWN = "withdrawn", "Consent was given and later withdrawn"
    NOT_SOUGHT = "not_sought", "Consent was not sought"


class ConsentNotSoughtReason(models.TextChoices):
    UNSAFE = "unsafe", "Asking would put a child or someone else at risk"
    PREJUDICE = "prejudice", "Asking would prejudice an enquiry or investigation"
    NOT_APPROPRIATE = "not_appropriate", "Consent is not the appropriate lawful basis"
    CANNOT_BE_GIVEN = "cannot_be_given", "The person cannot give consent"


class Channel(models.TextChoices):
    IN_SYSTEM = "in_system", "Secure disclosure through safeshare"
    SECURE_EMAIL = "secure_email", "Secure email"
    PHONE = "phone", "Telephone call"
    MEETING = "meeting", "Meeting"
    LETTER = "letter", "Letter"


class RecipientVerification(models.TextChoices):
    DIRECTORY = "directory", "Checked against the partnership directory"
    CALLED_BACK = "called_back", "Called back on a number from an official source"
    KNOWN = "known", "Known to me in their professional role"
    SECURE_DOMAIN = "secure_domain", "Secure email address on the organisation's official domain"
    ID_CHECKED = "id_checked", "Identity document or warrant card checked in person"


class NotInformedReason(models.TextChoices):
    RISK_OF_HARM = "risk_of_harm", "Telling them would create or increase the risk of harm"
    PREJUDICE = "prejudice", "Telling them would prejudice an enquiry or investigation"
    NOT_PRACTICABLE = "not_practicable", "It is not practicable yet"


@dataclass(frozen=True)
class Timeliness:
    took: datetime.timedelta
    due: datetime.datetime
    late: bool
    target: str

    @property
    def took_text(self) -> str:
        minutes = int(self.took.total_seconds() // 60)
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        parts = []
        if days:
            parts.append(f"{days} day{'s' if days != 1 else ''}")
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        if minutes or not parts:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)


def target_text(urgency: str) -> str:
    target = settings.SAFESHARE_URGENCY_TARGETS.get(urgency, {})
    if "hours" in target:
        return f"{target['hours']} hour{'s' if target['hours'] != 1 else ''}"
    days = target.get("working_days", 0)
    return f"{days} working day{'s' if days != 1 else ''}"


def timeliness(decision: Decision) -> Timeliness | None:
    """Time from the request (or from starting, when proactive) to the decision, against the
    partnership's target for its urgency, in working days ("timely: delay can increase
    risk"). Immediate and urgent decisions past their target are flagged as late."""
    from safeshare.core.workdays import add_working_time

    if decision.decided_at is None or not decision.urgency:
        return None
    start = decision.received_or_started_at
    due = add_working_time(start, decision.urgency, settings.SAFESHARE_URGENCY_TARGETS)
    late = decision.urgency in {Urgency.IMMEDIATE, Urgency.URGENT} and decision.decided_at > due
    took = max(decision.decided_at - start, datetime.timedelta(0))
    return Timeliness(took=took, due=due, late=late, target=target_text(decision.urgency))


class FinalisedRecordError(Exception):
    """A finalised decision was about to be changed or deleted."""


def explanation_sha256(content: dict[str, Any]) -> str:
    """The explanation's address: SHA-256 of its canonical JSON (sorted keys, no spaces)."""
    from safeshare.ledger.bundle import canonical_json

    return hashlib.sha256(canonical_json(content)).hexdigest()


class Explanation(models.Model):
    """What the guidance engine said about a set of answers under one policy file, frozen
    when a decision is finalised. Many decisions share the same answers, and so the same
    text: it is stored once, under the SHA-256 of its canonical JSON (content-addressed),
    written once and never changed (the model refuses, database triggers refuse, and
    `safeshare ledger verify` checks every row's content against its address)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    policy_sha256 = models.CharField(max_length=64)
    content = models.JSONField()

    # `safeshare ledger verify` checks every row's content still hashes to its address.
    ledger_content_addressed: ClassVar[tuple[str, Any]] = ("sha256", explanation_sha256)

    def __str__(self) -> str:
        return f"Explanation {self.sha256[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FinalisedRecordError("A frozen explanation cannot be changed")
        if self.sha256 != explanation_sha256(self.content):
            raise ValueError("An explanation is stored under the SHA-256 of its content")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise FinalisedRecordError("A frozen explanation cannot be deleted")

    @classmethod
    def freeze(cls, content: dict[str, Any], policy_sha256: str) -> Explanation:
        """The stored row for this content: found by its address, or written now (two
        finalisations writing the same one at once: the second finds the first's)."""
        from django.db import IntegrityError, transaction

        address = explanation_sha256(content)
        found = cls.objects.filter(sha256=address).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return cls.objects.create(
                    sha256=address, policy_sha256=policy_sha256, content=content
                )
        except IntegrityError:
            return cls.objects.get(sha256=address)


class Decision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="decisions"
    )
    subjects = models.ManyToManyField(Person, related_name="decisions")
    status = models.CharField(
        max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )

    # Why: a request, or sharing on the practitioner's own initiative.
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    requester_name = models.CharField(max_length=200, blank=True)
    requester_role = models.CharField(max_length=200, blank=True)
    requester_organisation = models.CharField(max_length=200, blank=True)
    request_method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    request_received_at = models.DateTimeField(null=True, blank=True)
    requester_verification = models.TextField(blank=True)
    purpose_category = models.ForeignKey(Purpose, on_delete=models.PROTECT, null=True, blank=True)
    purpose = models.TextField(blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, blank=True)

    # The guided questions and what the guidance engine made of them.
    answers = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    # The engine's whole explanation when finalised (path, reasons, warnings, lawful bases
    # checked, how to share, what to tell the subject, what to record), stored once per
    # distinct content and referenced by its SHA-256, which the record digest covers.
    frozen_explanation = models.ForeignKey(
        "Explanation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy_id = models.CharField(max_length=100, blank=True)
    policy_version = models.CharField(max_length=50, blank=True)
    policy_sha256 = models.CharField(max_length=64, blank=True)

    # Consent: who was asked, when, how, what they agreed to; or why it was not sought.
    consent_status = models.CharField(max_length=16, choices=ConsentStatus.choices, blank=True)
    consent_from = models.CharField(max_length=200, blank=True)
    consent_asked_on = models.DateField(null=True, blank=True)
    consent_method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    consent_scope = models.TextField(blank=True)
    consent_not_sought_reason = models.CharField(
        max_length=24, choices=ConsentNotSoughtReason.choices, blank=True
    )
    consent_detail = models.TextField(blank=True)

    # The seven principles, each confirmed with a short justification: {principle: text}.
    principles = models.JSONField(default=dict, blank=True)

    # With whom, and how their identity and contact details were checked.
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_organisation_name = models.CharField(max_length=200, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_role = models.CharField(max_length=200, blank=True)
    recipient_contact = models.CharField(max_length=200, blank=True)
    recipient_verification = models.CharField(
        max_length=16, choices=RecipientVerification.choices, blank=True
    )
    recipient_verification_detail = models.TextField(blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    # Checked when the recipient is saved: the contact used against the partnership
    # directory, and an information sharing agreement covering recipient and purpose; with
    # no agreement, the practitioner says why sharing is justified without one.
    recipient_in_directory = models.BooleanField(default=False)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    no_agreement_justification = models.TextField(blank=True)

    # Transparency: told, or why not and when to look at that again.
    subject_informed = models.BooleanField(null=True, blank=True)
    informed_on = models.DateField(null=True, blank=True)
    informed_method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    informed_by = models.CharField(max_length=200, blank=True)
    not_informed_reason = models.CharField(
        max_length=16, choices=NotInformedReason.choices, blank=True
    )
    not_informed_detail = models.TextField(blank=True)
    inform_review_on = models.DateField(null=True, blank=True)

    # Advice sought: from whom (name and role, not just "manager"), when, what was advised.
    advice_sought = models.BooleanField(null=True, blank=True)
    adviser_name = models.CharField(max_length=200, blank=True)
    adviser_role = models.CharField(max_length=200, blank=True)
    adviser_organisation = models.CharField(max_length=200, blank=True)
    advised_on = models.DateField(null=True, blank=True)
    advice = models.TextField(blank=True)

    # Not sharing: the reasons, and the discussion with the requester.
    not_sharing_reasons = models.TextField(blank=True)
    discussed_on = models.DateField(null=True, blank=True)
    discussion_method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    requester_response = models.TextField(blank=True)

    # The request this decision answers, when it came through safeshare or was logged in it,
    # and whether the sharing covers everything asked for ("share part").
    request = models.ForeignKey(
        "requests.InformationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    shares_all_requested = models.BooleanField(null=True, blank=True)

    # Links: a reconsideration when new information arrives (2024 guidance), an amendment.
    reconsiders = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reconsiderations"
    )
    new_information = models.TextField(blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    amendment_reason = models.TextField(blank=True)

    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who made the decision, and who recorded it when that was someone else.
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-started_at"]
        # The lists: newest first, the id breaking ties (keyset pages, queries.LIST_ORDER).
        indexes = [
            models.Index(
                fields=["organisation", "status", "-decided_at", "-id"], name="decision_list"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(status="awaiting")
                    & ~models.Q(outcome="")
                    & ~models.Q(policy_sha256="")
                )
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

    @classmethod
    def ledger_legacy_digests(cls, object_ids: list[str]) -> dict[str, set[str]]:
        """The digests these decisions had in the form they were recorded in before
        migration 0008: the explanation inline under "explanation", its reasons under
        "reasons", no "frozen_explanation_id". A decision finalised before then has that
        digest in its entry; the content is the same, only where it is kept changed."""
        from safeshare.ledger.digest import digest_of, record_contents

        contents = record_contents(cls, object_ids)
        addresses = {c["fields"].get("frozen_explanation_id") for c in contents.values()}
        frozen = dict(
            Explanation.objects.filter(sha256__in=[a for a in addresses if a]).values_list(
                "sha256", "content"
            )
        )
        legacy: dict[str, set[str]] = {}
        for key, content in contents.items():
            fields = dict(content["fields"])
            explanation = frozen.get(fields.pop("frozen_explanation_id", None), {})
            fields["explanation"] = explanation
            fields["reasons"] = explanation.get("reasons", [])
            legacy[key] = {digest_of({**content, "fields": fields})}
        return legacy

    @property
    def explanation(self) -> dict[str, Any]:
        """The engine's explanation as frozen when the decision was finalised ({} before)."""
        if self.frozen_explanation_id is None or self.frozen_explanation is None:
            return {}
        content: dict[str, Any] = self.frozen_explanation.content
        return content

    @property
    def reasons(self) -> list[Any]:
        reasons: list[Any] = self.explanation.get("reasons", [])
        return reasons

    @property
    def is_finalised(self) -> bool:
        return self.status == DecisionStatus.FINALISED

    @property
    def is_awaiting_sign_off(self) -> bool:
        return self.status == DecisionStatus.AWAITING_SIGN_OFF

    @property
    def is_sharing(self) -> bool:
        return self.outcome in SHARING_OUTCOMES

    @property
    def recipient_organisation_display(self) -> str:
        if self.recipient_organisation_id:
            return str(self.recipient_organisation)
        return self.recipient_organisation_name

    @property
    def timeliness(self) -> Timeliness | None:
        return timeliness(self)

    @property
    def what_happened(self) -> str:
        """One line for a chronology row: what was shared with whom, or why not."""
        if self.is_sharing:
            count = len(self.items.all())
            what = f"{count} item{'s' if count != 1 else ''}"
            whom = ", ".join(
                x
                for x in [
                    self.recipient_name,
                    self.recipient_role,
                    self.recipient_organisation_display,
                ]
                if x
            )
            how = self.get_channel_display().lower() if self.channel else ""
            return f"Shared {what} with {whom or 'a recipient not recorded'}" + (
                f" by {how}" if how else ""
            )
        if self.outcome == Outcome.DO_NOT_SHARE:
            return (
                f"Not shared: {self.not_sharing_reasons}"
                if self.not_sharing_reasons
                else "Not shared"
            )
        if self.outcome == Outcome.SEEK_ADVICE:
            if self.adviser_name:
                return f"Advice sought from {self.adviser_name}, {self.adviser_role}"
            return "Advice sought"
        return ""

    @property
    def withdrawal(self) -> ConsentWithdrawal | None:
        """The record that the consent this decision relied on was withdrawn, if it was."""
        try:
            return self.consent_withdrawal
        except ObjectDoesNotExist:
            return None

    @property
    def received_or_started_at(self) -> Any:
        """Timeliness runs from the request, or from starting the record when proactive."""
        return self.request_received_at or self.started_at


class Nature(models.TextChoices):
    FACT = "fact", "Fact"
    OPINION = "opinion", "Opinion"


class Currency(models.TextChoices):
    CURRENT = "current", "Current"
    HISTORICAL = "historical", "Historical"


class ThirdPartyAction(models.TextChoices):
    REMOVED = "removed", "Their details have been removed from the item"
    JUSTIFIED = "justified", "Their details are needed, and I have recorded why"


class InformationItem(models.Model):
    """One piece of information shared: the minimum, each marked fact or opinion, current or
    historical, with its source (7 principles: accurate; 2024: protect third parties)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    nature = models.CharField(max_length=16, choices=Nature.choices)
    opinion_of = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=16, choices=Currency.choices)
    relates_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300)
    about = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    special_category = models.BooleanField(default=False)
    identifies_third_party = models.BooleanField(default=False)
    third_party_action = models.CharField(
        max_length=16, choices=ThirdPartyAction.choices, blank=True
    )
    third_party_justification = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Item {self.position} of {self.decision_id}"


class ConsentWithdrawalError(Exception):
    """A consent withdrawal record was about to be changed or deleted."""


class ConsentWithdrawal(models.Model):
    """Consent given for a finalised decision was later withdrawn.

    Consent can be withdrawn at any time (HM Government information sharing advice, 2018
    and 2024; UK GDPR Art 7(3)): the decision stays as it was, and this record says who
    withdrew it, when, how they told us and what happens now. One per decision; never
    changed or deleted (the model refuses, and so do database triggers).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="consent_withdrawal"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Who withdrew it: one of the decision's people, or a name and relationship as the
    # consent section records them ("Kerry Morgan, mother").
    withdrawn_by_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_by_name = models.CharField(max_length=200, blank=True)
    withdrawn_on = models.DateField()
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    next_steps = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_by_person__isnull=False)
                | ~models.Q(withdrawn_by_name=""),
                name="consent_withdrawal_names_who",
            )
        ]

    def __str__(self) -> str:
        return f"Consent withdrawn for {self.decision_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ConsentWithdrawalError("A consent withdrawal cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ConsentWithdrawalError("A consent withdrawal cannot be deleted")

    @property
    def withdrawn_by_display(self) -> str:
        if self.withdrawn_by_person_id and self.withdrawn_by_person is not None:
            return self.withdrawn_by_person.full_name
        return self.withdrawn_by_name


class SignOffRecordError(Exception):
    """A sign-off or review already decided was about to be changed or deleted."""


class SignOffResult(models.TextChoices):
    APPROVED = "approved", "Signed off"
    RETURNED = "returned", "Returned to the practitioner"


class SignOff(models.Model):
    """A decision put to a manager for sign-off before it is final, because a rule of its
    policy's `sign_off.before_final` covers it (`rule`: where in the file). Resolved once:
    approved (the decision is then final) or returned with reasons (the decision is a
    draft again, and a later submission is a new row). A resolved row never changes: the
    model refuses, and so do database triggers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="sign_offs")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=100)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    result = models.CharField(max_length=16, choices=SignOffResult.choices, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_role = models.CharField(max_length=200, blank=True)
    return_reasons = models.TextField(blank=True)
    # When managers were reminded it was waiting (decisions/jobs.py); not an event.
    reminded_at = models.DateTimeField(null=True, blank=True)

    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset({"reminded_at"})

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "resolved_at", "requested_at"], name="sign_off_queue"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(result="") & models.Q(resolved_at__isnull=True))
                | (
                    models.Q(result="approved")
                    & models.Q(resolved_at__isnull=False)
                    & models.Q(resolved_by__isnull=False)
                )
                | (
                    models.Q(result="returned")
                    & models.Q(resolved_at__isnull=False)
                    & models.Q(resolved_by__isnull=False)
                    & ~models.Q(return_reasons="")
                ),
                name="sign_off_resolved_is_complete",
            ),
            # One open sign-off per decision: a double submit cannot queue it twice.
            models.UniqueConstraint(
                fields=["decision"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_sign_off_per_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-off of {self.decision_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and (
            SignOff.objects.filter(pk=self.pk, resolved_at__isnull=False).exists()
        ):
            raise SignOffRecordError("A sign-off already decided cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SignOffRecordError("A sign-off cannot be deleted")


class Review(models.Model):
    """A finalised decision a manager reviews after the event, because a rule of its
    policy's `sign_off.review_after` covers it (an urgent share): due `due_on`, in working
    days from the decision. Reviewed once, and never changed after (model and triggers)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="review")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    due_on = models.DateField()
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_by_role = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset({"reminded_at"})

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "reviewed_at", "due_on"], name="review_queue")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True)
                | (models.Q(reviewed_by__isnull=False) & ~models.Q(notes="")),
                name="review_done_is_complete",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.decision_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and (
            Review.objects.filter(pk=self.pk, reviewed_at__isnull=False).exists()
        ):
            raise SignOffRecordError("A review already recorded cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SignOffRecordError("A review cannot be deleted")

    def is_overdue(self, today: datetime.date) -> bool:
        return self.reviewed_at is None and today > self.due_on
