"""Telling the family later in the browser: a decision recorded without telling Lily's
family, to review today, is on the teacher's list as due; the scheduled reminder (run as
`safeshare jobs run --once` runs it) emails the teacher and the designated safeguarding
lead a link; the teacher follows it, records that the family was told, and the decision
shows "told on ...". A review deferring another family's telling. axe on every page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, Role, User
from safeshare.families.models import Told
from safeshare.jobs.registry import get
from safeshare.jobs.runner import run_due
from safeshare.subjects.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.factories import PersonFactory, UserFactory
from tests.families.conftest import not_told

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    User.objects.filter(username="teacher").update(email="amira.khan@riverside.example")
    UserFactory.create(
        organisation=school,
        username="dsl",
        first_name="Dana",
        last_name="Lead",
        role=Role.MANAGER,
        job_title="Designated safeguarding lead",
        email="dana.lead@riverside.example",
    )
    return school


def _fill_date(page: Page, group: str, day: datetime.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_a_family_not_told_shows_up_on_its_review_date(page: Page, school: Organisation) -> None:
    teacher = User.objects.get(username="teacher")
    lily = Person.objects.get(given_names="Lily")
    today = timezone.localdate()
    decision = not_told(teacher, lily, today)
    ruby = PersonFactory.create(organisation=school, given_names="Ruby", family_name="Stone")
    later = not_told(teacher, ruby, today + datetime.timedelta(days=10))

    # The scheduled job, as `safeshare jobs run --once` runs it.
    mail.outbox.clear()
    ran = run_due(jobs=[get("families.review_reminders")])
    assert [(r.job, r.count) for r in ran] == [("families.review_reminders", 1)]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "amira.khan@riverside.example",
        "dana.lead@riverside.example",
    ]
    body = str(mail.outbox[0].body)
    assert "Lily" not in body and "Morgan" not in body
    link = re.search(r"https?://[^\s]+(/families/[0-9a-f-]+/told/)", body)
    assert link, body

    sign_in(page)
    page.get_by_role("link", name="Families to tell (1 due)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families to tell")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Lily Morgan")
    expect(rows.first).to_contain_text("Telling them would create or increase the risk of harm")
    expect(rows.first).to_contain_text("Due")
    expect(rows.nth(1)).to_contain_text("Ruby Stone")
    assert_accessible(page)
    page.get_by_label("Only those due for review now").check()
    page.get_by_role("button", name="Apply filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).not_to_contain_text("Ruby")
    assert_accessible(page)

    # The reminder's link: record that Lily's family was told.
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that they were told")
    assert_accessible(page)
    page.get_by_role("button", name="Record that they were told").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter date they were told")
    expect(summary).to_contain_text("Select how they were told")
    assert_accessible(page)
    _fill_date(page, "Date they were told", today)
    page.get_by_label("Telephone").check()
    page.get_by_label("Who told them?").fill("Amira Khan, class teacher")
    page.get_by_label("What they were told").fill(
        "That the school shared its concern with children's social care, and why"
    )
    page.get_by_role("button", name="Record that they were told").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Recorded that they were told"
    )
    told = page.locator("#told-later + .govuk-summary-list")
    expect(told).to_contain_text(f"Told on {today:%-d %B %Y} by Amira Khan, class teacher")
    expect(told).to_contain_text("recorded later by Amira Khan")
    assert_accessible(page)
    assert Told.objects.filter(decision=decision).count() == 1

    # Ruby's family: still not safe to tell; the next review date moves.
    page.goto(f"/families/{later.pk}/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record that they still cannot be told"
    )
    assert_accessible(page)
    page.get_by_label("It is not practicable yet").check()
    page.get_by_label("Why not yet").fill("Mother is in hospital this week")
    next_on = today + datetime.timedelta(days=21)
    _fill_date(page, "Date of the next review", next_on)
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The next review is on {next_on:%-d %B %Y}"
    )
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text(f"{next_on:%-d %B %Y}")
    assert_accessible(page)
