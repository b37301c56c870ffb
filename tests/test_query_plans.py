"""Every list a page reads is served by an index on both databases (issue 14): EXPLAIN of
each page's query (its first page, and a later one from a cursor) reads no large table
from end to end. SQLite must not "SCAN" a table without an index; PostgreSQL, with
sequential scans priced out of reach for the check (enable_seqscan = off, so a tiny test
table does not make a scan look cheap), must not need one."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.audit import queries as audit_queries
from safeshare.core.pagination import _beyond
from safeshare.decisions import queries as decision_queries
from safeshare.disclosures import queries as disclosure_queries
from safeshare.requests import queries as request_queries
from safeshare.requests.models import Status
from safeshare.subjects.models import Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The tables that grow with the partnership's work.
LARGE = (
    "decisions_decision",
    "decisions_decision_subjects",
    "decisions_informationitem",
    "audit_accessrecord",
    "requests_informationrequest",
    "disclosures_disclosure",
    "ledger_entry",
)
NOW = timezone.now()


def _plan(found: QuerySet[Any]) -> str:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        return found.explain()


def _full_scans(plan: str, bounded: bool) -> list[str]:
    """Lines of the plan that read a large table whole, or (unless the list is bounded by
    one person's, one user's or the open requests) sort every matching row."""
    lines = plan.splitlines()
    if connection.vendor == "postgresql":
        return [line for line in lines if "Seq Scan on" in line and any(t in line for t in LARGE)]
    return [
        line
        for line in lines
        if (
            any(f"SCAN {t}" in line for t in LARGE)
            and "USING INDEX" not in line
            and "USING COVERING INDEX" not in line
            and "USING INTEGER PRIMARY KEY" not in line
        )
        or (not bounded and "USE TEMP B-TREE FOR ORDER BY" in line)
    ]


# Lists whose rows are bounded by something other than the database's size: one person's
# decisions, one user's drafts, the requests open now.
BOUNDED = {"chronology", "drafts", "incoming open", "header counts"}


@pytest.fixture
def ig_lead(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, ig_lead=True, username="ig")


def _pages(found: QuerySet[Any], ordering: tuple[str, ...], cursor: list[Any]) -> list[Any]:
    """The first page and one from a cursor, as core/pagination.py reads them."""
    return [
        found.order_by(*ordering)[:51],
        found.filter(_beyond(ordering, cursor, forwards=True)).order_by(*ordering)[:51],
        found.filter(_beyond(ordering, cursor, forwards=False)).order_by(
            *[o[1:] if o.startswith("-") else f"-{o}" for o in ordering]
        )[:51],
    ]


CASES: dict[str, Callable[[User, User, Person], list[Any]]] = {
    "decisions list": lambda u, ig, p: _pages(
        decision_queries.recent_decisions_for_user(u),
        decision_queries.LIST_ORDER,
        [NOW, "00000000-0000-0000-0000-000000000000"],
    ),
    "chronology": lambda u, ig, p: _pages(
        decision_queries.decisions_about_person(u, p),
        decision_queries.LIST_ORDER,
        [NOW, "00000000-0000-0000-0000-000000000000"],
    ),
    "drafts": lambda u, ig, p: [decision_queries.drafts_for_user(u)[:51]],
    "incoming open": lambda u, ig, p: _pages(
        request_queries.incoming(u).filter(status__in=[Status.OPEN, Status.ASSIGNED]),
        request_queries.QUEUE_ORDER,
        [NOW, "00000000-0000-0000-0000-000000000000"],
    ),
    "incoming all": lambda u, ig, p: _pages(
        request_queries.incoming(u),
        request_queries.QUEUE_ORDER,
        [NOW, "00000000-0000-0000-0000-000000000000"],
    ),
    "outgoing all": lambda u, ig, p: _pages(
        request_queries.outgoing(u),
        request_queries.QUEUE_ORDER,
        [NOW, "00000000-0000-0000-0000-000000000000"],
    ),
    "header counts": lambda u, ig, p: [
        request_queries.incoming(u).filter(status__in=[Status.OPEN, Status.ASSIGNED]),
        request_queries.incoming(u).filter(
            status__in=[Status.OPEN, Status.ASSIGNED], due_at__lt=NOW
        ),
    ],
    "shared with you": lambda u, ig, p: _pages(
        disclosure_queries.disclosures_received(u),
        ("-sent_at", "-id"),
        [NOW, "00000000-0000-0000-0000-000000000000"],
    ),
    "who viewed this record": lambda u, ig, p: _pages(
        audit_queries.views_of_person(ig, p),
        audit_queries.RECORD_ORDER,
        [NOW, "00000000-0000-0000-0000-000000000000"],
    ),
    "access report": lambda u, ig, p: [
        page
        for side in audit_queries.access_report(ig)
        for page in _pages(
            side, audit_queries.RECORD_ORDER, [NOW, "00000000-0000-0000-0000-000000000000"]
        )
    ],
    "access report by date and viewer": lambda u, ig, p: [
        page
        for side in audit_queries.access_report(
            ig,
            date_from=datetime.date(2026, 1, 1),
            date_to=datetime.date(2026, 6, 30),
            viewer=u,
        )
        for page in _pages(
            side, audit_queries.RECORD_ORDER, [NOW, "00000000-0000-0000-0000-000000000000"]
        )
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_page_reads_an_index(
    practitioner: User, ig_lead: User, person: Person, case: str
) -> None:
    for found in CASES[case](practitioner, ig_lead, person):
        plan = _plan(found)
        assert not _full_scans(plan, case in BOUNDED), (
            f"{case}: {connection.vendor} reads a whole table:\n{plan}"
        )
        # Without statistics SQLite would walk every decision of the organisation by the
        # list index and test each against the person's links (47 ms at 50,000 decisions,
        # against 0.4 ms): decisions_about_person keeps the organisation off that index.
        if case == "chronology" and connection.vendor == "sqlite":
            assert "decision_list" not in plan, plan


def test_the_header_and_a_decisions_disclosures_read_the_narrow_index(
    practitioner: User, person: Person
) -> None:
    """Not only no full scan: on every page the header counts must not grow with the
    organisation's history, and a decision's disclosures are read by the decision. At
    1,000,000 decisions the wrong index cost 50 ms (unopened disclosures), 20 ms (open
    requests, reading each row for a column not in the index) and 78 ms (a decision's
    disclosures by the organisation's index) on every such page (docs/performance.md)."""
    from tests.factories.decisions import DecisionFactory

    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    sent = _plan(disclosure_queries.sent_from_decision(practitioner, decision))
    unopened = _plan(disclosure_queries.unopened(practitioner))
    with CaptureQueriesContext(connection) as captured:
        request_queries.queue_counts(practitioner)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN " + query["sql"]
            if connection.vendor == "sqlite"
            else "EXPLAIN " + query["sql"]
        )
        counts = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        assert "(decision_id=?" in sent and "(organisation_id=?" not in sent, sent
        assert "USING INDEX disclosure_received (recipient_id=? AND sent_at>?)" in unopened, (
            unopened
        )
        assert "USING COVERING INDEX" in counts, counts
    else:
        assert "decision_id" in sent and not _full_scans(sent, False), sent
        assert "disclosure_received" in unopened, unopened
