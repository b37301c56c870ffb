"""Every query behind the figures reads an index, never a large table whole
(tests/test_query_plans.py has the rule): on SQLite no "SCAN" of a growing table without
an index, on PostgreSQL (sequential scans priced out) no "Seq Scan" of one."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from safeshare.accounts.models import Organisation, User
from safeshare.figures import queries
from safeshare.subjects.models import Person
from tests.factories.decisions import DecisionFactory
from tests.test_query_plans import LARGE, _full_scans

pytestmark = pytest.mark.django_db

INDEXES = {
    "decisions_decision": "decision_list (organisation_id=? AND status=? AND decided_at>? AND decided_at<?)",
    "requests_informationrequest": "(to_organisation_id=? AND status=? AND due_at>? AND due_at<?)",
    "disclosures_disclosure": "(organisation_id=? AND sent_at>? AND sent_at<?)",
}


def _explain(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


@pytest.mark.parametrize("agency", [False, True])
def test_every_figure_reads_an_index(
    practitioner: User, person: Person, organisation: Organisation, agency: bool
) -> None:
    DecisionFactory.create(started_by=practitioner, subject=person, share=True, finalised=True)
    with CaptureQueriesContext(connection) as captured:
        queries.counts(None, queries.default_period(), organisation.pk if agency else None)
    # Grouping needs a sort of the matching rows, bounded by the period: allowed.
    counting = [q for q in captured.captured_queries if any(t in q["sql"] for t in LARGE)]
    assert len(counting) == 10
    for query in counting:
        sql = query["sql"]
        # The captured SQL has its parameters filled in for reading; run it as it is.
        plan = _explain(sql)
        assert not _full_scans(plan, bounded=True), f"{connection.vendor}:\n{sql}\n{plan}"
        if connection.vendor == "sqlite":
            # The organisation-first indexes of the lists, with the period's range.
            table = next(t for t in LARGE if f'FROM "{t}"' in sql)
            index = INDEXES[table]
            assert f"SEARCH {table} USING" in plan and index in plan, plan
