"""The figures' tables, built from the counts (queries.Counts), in the order the page
shows them. Labels are the partnership's categories; never a person, a name or an id."""

from __future__ import annotations

from safeshare.figures.queries import Counts, Period
from safeshare.figures.tables import Figure, Part, one_way, parts, two_way
from safeshare.vocabulary.models import Outcome, Urgency

DECISIONS = "Decisions"


def urgency_label(level: str) -> str:
    """ "Immediate", not the form's "Immediate: a child may be at risk of harm now"."""
    labels = dict(Urgency.choices)
    return str(labels.get(level, level)).split(":")[0]


def build(counts: Counts, period: Period) -> list[Figure]:
    outcome_rows = [(str(label), counts.outcome[value]) for value, label in Outcome.choices]
    agency_rows = [(name, counts.organisation[pk]) for pk, name in counts.organisations]
    purpose_rows = [(name, counts.purpose[pk]) for pk, name in counts.purposes]
    if counts.purpose[None]:
        purpose_rows.append(("Not recorded", counts.purpose[None]))
    urgency_levels = [value for value, _label in Urgency.choices]
    urgency_rows = [(urgency_label(v), counts.urgency[v]) for v in urgency_levels]
    month_rows = [(m.strftime("%B %Y"), counts.month[m]) for m in period.months()]
    consent = counts.consent
    refusals = counts.refusals
    sent = counts.disclosures
    return [
        one_way(
            "outcome",
            "Decisions by outcome",
            "Outcome",
            DECISIONS,
            outcome_rows,
            description="Finalised decisions made in the period, by the outcome the guidance gave.",
        ),
        one_way(
            "agency",
            "Decisions by agency",
            "Agency",
            DECISIONS,
            agency_rows,
            description="Finalised decisions made in the period, by the organisation that made them.",
        ),
        one_way(
            "purpose",
            "Decisions by purpose",
            "Purpose",
            DECISIONS,
            purpose_rows,
            description="Finalised decisions made in the period, by the purpose of sharing.",
        ),
        one_way(
            "urgency",
            "Decisions by urgency",
            "Urgency",
            DECISIONS,
            urgency_rows,
            description="Finalised decisions made in the period, by how urgent they were.",
        ),
        one_way(
            "month",
            "Decisions by month",
            "Month",
            DECISIONS,
            month_rows,
            description="Finalised decisions, by the month they were made in.",
        ),
        two_way(
            "timeliness",
            "Timeliness against the partnership's targets",
            "Urgency",
            [urgency_label(v) for v in urgency_levels],
            ["Within target", "After target"],
            [counts.timeliness.get(v, [0, 0]) for v in urgency_levels],
            total_column=DECISIONS,
            description=(
                "Time from the request (or from starting the record, when sharing on the "
                "practitioner's own initiative) to the decision, against the target for its "
                "urgency."
            ),
        ),
        parts(
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
        ),
        parts(
            "reconsidered",
            "Refusals later reconsidered",
            "Decisions",
            DECISIONS,
            [
                Part("Decisions not to share", refusals["refusals"]),
                Part("Later reconsidered", refusals["reconsidered"], of="Decisions not to share"),
            ],
            description=(
                "Decisions not to share made in the period, and how many of them were "
                "reconsidered with new information (a reconsideration begun or recorded)."
            ),
        ),
        two_way(
            "requests",
            "Requests answered late",
            "Urgency",
            [urgency_label(v) for v in urgency_levels],
            ["Answered on time", "Answered late"],
            [counts.requests.get(v, [0, 0]) for v in urgency_levels],
            total_column="Requests answered",
            description="Requests for information due in the period and answered, by whether the answer came by the time it was due.",
        ),
        parts(
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
        ),
    ]


def by_slug(figures: list[Figure], slug: str) -> Figure | None:
    return next((f for f in figures if f.slug == slug), None)
