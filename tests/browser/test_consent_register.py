"""The consent register in the browser (issue 17, done when): consent recorded once is used
by two decisions, and its withdrawal flags both and tells a disclosure's recipient. axe on
every new page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.factories.disclosures import DisclosureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    return riverside_school()


def _date(page: Page, name: str, day: datetime.date) -> None:
    page.locator(f'[name="{name}_0"]').fill(str(day.day))
    page.locator(f'[name="{name}_1"]').fill(str(day.month))
    page.locator(f'[name="{name}_2"]').fill(str(day.year))


def test_one_consent_serves_two_decisions_and_its_withdrawal_flags_both_and_tells_the_recipient(
    page: Page, school: Organisation
) -> None:
    lily = Person.objects.get(given_names="Lily")
    teacher = User.objects.get(username="teacher")
    first = DecisionFactory.create(started_by=teacher, subject=lily, share_with_consent=True)
    second = DecisionFactory.create(started_by=teacher, subject=lily, share_with_consent=True)
    today = datetime.date.today()
    sign_in(page)

    # Recorded once, from the first draft: it then relies on it.
    page.goto(f"/decisions/{first.pk}/consent/register/")
    assert_accessible(page)
    page.get_by_role("link", name="Record consent for Lily Morgan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record consent")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether consent was given or refused"
    )
    assert_accessible(page)
    page.get_by_label("Consent was given").check()
    page.get_by_label("Someone with parental responsibility for them").check()
    page.get_by_label("If someone with parental responsibility, their name and relationship").fill(
        "Kerry Morgan, mother"
    )
    page.get_by_label("What they agreed to or refused").fill("Attendance and wellbeing")
    page.get_by_label("Who it may be shared with").fill("Northshire Early Help")
    page.get_by_label("Telephone").check()
    _date(page, "obtained_on", today - datetime.timedelta(days=2))
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator("#consent-register")).to_contain_text("This draft relies on consent")
    assert_accessible(page)

    # The second draft picks the same consent from the register.
    page.goto(f"/decisions/{second.pk}/consent/register/")
    page.get_by_role("button", name="Use this consent").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the consent")
    page.get_by_label("Lily Morgan: given by Kerry Morgan").check()
    page.get_by_role("button", name="Use this consent").click()
    expect(page.locator("#consent-register")).to_contain_text("This draft relies on consent")

    # The first is recorded and shared in safeshare with a recipient.
    recorded = decision_actions.finalise_decision(
        actor=teacher, decision=Decision.objects.get(pk=first.pk)
    )
    recipient = UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Early Help"),
        username="recipient",
        first_name="Rhea",
        last_name="Patel",
    )
    disclosure = DisclosureFactory.create(decision=recorded, recipient=recipient, message="")

    # The register, the entry and its withdrawal.
    page.goto(f"/people/{lily.pk}/consent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent register")
    assert_accessible(page)
    page.get_by_role("link", name="View").first.click()
    expect(page.locator("#relied-on li")).to_have_count(2)
    assert_accessible(page)
    page.get_by_role("link", name="Record a review").click()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Record that consent was withdrawn").click()
    page.get_by_role("button", name="Record withdrawal").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who withdrew consent")
    assert_accessible(page)
    page.get_by_label("Someone with parental responsibility for them").check()
    page.get_by_label("If someone with parental responsibility, their name and relationship").fill(
        "Kerry Morgan, mother"
    )
    _date(page, "withdrawn_on", today)
    page.get_by_label("Telephone").check()
    page.get_by_label("What happens now").fill("She asked us to stop. Considering another basis.")
    page.get_by_role("button", name="Record withdrawal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent withdrawal recorded")
    expect(page.locator("#relied-on")).to_contain_text("Consent withdrawn")
    expect(page.locator("#relied-on .govuk-tag")).to_have_count(2)
    expect(page.get_by_text("whether a lawful basis without consent applies")).to_be_visible()
    assert_accessible(page)
    page.goto("/consent/due/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The recipient is told on the disclosure's page.
    sign_in(page, "recipient")
    page.goto(f"/disclosures/{disclosure.pk}/")
    expect(page.locator("#consent-withdrawn")).to_contain_text(
        "The consent this was shared under was withdrawn"
    )
    assert_accessible(page)
