"""The figures are published together: a count one table withholds is not given back by
another table that shows the same count (the urgency table and the timeliness table's
totals, the outcome table and the reconsidered refusals), on random partnerships."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.figures.presenters import build, sheet_of
from safeshare.figures.queries import Counts, Period
from safeshare.figures.suppression import Shown, is_small, recoverable, suppress
from safeshare.vocabulary.models import Outcome, Urgency

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
ORGANISATIONS = [(uuid.UUID(int=n + 1), f"Agency {n}") for n in range(3)]
PURPOSES = [(n + 1, f"Purpose {n}") for n in range(3)]


@dataclass(frozen=True)
class Made:
    """One decision, as the figures count it."""

    outcome: str = "share"
    organisation: uuid.UUID = ORGANISATIONS[0][0]
    purpose: int = 1
    urgency: str = "standard"
    month: datetime.date = datetime.date(2026, 1, 1)
    late: bool = False
    consent: str = ""
    reconsidered: bool = False


decision = st.builds(
    Made,
    outcome=st.sampled_from(Outcome.values),
    organisation=st.sampled_from([pk for pk, _name in ORGANISATIONS]),
    purpose=st.sampled_from([pk for pk, _name in PURPOSES]),
    urgency=st.sampled_from(Urgency.values),
    month=st.sampled_from(PERIOD.months()),
    late=st.booleans(),
    consent=st.sampled_from(["", "given", "refused", "withdrawn"]),
    reconsidered=st.booleans(),
)


def _counts(decisions: list[Made]) -> Counts:
    counts = Counts(organisations=ORGANISATIONS, purposes=PURPOSES)
    counts.timeliness = {level: [0, 0] for level in Urgency.values}
    counts.requests = {level: [0, 0] for level in Urgency.values}
    consent: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    for d in decisions:
        counts.outcome[d.outcome] += 1
        counts.organisation[d.organisation] += 1
        counts.purpose[d.purpose] += 1
        counts.urgency[d.urgency] += 1
        counts.month[d.month] += 1
        counts.timeliness[d.urgency][1 if d.late else 0] += 1
        if d.consent:
            consent["given" if d.consent != "refused" else "refused"] += 1
            consent["withdrawn"] += d.consent == "withdrawn"
        if d.outcome == Outcome.DO_NOT_SHARE:
            refusals["refusals"] += 1
            refusals["reconsidered"] += d.reconsidered
    counts.consent = {
        "sought": consent["given"] + consent["refused"],
        "given": consent["given"],
        "refused": consent["refused"],
        "withdrawn": consent["withdrawn"],
    }
    counts.refusals = {"refusals": refusals["refusals"], "reconsidered": refusals["reconsidered"]}
    counts.disclosures = {"sent": 0, "opened": 0, "acknowledged": 0, "expired": 0, "revoked": 0}
    return counts


@settings(max_examples=150, deadline=None)
@given(st.lists(decision, max_size=60))
def test_no_table_gives_back_what_another_withheld(decisions: list[Made]) -> None:
    sheet = sheet_of(_counts(decisions), PERIOD)
    shown = suppress(sheet.values, sheet.lines, sheet.hidden)
    unknown = {p for p in sheet.values if shown.get(p) is not Shown.VALUE}
    for cell in recoverable(sheet.values, sheet.lines, unknown):
        assert cell in sheet.hidden and not is_small(sheet.values[cell]), cell
    # And what the page shows is that suppression, table by table.
    for figure in build(_counts(decisions), PERIOD):
        for row in figure.rows:
            for cell in row.cells:
                assert cell.shown is not Shown.VALUE or not is_small(cell.value)


def test_the_timeliness_totals_do_not_give_back_an_urgency_withheld() -> None:
    # 3 immediate, 20 urgent, 50 standard. Alone, the urgency table would withhold the 20
    # and the timeliness table show it as the urgent row's total: 73 - 20 - 50 = 3.
    decisions = (
        [Made(urgency="immediate")] * 3
        + [Made(urgency="urgent", late=n % 2 == 0) for n in range(20)]
        + [Made(urgency="standard", late=n < 10) for n in range(50)]
    )
    figures = {f.slug: f for f in build(_counts(decisions), PERIOD)}
    urgency = {r.label: r.cells[0].text for r in figures["urgency"].rows}
    timeliness = {r.label: r.cells[-1].text for r in figures["timeliness"].rows}
    assert urgency["Immediate"] == timeliness["Immediate"] == "fewer than 5"
    assert urgency["Urgent"] == timeliness["Urgent"] == "withheld"
