"""An adult at risk, in the browser with axe on every page (issue 15): a voluntary group,
which is not a public authority, records a decision about an adult at immediate risk. The
web flow tells the engine both facts without asking (the organisation's record, the
adult's date of birth); the adult's path takes the urgent route and speaks of the adult,
never of "the child or their carers".

It needs a policy that takes the answer `subject_is_adult`; until the shipped one does,
it is skipped (the derived answers are tested without a browser in
tests/decisions/test_derived_answers.py)."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from safeshare import guidance
from safeshare.accounts.models import Organisation, OrganisationKind
from safeshare.decisions.models import Decision
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "subject_is_adult" not in guidance.load_policy(guidance.DEFAULT_POLICY_ID).answer_keys,
        reason="the shipped policy does not yet take the answer subject_is_adult",
    ),
]


@pytest.fixture
def club() -> Organisation:
    club = OrganisationFactory.create(
        name="Northshire Community Boxing Club", kind=OrganisationKind.VOLUNTARY
    )
    UserFactory.create(organisation=club, username="coach", first_name="Dev", last_name="Shah")
    today = datetime.date.today()
    PersonFactory.create(
        organisation=club,
        kind="adult",
        given_names="Kerry",
        family_name="Morgan",
        date_of_birth=today.replace(year=today.year - 19),
    )
    return club


def test_a_voluntary_group_shares_urgently_about_an_adult_at_immediate_risk(
    page: Page, club: Organisation
) -> None:
    assert club.public_authority is False
    kerry = club.people.get(given_names="Kerry")
    sign_in(page, "coach")
    page.goto(f"/people/{kerry.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kerry Morgan")
    assert_accessible(page)
    page.get_by_role("button", name="Record an information sharing decision").click()
    assert_accessible(page)
    page.get_by_label("Sharing on my own initiative").check()
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Describe the purpose").fill(
        "Kerry told me her partner threatened her tonight and she cannot keep herself safe"
    )
    page.locator("input[name=urgency]").first.check()
    page.get_by_role("button", name="Save and continue").click()

    # The first question: immediate risk, however the adult's path words it.
    expect(page).to_have_url(re.compile(r"/questions/immediate_risk/$"))
    assert_accessible(page)
    expect(page.locator("#main-content")).not_to_contain_text("child or their carers")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("#outcome")).to_have_text("Outcome: Share urgently")
    main = page.locator("#main-content")
    expect(main).not_to_contain_text("child or their carers")
    expect(main).to_contain_text("adult")
    # What the flow told the engine, shown and not asked.
    expect(main).to_contain_text("Is your organisation a public authority?")
    expect(main).to_contain_text("No (from your organisation's details)")
    expect(main).to_contain_text("Is everyone this decision is about 18 or over?")
    expect(main).to_contain_text("Yes (from their records)")
    assert_accessible(page)

    decision = Decision.objects.get()
    assert decision.answers["public_authority"] is False
    assert decision.answers["subject_is_adult"] is True
