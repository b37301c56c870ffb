"""The counts behind the figures, added up by the database (GROUP BY and conditional
counts): a fixed number of queries whatever the volume, each served by an index
(tests/figures/test_plans.py). Only counts and category keys leave the database.

Every query names the organisations it counts (`organisation_id IN (...)`), the whole
partnership's or one: that keeps each on the organisation-first indexes the lists use.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncTime
from django.utils import timezone

from safeshare.accounts.models import Organisation
from safeshare.core.workdays import LONDON, add_working_days, is_working_day, parse_targets
from safeshare.decisions.models import ConsentStatus, ConsentWithdrawal, Decision, DecisionStatus
from safeshare.disclosures.models import Disclosure, Receipt, Revocation
from safeshare.requests.models import InformationRequest, Status
from safeshare.vocabulary.models import Outcome, Purpose


@dataclass(frozen=True)
class Period:
    """From the start of `first` to the end of `last`, UK local days."""

    first: datetime.date
    last: datetime.date

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time.min, tzinfo=LONDON)

    @property
    def end(self) -> datetime.datetime:
        """The start of the day after `last` (the period stops before it)."""
        after = self.last + datetime.timedelta(days=1)
        return datetime.datetime.combine(after, datetime.time.min, tzinfo=LONDON)

    def months(self) -> list[datetime.date]:
        months = []
        month = self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def default_period(today: datetime.date | None = None) -> Period:
    """The last 12 months: from the first of the month 11 months ago to today."""
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - 11, 12)
    return Period(datetime.date(year, month + 1, 1), today)


@dataclass
class Counts:
    """What the figures are made of: category key -> count."""

    organisations: list[tuple[UUID, str]]
    purposes: list[tuple[int, str]]
    outcome: Counter[str] = field(default_factory=Counter)
    organisation: Counter[UUID] = field(default_factory=Counter)
    purpose: Counter[int | None] = field(default_factory=Counter)
    urgency: Counter[str] = field(default_factory=Counter)
    month: Counter[datetime.date] = field(default_factory=Counter)
    # urgency -> (within target, after target)
    timeliness: dict[str, list[int]] = field(default_factory=dict)
    consent: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    # urgency -> (answered by the due time, answered after it)
    requests: dict[str, list[int]] = field(default_factory=dict)
    disclosures: dict[str, int] = field(default_factory=dict)


def organisations_in_scope(scope: UUID | None) -> list[tuple[UUID, str]]:
    found = Organisation.objects.order_by("name")
    if scope is not None:
        found = found.filter(pk=scope)
    return list(found.values_list("pk", "name"))


def decisions_counted(organisations: Sequence[UUID], period: Period) -> QuerySet[Decision]:
    """The finalised decisions made in the period, each once: a decision corrected by an
    amendment is counted as its amendment (made when the correction was)."""
    corrected = Decision.objects.filter(supersedes=OuterRef("pk"), status=DecisionStatus.FINALISED)
    return (
        Decision.objects.filter(
            organisation_id__in=list(organisations),
            status=DecisionStatus.FINALISED,
            decided_at__gte=period.start,
            decided_at__lt=period.end,
        )
        .filter(~Exists(corrected))
        .order_by()
    )


def _by(found: QuerySet[Any], key: str | None = None, **annotation: Any) -> Counter[Any]:
    name = key or next(iter(annotation))
    rows = found.annotate(**annotation) if annotation else found
    return Counter(
        {row[name]: row["n"] for row in rows.values(name).annotate(n=Count("pk")).order_by()}
    )


def _timeliness(found: QuerySet[Decision]) -> dict[str, list[int]]:
    """Within and after the partnership's target for each urgency, as Decision.timeliness
    works it out (core.workdays.add_working_time). The database groups the decisions by
    the local day each started and was made, and whether it was made later in the day than
    it started (or, for a target in hours, after so many hours): those decide it."""
    targets = parse_targets(settings.SAFESHARE_URGENCY_TARGETS)
    past_hours = [
        When(
            Q(urgency=level) & Q(decided_at__gt=F("began") + datetime.timedelta(hours=t.hours)),
            then=Value(True),
        )
        for level, t in targets.items()
        if t.hours
    ]
    rows = (
        found.exclude(urgency="")
        .alias(began=Coalesce("request_received_at", "started_at", output_field=DateTimeField()))
        .alias(
            began_time=TruncTime("began", tzinfo=LONDON),
            decided_time=TruncTime("decided_at", tzinfo=LONDON),
        )
        .annotate(
            began_day=TruncDate("began", tzinfo=LONDON),
            decided_day=TruncDate("decided_at", tzinfo=LONDON),
            later_in_day=Case(
                When(
                    Q(decided_time__gt=F("began_time")),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            past_hours=Case(*past_hours, default=Value(False), output_field=BooleanField()),
        )
        .values("urgency", "began_day", "decided_day", "later_in_day", "past_hours")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = {level: [0, 0] for level in targets}
    for row in rows:
        level = row["urgency"]
        if level not in targets:
            continue
        result[level][
            1 if _late(row, targets[level].hours, targets[level].working_days) else 0
        ] += row["n"]
    return result


def _late(row: Mapping[str, Any], hours: int, working_days: int) -> bool:
    if hours:
        return bool(row["past_hours"])
    began, decided = row["began_day"], row["decided_day"]
    if is_working_day(began):
        due = add_working_days(began, working_days)
        return bool(decided > due or (decided == due and row["later_in_day"]))
    # Begun on a weekend or bank holiday: due at the end of the n-th working day from the
    # next working day.
    due = add_working_days(add_working_days(began, 1), working_days - 1)
    return bool(decided > due)


def _consent(found: QuerySet[Decision]) -> dict[str, int]:
    withdrawn = Exists(ConsentWithdrawal.objects.filter(decision=OuterRef("pk")))
    given = [ConsentStatus.GIVEN, ConsentStatus.WITHDRAWN]
    counts = found.annotate(was_withdrawn=withdrawn).aggregate(
        given=Count("pk", filter=Q(consent_status__in=given)),
        refused=Count("pk", filter=Q(consent_status=ConsentStatus.REFUSED)),
        withdrawn=Count(
            "pk",
            filter=Q(consent_status=ConsentStatus.WITHDRAWN) | Q(was_withdrawn=True),
        ),
    )
    return {**counts, "sought": counts["given"] + counts["refused"]}


def _refusals(found: QuerySet[Decision]) -> dict[str, int]:
    reconsidered = Exists(Decision.objects.filter(reconsiders=OuterRef("pk")))
    return (
        found.filter(outcome=Outcome.DO_NOT_SHARE)
        .annotate(again=reconsidered)
        .aggregate(refusals=Count("pk"), reconsidered=Count("pk", filter=Q(again=True)))
    )


def _requests(organisations: Sequence[UUID], period: Period) -> dict[str, list[int]]:
    """Requests answered, by the time they were due in the period, on time or late."""
    late = Q(answered_at__gt=F("due_at"))
    rows = (
        InformationRequest.objects.filter(
            to_organisation_id__in=list(organisations),
            status=Status.ANSWERED,
            due_at__gte=period.start,
            due_at__lt=period.end,
        )
        .order_by()
        .values("urgency")
        .annotate(on_time=Count("pk", filter=~late), late_count=Count("pk", filter=late))
    )
    result = {level: [0, 0] for level in settings.SAFESHARE_URGENCY_TARGETS}
    for row in rows:
        result.setdefault(row["urgency"], [0, 0])
        result[row["urgency"]][0] += row["on_time"]
        result[row["urgency"]][1] += row["late_count"]
    return result


def _disclosures(organisations: Sequence[UUID], period: Period) -> dict[str, int]:
    now = timezone.now()
    receipts = Receipt.objects.filter(disclosure=OuterRef("pk"))
    revoked = Exists(Revocation.objects.filter(disclosure=OuterRef("pk")))
    return (
        Disclosure.objects.filter(
            organisation_id__in=list(organisations),
            sent_at__gte=period.start,
            sent_at__lt=period.end,
        )
        .order_by()
        .annotate(
            was_opened=Exists(receipts.filter(kind=Receipt.Kind.OPENED)),
            was_acknowledged=Exists(receipts.filter(kind=Receipt.Kind.ACKNOWLEDGED)),
            was_revoked=revoked,
        )
        .aggregate(
            sent=Count("pk"),
            opened=Count("pk", filter=Q(was_opened=True)),
            acknowledged=Count("pk", filter=Q(was_acknowledged=True)),
            expired=Count("pk", filter=Q(expires_at__lte=now) & Q(was_revoked=False)),
            revoked=Count("pk", filter=Q(was_revoked=True)),
        )
    )


def counts(scope: UUID | None, period: Period, agency: UUID | None = None) -> Counts:
    """Everything the figures show, for the organisations in `scope` (None: the whole
    partnership), narrowed to one `agency` among them when given."""
    organisations = organisations_in_scope(scope)
    ids = [pk for pk, _name in organisations]
    if agency is not None:
        ids = [pk for pk in ids if pk == agency]
    found = decisions_counted(ids, period)
    return Counts(
        organisations=organisations,
        purposes=list(Purpose.objects.order_by("position", "name").values_list("pk", "name")),
        outcome=_by(found, "outcome"),
        organisation=_by(found, "organisation_id"),
        purpose=_by(found, "purpose_category_id"),
        urgency=_by(found, "urgency"),
        month=Counter(
            {
                start.astimezone(LONDON).date(): n
                for start, n in _by(found, month=TruncMonth("decided_at", tzinfo=LONDON)).items()
            }
        ),
        timeliness=_timeliness(found),
        consent=_consent(found),
        refusals=_refusals(found),
        requests=_requests(ids, period),
        disclosures=_disclosures(ids, period),
    )
