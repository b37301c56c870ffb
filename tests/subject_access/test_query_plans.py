"""The open list reads its partial index; the pack reads every large table by the
person's or the decisions' indexes (tests/test_query_plans.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from safeshare.accounts.models import User
from safeshare.decisions.queries import decisions_about_person
from safeshare.subject_access import pack, queries
from safeshare.subject_access.models import SubjectAccessRequest
from safeshare.subjects.models import Person
from tests.subject_access.helpers import log_request
from tests.test_query_plans import NOW, _full_scans, _pages, _plan

pytestmark = pytest.mark.django_db

TABLE = "subject_access_subjectaccessrequest"


def test_the_open_list_reads_its_index(ig_lead: User) -> None:
    for found in _pages(
        queries.open_requests(ig_lead),
        queries.OPEN_ORDER,
        [NOW.date(), "00000000-0000-0000-0000-000000000000"],
    ):
        plan = _plan(found)
        assert not _full_scans(plan, bounded=False), plan
        if connection.vendor == "sqlite":
            assert f"SCAN {TABLE}" not in plan or "USING INDEX" in plan, plan


def test_the_packs_reads_use_the_persons_indexes(ig_lead: User, person: Person) -> None:
    sar: SubjectAccessRequest = log_request(ig_lead, person)
    decisions = pack._decisions(ig_lead, sar)
    for found in [
        pack._requests(ig_lead, sar),
        pack._disclosures(ig_lead, decisions),
        decisions_about_person(ig_lead, person),
    ]:
        plan = _plan(found)
        # One person's records: sorting them is bounded, reading a whole table is not.
        assert not _full_scans(plan, bounded=True), plan
