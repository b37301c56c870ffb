"""An adult at risk, in the browser with axe on every page (issue 15): a voluntary group,
which is not a public authority, records decisions about an adult. The web flow tells the
engine both facts without asking (the organisation's record, the adult's date of birth):
the questions and outcomes speak of the adult, never of "the child or their carers"; an
adult at immediate risk has the urgent route; and Schedule 1 paragraph 18 for an adult
asks the practitioner to record that the adult is at risk as the Act defines it.

The shipped policy must take the answer `subject_is_adult`; the first test says so (the
derived answers are tested without a browser in tests/decisions/test_derived_answers.py)."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from safeshare import guidance
from safeshare.accounts.models import Organisation, OrganisationKind
from safeshare.decisions.models import Decision
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import answer, sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_shipped_policy_takes_the_adult_answer() -> None:
    assert "subject_is_adult" in guidance.load_policy(guidance.DEFAULT_POLICY_ID).answer_keys


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


def _start(page: Page, club: Organisation, purpose: str) -> None:
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
    page.get_by_label("Describe the purpose").fill(purpose)
    page.locator("input[name=urgency]").first.check()
    page.get_by_role("button", name="Save and continue").click()


def _speaks_of_the_adult(page: Page) -> None:
    """The page's own words never speak of "the child or their carers". A citation's quote
    (in curly quotes) is the source's words, which may."""
    said = re.sub(r"“[^”]*”", "", page.locator("#main-content").inner_text())
    assert "child or their carers" not in said


def _answer(page: Page, heading: str, *choices: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    _speaks_of_the_adult(page)
    answer(page, heading, *choices)


def test_a_voluntary_group_shares_urgently_about_an_adult_at_immediate_risk(
    page: Page, club: Organisation
) -> None:
    _start(
        page,
        club,
        "Kerry told me her partner threatened her tonight and she cannot keep herself safe",
    )
    # The first question is already worded for an adult.
    _answer(page, "Is the adult at immediate risk of serious harm?", "Yes")

    expect(page.locator("#outcome")).to_have_text("Outcome: Share urgently")
    main = page.locator("#main-content")
    _speaks_of_the_adult(page)
    expect(main).to_contain_text("Record why the adult was at immediate risk")
    # What the flow told the engine, shown and not asked.
    expect(main).to_contain_text("Is your organisation a public authority?")
    expect(main).to_contain_text("No (from your organisation's details)")
    expect(main).to_contain_text("Is everyone this decision is about 18 or over?")
    expect(main).to_contain_text("Yes (from their records)")
    assert_accessible(page)

    decision = Decision.objects.get()
    assert decision.answers["public_authority"] is False
    assert decision.answers["subject_is_adult"] is True


def test_an_adult_at_risk_is_shared_about_on_schedule_1_paragraph_18(
    page: Page, club: Organisation
) -> None:
    _start(page, club, "Kerry's carer is taking her money and she cannot stop it")
    _answer(page, "Is the adult at immediate risk of serious harm?", "No")
    _answer(page, "Is there a clear and legitimate purpose for sharing the information?", "Yes")
    _answer(page, "Does the information identify a person?", "Yes")
    _answer(
        page, "Are you relying on consent to share?", "No, I am relying on another lawful basis"
    )
    _answer(page, "Is any of the information special category data?", "Yes")
    _answer(page, "Does any of the information relate to crimes or alleged crimes?", "No")
    _answer(
        page,
        "Which lawful bases apply to sharing this information?",
        "Recognised legitimate interests (safeguarding condition)",
        "Substantial public interest",
        "Safeguarding of children and individuals at risk (Schedule 1 paragraph 18)",
    )
    expect(page.locator("#outcome")).to_contain_text("Outcome: Share")
    main = page.locator("#main-content")
    _speaks_of_the_adult(page)
    # What to record: that the adult is at risk as the Act defines it.
    expect(main).to_contain_text(
        "The adult is at risk: you have reasonable cause to suspect that they have needs for "
        "care and support, are experiencing or at risk of abuse or neglect, and because of "
        "those needs are unable to protect themselves from it"
    )
    assert_accessible(page)
    decision = Decision.objects.get()
    assert (decision.answers["public_authority"], decision.answers["subject_is_adult"]) == (
        False,
        True,
    )
