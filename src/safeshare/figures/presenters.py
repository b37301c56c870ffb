"""The figures' tables, built from the counts (queries.Counts), in the order the page
shows them. Labels are the partnership's categories; never a person, a name or an id."""

from __future__ import annotations

from collections.abc import Hashable

from safeshare.figures.queries import Counts, Period
from safeshare.figures.tables import Figure, Part, Sheet
from safeshare.vocabulary.models import Outcome, Urgency

DECISIONS = "Decisions"


def urgency_label(level: str) -> str:
    """ "Immediate", not the form's "Immediate: a child may be at risk of harm now"."""
    labels = dict(Urgency.choices)
    return str(labels.get(level, level)).split(":")[0]


# Positions of counts that more than one table shows (tables.Sheet).
ALL_DECISIONS = ("decisions", "total")
REFUSALS = ("decisions", "outcome", Outcome.DO_NOT_SHARE.value)


def build(counts: Counts, period: Period) -> list[Figure]:
    """Every figure, suppressed together: no table gives back what another withheld."""
    return sheet_of(counts, period).publish()


def sheet_of(counts: Counts, period: Period) -> Sheet:
    """Every figure's counts, on one sheet."""
    sheet = Sheet()
    outcomes = [(value, str(label)) for value, label in Outcome.choices]
    sheet.one_way(
        "outcome",
        "Decisions by outcome",
        "Outcome",
        DECISIONS,
        [(label, counts.outcome[value]) for value, label in outcomes],
        keys=[("decisions", "outcome", value) for value, _label in outcomes],
        total_key=ALL_DECISIONS,
        description="Finalised decisions made in the period, by the outcome the guidance gave.",
    )
    sheet.one_way(
        "agency",
        "Decisions by agency",
        "Agency",
        DECISIONS,
        [(name, counts.organisation[pk]) for pk, name in counts.organisations],
        total_key=ALL_DECISIONS,
        description="Finalised decisions made in the period, by the organisation that made them.",
    )
    purpose_rows = [(name, counts.purpose[pk]) for pk, name in counts.purposes]
    if counts.purpose[None]:
        purpose_rows.append(("Not recorded", counts.purpose[None]))
    sheet.one_way(
        "purpose",
        "Decisions by purpose",
        "Purpose",
        DECISIONS,
        purpose_rows,
        total_key=ALL_DECISIONS,
        description="Finalised decisions made in the period, by the purpose of sharing.",
    )
    levels = [value for value, _label in Urgency.choices]
    urgency_rows = [(urgency_label(v), counts.urgency[v]) for v in levels]
    urgency_keys: list[Hashable] = [("decisions", "urgency", v) for v in levels]
    if counts.urgency[""]:
        urgency_rows.append(("Not recorded", counts.urgency[""]))
        urgency_keys.append(("decisions", "urgency", ""))
    sheet.one_way(
        "urgency",
        "Decisions by urgency",
        "Urgency",
        DECISIONS,
        urgency_rows,
        keys=urgency_keys,
        total_key=ALL_DECISIONS,
        description="Finalised decisions made in the period, by how urgent they were.",
    )
    sheet.one_way(
        "month",
        "Decisions by month",
        "Month",
        DECISIONS,
        [(m.strftime("%B %Y"), counts.month[m]) for m in period.months()],
        total_key=ALL_DECISIONS,
        description="Finalised decisions, by the month they were made in.",
    )
    sheet.two_way(
        "timeliness",
        "Timeliness against the partnership's targets",
        "Urgency",
        [urgency_label(v) for v in levels],
        ["Within target", "After target"],
        [counts.timeliness.get(v, [0, 0]) for v in levels],
        # A row's total is the urgency table's count for it: one position for both.
        row_total_keys=[("decisions", "urgency", v) for v in levels],
        total_column=DECISIONS,
        description=(
            "Time from the request (or from starting the record, when sharing on the "
            "practitioner's own initiative) to the decision, against the target for its "
            "urgency."
        ),
    )
    consent = counts.consent
    sheet.parts(
        "consent",
        "Consent",
        "Consent",
        DECISIONS,
        [
            Part("Consent sought", consent["sought"]),
            Part("Given", consent["given"]),
            Part("Refused", consent["refused"]),
            Part("Given and later withdrawn", consent["withdrawn"], of="Given"),
        ],
        sums=[("Consent sought", ["Given", "Refused"])],
        description="Decisions made in the period that recorded asking for consent, and the answer.",
    )
    refusals = counts.refusals
    sheet.parts(
        "reconsidered",
        "Refusals later reconsidered",
        "Decisions",
        DECISIONS,
        [
            Part("Decisions not to share", refusals["refusals"], key=REFUSALS),
            Part("Later reconsidered", refusals["reconsidered"], of="Decisions not to share"),
        ],
        description=(
            "Decisions not to share made in the period, and how many of them were "
            "reconsidered with new information (a reconsideration begun or recorded)."
        ),
    )
    sheet.two_way(
        "requests",
        "Requests answered late",
        "Urgency",
        [urgency_label(v) for v in levels],
        ["Answered on time", "Answered late"],
        [counts.requests.get(v, [0, 0]) for v in levels],
        total_column="Requests answered",
        description="Requests for information due in the period and answered, by whether the answer came by the time it was due.",
    )
    sent = counts.disclosures
    sheet.parts(
        "disclosures",
        "Secure disclosures",
        "Disclosures",
        "Disclosures",
        [
            Part("Sent", sent["sent"]),
            Part("Opened", sent["opened"], of="Sent"),
            Part("Acknowledged", sent["acknowledged"], of="Opened"),
            Part("Expired", sent["expired"], of="Sent"),
            Part("Revoked", sent["revoked"], of="Sent"),
        ],
        description="Disclosures sent through safeshare in the period, and what has happened to them since.",
    )
    return sheet


def by_slug(figures: list[Figure], slug: str) -> Figure | None:
    return next((f for f in figures if f.slug == slug), None)
