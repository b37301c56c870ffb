"""Advice in the browser: a practitioner asks their manager for anonymised advice from the
guided questions, the manager finds it in their queue, reads it without the child's name
and answers it, and the practitioner sees the answer in the draft. axe on every page; the
controls used from the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, Role
from safeshare.subjects.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.factories import IdentifierFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    lily = school.people.get(given_names="Lily")
    IdentifierFactory.create(person=lily, value="9434765919")
    UserFactory.create(
        organisation=school,
        username="dsl",
        first_name="Dana",
        last_name="Lead",
        role=Role.MANAGER,
        job_title="Designated safeguarding lead",
    )
    return school


def press(page: Page, role: str, name: str) -> None:
    """Use a control from the keyboard: focus it, then press Enter."""
    control = page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
    control.focus()
    expect(control).to_be_focused()
    page.keyboard.press("Enter")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def test_a_practitioner_asks_anonymised_advice_and_the_manager_answers_it(
    page: Page, school: Organisation
) -> None:
    lily = Person.objects.get(given_names="Lily")
    sign_in(page)
    page.goto(f"/people/{lily.pk}/")
    page.get_by_role("button", name="Record an information sharing decision").click()
    page.get_by_label("Sharing on my own initiative").check()
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Standard").check()
    page.get_by_label("Describe the purpose").fill("Lily Morgan told her teacher about a bruise")
    page.get_by_role("button", name="Save and continue").click()

    # Unsure on the first question: ask for advice from there.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is a child at immediate risk of significant harm?"
    )
    assert_accessible(page)
    press(page, "link", "I'm not sure – ask for advice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for advice")
    expect(page.locator("#main-content")).to_contain_text("If you are unsure")
    assert_accessible(page)
    question = page.get_by_label("Your question")
    expect(question).to_have_value(re.compile("I am not sure how to answer"))
    question.fill("")
    press(page, "button", "Send request for advice")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select who you want to ask for advice")
    expect(summary).to_contain_text("Enter your question")
    assert_accessible(page)
    page.get_by_label("My manager or designated safeguarding lead").check()
    page.get_by_label("Your question").fill(
        "Lily Morgan (NHS 943 476 5919, born 4 May 2016) has a bruise she will not explain. "
        "Is this immediate risk?"
    )
    expect(
        page.get_by_label("Share the person's name and identifiers with the adviser")
    ).not_to_be_checked()
    press(page, "button", "Send request for advice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for advice sent")
    assert_accessible(page)
    press(page, "link", "Go back to the draft")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record an information sharing decision"
    )
    expect(page.locator(".govuk-summary-card")).to_contain_text("Waiting")
    assert_accessible(page)
    tasks_url = page.url
    sign_out(page)

    # The manager: the header says something waits; the request shows no identity.
    sign_in(page, "dsl")
    press(page, "link", "Advice (1 waiting)")
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for your advice")
    expect(page.locator("tbody")).to_contain_text("Amira Khan")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Open")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for advice")
    content = page.content()
    for identifying in ["Lily", "Morgan", "943 476 5919", "9434765919", "4 May 2016"]:
        assert identifying not in content, identifying
    expect(page.locator("#main-content")).to_contain_text("has a bruise she will not explain")
    expect(page.locator("#main-content")).to_contain_text("This request is anonymised")
    assert_accessible(page)
    press(page, "button", "Send advice")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your advice")
    assert_accessible(page)
    page.get_by_label("Your advice").fill(
        "Treat it as immediate risk: call children's social care now."
    )
    press(page, "button", "Send advice")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your advice has been added to the draft"
    )
    assert_accessible(page)
    expect(page.get_by_role("link", name="Advice", exact=True)).to_be_visible()
    sign_out(page)

    # The practitioner sees the answer in the draft, and in its advice section.
    sign_in(page)
    page.goto(tasks_url)
    card = page.locator(".govuk-summary-card")
    expect(card).to_contain_text("call children's social care now")
    expect(card).to_contain_text("Dana Lead, Designated safeguarding lead")
    assert_accessible(page)
    page.get_by_role("link", name="Advice", exact=True).first.click()
    expect(page.get_by_label("Name of the person who advised you")).to_have_value("Dana Lead")
    expect(page.get_by_label("What were you advised?")).to_have_value(
        "Treat it as immediate risk: call children's social care now."
    )
    assert_accessible(page)
