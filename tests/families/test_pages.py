"""The pages: the list (the person, the reason, the review date, due and overdue, the "due
now" filter, the soonest first, each person's read recorded), "told on ..." recorded with
named errors and shown on the decision's page, a review deferring it, the header count and
"Your tasks"."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.decisions.models import Decision
from safeshare.families.models import Review, Told, ToTell
from safeshare.site.tasks import tasks_for
from safeshare.subjects.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.families.conftest import not_told

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_the_list_shows_who_why_when_and_what_is_due(
    client: Client, practitioner: User, manager: User, person: Person
) -> None:
    today = timezone.localdate()
    due = not_told(practitioner, person)
    later = not_told(
        practitioner,
        PersonFactory.create(organisation=practitioner.organisation, given_names="Ruby"),
        today + datetime.timedelta(days=10),
    )
    ToTell.objects.filter(decision=due).update(review_on=today - datetime.timedelta(days=2))
    client.force_login(practitioner)
    page = client.get(reverse("families:to_tell")).content.decode()
    assert page.index("Lily") < page.index("Ruby")  # the soonest review first
    assert "Telling them would create or increase the risk of harm" in page
    assert "Overdue" in page
    assert reverse("families:told", args=[later.pk]) in page
    assert (
        AccessRecord.objects.filter(user=practitioner, what="families.to_tell.index").count() == 2
    )
    filtered = client.get(reverse("families:to_tell") + "?due=on").content.decode()
    assert "Lily" in filtered and "Ruby" not in filtered
    # The manager sees the organisation's, with who decided.
    client.force_login(manager)
    page = client.get(reverse("families:to_tell")).content.decode()
    assert "Lily" in page and "Ruby" in page and "Decided by" in page
    # A colleague sees none of them.
    client.force_login(UserFactory.create(organisation=practitioner.organisation))
    assert "Lily" not in client.get(reverse("families:to_tell")).content.decode()


def test_the_header_and_your_tasks_count_the_due(
    client: Client, practitioner: User, decision: Decision
) -> None:
    client.force_login(practitioner)
    assert "Families to tell (1 due)" in client.get(reverse("site:home")).content.decode()
    tasks = {t.text: t for t in tasks_for(practitioner)}
    assert tasks["Families to tell"].count == 1
    assert tasks["Families to tell"].url == reverse("families:to_tell") + "?due=on"


def test_told_is_recorded_and_the_decision_shows_it(
    client: Client, practitioner: User, decision: Decision
) -> None:
    client.force_login(practitioner)
    url = reverse("families:told", args=[decision.pk])
    page = client.get(url).content.decode()
    assert "Record that they were told" in page and "Lily" in page
    show = client.get(reverse("decisions:show", args=[decision.pk])).content.decode()
    assert "Not told yet" in show and url in show
    empty = client.post(url, {}).content.decode()
    for message in [
        "Enter date they were told",
        "Select how they were told",
        "Enter who told them",
        "Enter what they were told",
    ]:
        assert message in empty
    data = {
        **_date("told_on", timezone.localdate()),
        "method": "phone",
        "told_by": "Dana Lead, designated safeguarding lead",
        "what_was_said": "That we shared the concern with social care",
    }
    response = client.post(url, data, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("decisions:show", args=[decision.pk])
    assert f"Recorded that they were told on {timezone.localdate():%-d %B %Y}" in body
    assert f"Told on {timezone.localdate():%-d %B %Y} by Dana Lead" in body
    assert "recorded later by" in body
    printed = client.get(reverse("decisions:print", args=[decision.pk])).content.decode()
    assert f"Told on {timezone.localdate():%-d %B %Y} by Dana Lead" in printed
    assert "That we shared the concern with social care" in printed
    # A double submit records nothing more.
    again = client.post(url, data, follow=True)
    assert again.status_code == 200 and Told.objects.count() == 1
    assert "Lily" not in client.get(reverse("families:to_tell")).content.decode()


def test_told_before_the_decision_names_the_field(
    client: Client, practitioner: User, decision: Decision
) -> None:
    client.force_login(practitioner)
    page = client.post(
        reverse("families:told", args=[decision.pk]),
        {
            **_date("told_on", datetime.date(2001, 1, 1)),
            "method": "phone",
            "told_by": "Dana",
            "what_was_said": "x",
        },
    ).content.decode()
    assert re.search(r"must be on or after the date of the decision", page)
    assert Told.objects.count() == 0


def test_a_review_keeps_them_on_the_list_to_the_next_date(
    client: Client, practitioner: User, decision: Decision
) -> None:
    client.force_login(practitioner)
    url = reverse("families:review", args=[decision.pk])
    assert "Record that they still cannot be told" in client.get(url).content.decode()
    empty = client.post(url, {}).content.decode()
    assert "Select why they still cannot be told" in empty
    assert "Enter date of the next review" in empty
    next_on = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(
        url,
        {
            "reason": "prejudice",
            "detail": "The enquiry is open",
            **_date("next_review_on", next_on),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("families:to_tell")
    assert Review.objects.count() == 1
    assert f"{next_on:%-d %B %Y}" in response.content.decode()
    show = client.get(reverse("decisions:show", args=[decision.pk])).content.decode()
    assert f"next review {next_on:%-d %B %Y}" in show
    printed = client.get(reverse("decisions:print", args=[decision.pk])).content.decode()
    assert f"next review {next_on:%-d %B %Y}" in printed


def test_another_organisation_gets_404(client: Client, outsider: User, decision: Decision) -> None:
    client.force_login(outsider)
    for name in ("families:told", "families:review"):
        assert client.get(reverse(name, args=[decision.pk])).status_code == 404
    assert client.get("/families/not-a-uuid/told/").status_code == 404
