"""Issue 4 journeys in Debian's Chromium: a share without consent with a fact and an
opinion, and a refusal with its discussion; axe on every page of the record."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation
from safeshare.decisions import signoff
from safeshare.decisions.models import Decision, DecisionStatus
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import answer, riverside_school, sign_in, sign_in_here
from tests.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    PersonFactory.create(
        organisation=school, given_names="Kerry", family_name="Morgan", kind="adult"
    )
    return school


def _signed_off_by_a_manager(school: Organisation, page: Page) -> None:
    """A manager of the school signs off the decision waiting, and the page is reloaded."""
    waiting = Decision.objects.get(status=DecisionStatus.AWAITING_SIGN_OFF)
    manager = UserFactory.create(organisation=school, manager=True)
    signoff.approve(actor=manager, decision=waiting)
    page.reload()


def fill_date(page: Page, prefix: str, value: datetime.date) -> None:
    page.locator(f"#id_{prefix}_0").fill(str(value.day))
    page.locator(f"#id_{prefix}_1").fill(str(value.month))
    page.locator(f"#id_{prefix}_2").fill(str(value.year))


def save(page: Page) -> None:
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()


def open_task(page: Page, name: str) -> None:
    expect(
        page.get_by_role("heading", name="Record an information sharing decision")
    ).to_be_visible()
    page.get_by_role("link", name=name, exact=True).click()


def start_about_lily(page: Page, school: Organisation, *, request: bool) -> None:
    sign_in(page)
    lily = school.people.get(given_names="Lily")
    page.goto(f"/people/{lily.pk}/")
    page.get_by_role("button", name="Record an information sharing decision").click()
    expect(page.get_by_role("heading", name="The request or reason for sharing")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether you are responding to a request"
    )
    assert_accessible(page)
    if request:
        page.get_by_label("Responding to a request for information").check()
        page.get_by_label("Requester's name").fill("Tom Barker")
        page.get_by_label("Requester's role").fill("Social worker")
        page.get_by_label("Requester's organisation").fill("Northshire Children's Social Care")
        page.get_by_label("Telephone").first.check()
        fill_date(page, "request_received_on", TODAY)
        page.get_by_label("How did you check the requester's identity?").fill(
            "Called back on the council switchboard"
        )
    else:
        page.get_by_label("Sharing on my own initiative").check()
    page.get_by_label("Section 47 enquiry (child protection)").check()
    page.get_by_label("Describe the purpose").fill(
        "Section 47 enquiry after bruising was seen at school"
    )
    page.get_by_label("Urgent: needed within a working day").check()
    save(page)


def test_a_share_without_consent_with_a_fact_and_an_opinion(
    page: Page, school: Organisation
) -> None:
    start_about_lily(page, school, request=False)
    answer(page, "Is a child at immediate risk of significant harm?", "No")
    answer(page, "Is there a clear and legitimate purpose for sharing the information?", "Yes")
    answer(page, "Does the information identify a person?", "Yes")
    answer(page, "Are you relying on consent to share?", "No, I am relying on another lawful basis")
    answer(page, "Is any of the information special category data?", "No")
    answer(page, "Does any of the information relate to crimes or alleged crimes?", "No")
    answer(page, "Which lawful bases apply to sharing this information?", "Public task")
    expect(page.locator("#outcome")).to_have_text("Outcome: Share without consent")
    assert_accessible(page)
    page.get_by_role("button", name="Continue to the rest of the record").click()
    assert_accessible(page)

    open_task(page, "People the decision is about")
    page.get_by_label("Kerry Morgan", exact=False).check()
    save(page)

    open_task(page, "Consent")
    page.get_by_label("Consent was not sought").check()
    page.get_by_label("Asking would prejudice an enquiry or investigation").check()
    save(page)

    open_task(page, "Information to share")
    assert_accessible(page)
    page.get_by_role("button", name="Add an item").click()
    page.get_by_label("Information to share").fill(
        "Lily had a bruise on her left forearm on 3 November."
    )
    page.get_by_label("Fact", exact=True).check()
    page.get_by_label("Current", exact=True).check()
    page.get_by_label("Where does it come from?").fill("Class teacher's observation")
    page.locator("input[name=identifies_third_party][value=no]").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save item").click()
    page.get_by_role("button", name="Add another item").click()
    page.get_by_label("Information to share").fill("Lily seems withdrawn since the summer.")
    page.get_by_label("Fact", exact=True).check()
    page.get_by_label("Historical", exact=True).check()
    fill_date(page, "relates_to", datetime.date(TODAY.year - 1, 9, 1))
    page.get_by_label("Where does it come from?").fill("Class teacher")
    page.locator("input[name=identifies_third_party][value=no]").check()
    page.get_by_role("button", name="Save item").click()
    # Suggestion only: "seems" in an item marked fact.
    expect(page.locator(".govuk-warning-text")).to_contain_text("‘seems’")
    assert_accessible(page)
    page.get_by_label("Opinion", exact=True).check()
    page.get_by_label("Whose opinion is it?").fill("Amira Khan, class teacher")
    page.get_by_role("button", name="Save item").click()
    expect(page.locator(".govuk-summary-card")).to_have_count(2)
    page.get_by_role("link", name="Return to the record").click()

    open_task(page, "The seven principles")
    for title in [
        "Necessary and proportionate",
        "Relevant",
        "Adequate",
        "Accurate",
        "Timely",
        "Secure",
        "Recorded",
    ]:
        page.get_by_label(title, exact=True).fill(f"{title}: only two items, for the enquiry.")
    save(page)

    open_task(page, "Who receives it, and how")
    page.get_by_label("Organisation outside the partnership").fill(
        "Northshire Children's Social Care"
    )
    page.get_by_label("Name of the person receiving it").fill("Tom Barker")
    page.get_by_label("Their role").fill("Social worker")
    page.get_by_label("Called back on a number from an official source").check()
    page.get_by_label("Secure email", exact=True).check()
    fill_date(page, "shared_on", TODAY)
    page.get_by_label("Time shared").fill("09:30")
    page.get_by_label(
        "If no information sharing agreement covers this, why is sharing justified?"
    ).fill("Children Act 1989 s47 enquiry; the agency is outside the partnership's agreements.")
    save(page)

    open_task(page, "Telling the person")
    page.locator("input[name=subject_informed][value=no]").check()
    page.get_by_label("Telling them would prejudice an enquiry or investigation").check()
    fill_date(page, "inform_review_on", TODAY + datetime.timedelta(days=28))
    save(page)

    expect(page.get_by_role("button", name="Check your answers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before recording the decision"
    )
    expect(page.locator("#main-content")).to_contain_text("Public task")
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    # The shipped policy holds a share without consent for a manager's sign-off
    # (tests/browser/test_sign_off.py walks it); here a manager signs it off at once.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This decision is waiting for sign-off"
    )
    _signed_off_by_a_manager(school, page)

    expect(page.locator(".govuk-panel__title")).to_have_text("Share without consent")
    assert_accessible(page)
    decision = Decision.objects.get()
    assert decision.items.count() == 2
    assert {i.nature for i in decision.items.all()} == {"fact", "opinion"}
    assert decision.subjects.count() == 2
    page.get_by_role("button", name="Print this decision").click()
    expect(page.locator(".app-marking")).to_have_count(2)
    assert_accessible(page)


def test_a_refusal_with_its_discussion_then_reconsidered(page: Page, school: Organisation) -> None:
    start_about_lily(page, school, request=True)
    answer(page, "Is a child at immediate risk of significant harm?", "No")
    answer(page, "Is there a clear and legitimate purpose for sharing the information?", "No")
    expect(page.locator("#outcome")).to_have_text("Outcome: Do not share")
    page.get_by_role("button", name="Continue to the rest of the record").click()
    open_task(page, "Reasons for not sharing")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reasons for not sharing"
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the requester's response")
    assert_accessible(page)
    page.get_by_label("Why are you not sharing?").fill(
        "The request did not say what the information was for."
    )
    fill_date(page, "discussed_on", YESTERDAY)
    page.get_by_label("Telephone").check()
    page.get_by_label("What did the requester say?").fill(
        "They will send the strategy meeting minutes."
    )
    save(page)
    page.get_by_role("button", name="Check your answers").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    # A refusal of a request waits for a manager's sign-off under the shipped policy.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This decision is waiting for sign-off"
    )
    _signed_off_by_a_manager(school, page)
    expect(page.locator(".govuk-panel__title")).to_have_text("Do not share")
    page.get_by_role("button", name="Reconsider with new information").click()
    assert_accessible(page)
    page.get_by_label("What new information has the requester given?").fill(
        "A strategy meeting was held; a section 47 enquiry is open."
    )
    page.get_by_role("button", name="Start a new decision").click()
    expect(page.locator(".govuk-caption-l")).to_contain_text(
        "Reconsidering a decision about Lily Morgan"
    )
    refusal, reconsideration = Decision.objects.order_by("started_at")
    assert reconsideration.reconsiders == refusal
    lily = school.people.get(given_names="Lily")
    page.goto(f"/people/{lily.pk}/")
    expect(page.locator("table.govuk-table tbody tr").first).to_contain_text(
        "Not shared: The request did not say"
    )
    assert_accessible(page)


def test_typing_survives_a_timed_out_session(page: Page, school: Organisation) -> None:
    from django.contrib.sessions.models import Session

    sign_in(page)
    lily = school.people.get(given_names="Lily")
    page.goto(f"/people/{lily.pk}/")
    page.get_by_role("button", name="Record an information sharing decision").click()
    typed = "Bruising seen on Monday; Lily said she fell off her bike."
    page.get_by_label("Describe the purpose").fill(typed)
    # The session ends while the practitioner is typing (idle timeout, or signed out elsewhere).
    Session.objects.all().delete()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/decisions/"))
    sign_in_here(page, "teacher")
    # Back on the same page, with what was typed put back and a note saying so.
    expect(page.get_by_role("heading", name="The request or reason for sharing")).to_be_visible()
    expect(page.get_by_label("Describe the purpose")).to_have_value(typed)
    expect(page.locator("#preserve-note")).to_be_visible()
    assert_accessible(page)
