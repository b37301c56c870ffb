"""The partnership figures on data made through the actions: what each table counts, the
page and its CSV, and the query count flat with 10 or 200 decisions."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.core.workdays import LONDON
from safeshare.decisions.models import Decision
from safeshare.figures import queries
from safeshare.figures.queries import Period
from safeshare.subjects.models import Person
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import ConsentWithdrawalFactory, DecisionFactory
from tests.factories.disclosures import DisclosureFactory
from tests.factories.requests import InformationRequestFactory
from tests.test_query_counts import clone_decisions

pytestmark = pytest.mark.django_db


@contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[None]:
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


@pytest.fixture
def auditor(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, auditor=True, username="auditor")


@pytest.fixture
def ig_lead(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, ig_lead=True, username="ig")


@pytest.fixture
def world(practitioner: User, person: Person, outsider: User) -> dict[str, Decision]:
    """The school's decisions of every kind, and one of the police's."""
    made = {}
    for n in range(5):
        made[f"share{n}"] = DecisionFactory.create(
            started_by=practitioner, subject=person, share=True, finalised=True
        )
    for _ in range(2):
        DecisionFactory.create(
            started_by=practitioner, subject=person, do_not_share=True, finalised=True
        )
    DecisionFactory.create(started_by=practitioner, subject=person, reconsidered=True)
    ConsentWithdrawalFactory.create(
        decision=DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
    )
    DecisionFactory.create(started_by=practitioner, subject=person, amended=True)
    DecisionFactory.create(started_by=practitioner, subject=person)  # a draft: not counted
    DecisionFactory.create(started_by=outsider, seek_advice=True, finalised=True)
    # What happened to the school's disclosures.
    for trait in ["opened", "acknowledged", "revoked", "expired"]:
        DisclosureFactory.create(decision=made["share0"], **{trait: True})
    # A request answered on time ten days ago (due since), and an immediate one answered
    # two days late: the figures count requests by the day they were due.
    with clock_at(timezone.now() - datetime.timedelta(days=10)):
        InformationRequestFactory.create(
            answered=True, to_organisation=practitioner.organisation, responder=practitioner
        )
    with clock_at(timezone.now() - datetime.timedelta(days=2)):
        late = InformationRequestFactory.create(
            to_organisation=practitioner.organisation, urgency="immediate"
        )
    DecisionFactory.create(request=late, started_by=practitioner, subject=person, finalised=True)
    return made


def _counted(scope: uuid.UUID | None) -> list[Decision]:
    found = Decision.objects.filter(status="finalised", amendments__isnull=True)
    return list(found.filter(organisation_id=scope) if scope else found)


def test_it_counts_each_figure_from_the_records(
    world: dict[str, Decision], organisation: Organisation, other_organisation: Organisation
) -> None:
    counts = queries.counts(None, queries.default_period())
    # 5 shares, the amendment (its original not counted again), 2 request answers; 3
    # refusals (one reconsidered), one with consent, the police's advice.
    assert counts.outcome == {
        "share": 8,
        "do_not_share": 3,
        "share_with_consent": 1,
        "seek_advice": 1,
    }
    assert counts.organisation[organisation.pk] == 12
    assert counts.organisation[other_organisation.pk] == 1
    assert counts.urgency == {"standard": 12, "immediate": 1}
    assert sum(counts.month.values()) == 13
    assert set(counts.month) <= set(queries.default_period().months())
    assert counts.consent == {"sought": 1, "given": 1, "refused": 0, "withdrawn": 1}
    assert counts.refusals == {"refusals": 3, "reconsidered": 1}
    assert counts.requests["standard"] == [1, 0]
    assert counts.requests["immediate"] == [0, 1]
    assert counts.disclosures == {
        "sent": 4,
        "opened": 2,
        "acknowledged": 1,
        "expired": 1,
        "revoked": 1,
    }
    # Timeliness as Decision.timeliness has it, decision by decision.
    expected: dict[str, list[int]] = {"immediate": [0, 0], "urgent": [0, 0], "standard": [0, 0]}
    for decision in _counted(None):
        t = decision.timeliness
        assert t is not None and decision.decided_at is not None
        expected[decision.urgency][1 if decision.decided_at > t.due else 0] += 1
    assert counts.timeliness == expected
    assert expected["immediate"] == [0, 1]


def test_an_agency_and_a_scope_narrow_every_count(
    world: dict[str, Decision], organisation: Organisation, other_organisation: Organisation
) -> None:
    police = queries.counts(other_organisation.pk, queries.default_period())
    assert police.outcome == {"seek_advice": 1}
    assert police.disclosures["sent"] == 0
    assert [name for _pk, name in police.organisations] == ["Northshire Police"]
    school = queries.counts(None, queries.default_period(), agency=organisation.pk)
    assert sum(school.outcome.values()) == 12
    assert school.requests["immediate"] == [0, 1]


def test_a_period_leaves_out_what_fell_outside_it(world: dict[str, Decision]) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    counts = queries.counts(None, Period(yesterday - datetime.timedelta(days=30), yesterday))
    assert counts.outcome == {"share": 1}  # the request answered ten days ago
    # The expired disclosure was sent 31 days ago.
    assert counts.disclosures["sent"] == 1


def _decided(
    template: Decision, urgency: str, began: datetime.datetime, decided: datetime.datetime
) -> None:
    """A finalised copy of `template` of this urgency, requested at `began` and made at
    `decided` (cloned as a draft, then finalised in one statement)."""
    values = {
        f.attname: getattr(template, f.attname)
        for f in Decision._meta.concrete_fields
        if f.attname not in {"id", "status", "decided_at", "urgency", "request_received_at"}
    }
    made = Decision.objects.create(
        **values,
        id=uuid.uuid4(),
        status="draft",
        urgency=urgency,
        request_received_at=began,
    )
    Decision.objects.filter(pk=made.pk).update(status="finalised", decided_at=decided)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A UK local time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_timeliness_follows_the_targets_across_weekends_clock_hours_and_holidays(
    practitioner: User, person: Person
) -> None:
    template = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    # Friday 16:00, urgent (1 working day): due Monday 16:00.
    _decided(template, "urgent", at(2026, 3, 6, 16), at(2026, 3, 9, 15, 59))
    _decided(template, "urgent", at(2026, 3, 6, 16), at(2026, 3, 9, 16, 1))
    # Saturday, urgent: due at the end of Monday.
    _decided(template, "urgent", at(2026, 3, 7, 10), at(2026, 3, 9, 23, 0))
    _decided(template, "urgent", at(2026, 3, 7, 10), at(2026, 3, 10, 0, 30))
    # Immediate, 4 clock hours, over a weekend night.
    _decided(template, "immediate", at(2026, 3, 6, 22), at(2026, 3, 7, 1, 59))
    _decided(template, "immediate", at(2026, 3, 6, 22), at(2026, 3, 7, 2, 1))
    # Standard, 5 working days, over Good Friday and Easter Monday 2026.
    _decided(template, "standard", at(2026, 4, 1, 9), at(2026, 4, 10, 8, 59))
    _decided(template, "standard", at(2026, 4, 1, 9), at(2026, 4, 10, 9, 1))
    counts = queries.counts(None, Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)))
    assert counts.timeliness == {"immediate": [1, 1], "urgent": [2, 2], "standard": [1, 1]}
    # The same answer as Decision.timeliness gives, decision by decision.
    late = {
        at(2026, 3, 9, 16, 1),
        at(2026, 3, 10, 0, 30),
        at(2026, 3, 7, 2, 1),
        at(2026, 4, 10, 9, 1),
    }
    for decision in Decision.objects.filter(decided_at__lt=at(2026, 5, 1, 0)):
        t = decision.timeliness
        assert t is not None and decision.decided_at is not None
        assert (decision.decided_at > t.due) == (decision.decided_at in late)


def test_the_page_shows_the_tables_with_small_counts_suppressed(
    client: Client, auditor: User, world: dict[str, Decision]
) -> None:
    client.force_login(auditor)
    response = client.get(reverse("figures:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Decisions by outcome" in page and "Secure disclosures" in page
    assert "fewer than 5" in page and "withheld" in page
    assert 'aria-hidden="true"' in page and "<svg" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_csv_of_a_table_is_never_cached_and_holds_no_small_number(
    client: Client, auditor: User, world: dict[str, Decision]
) -> None:
    client.force_login(auditor)
    response = client.get(reverse("figures:csv", args=["outcome"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith(
        'attachment; filename="safeshare-figures-outcome-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Outcome", "Decisions"]
    assert dict(rows[1:])["Share with consent"] == "fewer than 5"
    assert dict(rows[1:])["Total"] == "13"
    for row in rows[1:]:
        assert row[1] in {"fewer than 5", "withheld"} or not 0 < int(row[1]) < 5
    assert client.get(reverse("figures:csv", args=["nonsense"])).status_code == 404


def test_an_ig_lead_sees_only_their_organisation_and_no_agency_filter(
    client: Client, ig_lead: User, world: dict[str, Decision]
) -> None:
    client.force_login(ig_lead)
    page = client.get(reverse("figures:index")).content.decode()
    assert "Northshire Police" not in page
    assert 'name="agency"' not in page
    rows = dict(
        list(
            csv.reader(
                io.StringIO(client.get(reverse("figures:csv", args=["agency"])).content.decode())
            )
        )[1:]
    )
    assert rows == {"Riverside Primary School": "12", "Total": "12"}


def test_the_filters_name_the_field_in_error(client: Client, auditor: User) -> None:
    client.force_login(auditor)
    response = client.get(
        reverse("figures:index"),
        {
            "date_from_0": "1",
            "date_from_1": "6",
            "date_from_2": "2026",
            "date_to_0": "1",
            "date_to_1": "5",
            "date_to_2": "2026",
        },
    )
    assert response.status_code == 200
    assert "Decisions by outcome" not in response.content.decode()
    assert "The ‘To’ date must be the same as or after the ‘From’ date" in response.content.decode()
    response = client.get(
        reverse("figures:index"), {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"}
    )
    assert "From must be a real date" in response.content.decode()
    response = client.get(reverse("figures:index"), {"agency": str(uuid.uuid4())})
    assert "Select an agency from the list" in response.content.decode()


def test_the_agency_filter_narrows_the_auditors_figures(
    client: Client, auditor: User, world: dict[str, Decision], other_organisation: Organisation
) -> None:
    client.force_login(auditor)
    response = client.get(
        reverse("figures:csv", args=["outcome"]), {"agency": str(other_organisation.pk)}
    )
    rows = dict(list(csv.reader(io.StringIO(response.content.decode())))[1:])
    assert rows["Seek advice"] == "fewer than 5" and rows["Total"] == "fewer than 5"


def _page_queries(client: Client) -> int:
    url = reverse("figures:index")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_runs_as_many_queries_with_200_decisions_as_with_10(
    client: Client, auditor: User, practitioner: User, person: Person
) -> None:
    template = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    client.force_login(auditor)
    clone_decisions(template, 9)
    small = _page_queries(client)
    clone_decisions(template, 190)
    other = UserFactory.create(organisation=OrganisationFactory.create(name="Ashby Road"))
    clone_decisions(DecisionFactory.create(started_by=other, do_not_share=True, finalised=True), 1)
    large = _page_queries(client)
    assert Decision.objects.filter(status="finalised").count() == 202
    assert small == large
