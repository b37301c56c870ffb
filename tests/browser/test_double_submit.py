"""Double submits in Chromium: a double click with JavaScript off (so GOV.UK Frontend's
prevent-double-click cannot help and both posts reach the server), the back button and
"Send" again, and a second tab. Raising a request, recording a decision and sending a
disclosure each make one record."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from safeshare.decisions.models import Decision
from safeshare.disclosures.models import Disclosure
from safeshare.ledger.models import Entry
from safeshare.requests.models import InformationRequest
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import fill_request, sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> dict[str, Any]:
    school = OrganisationFactory.create(name="Riverside Primary School")
    csc = OrganisationFactory.create(
        name="Northshire Children's Social Care", kind="childrens_social_care"
    )
    teacher = UserFactory.create(
        organisation=school, username="teacher", first_name="Amira", last_name="Khan"
    )
    UserFactory.create(
        organisation=csc,
        username="sw",
        first_name="Tom",
        last_name="Barker",
        job_title="Social worker",
    )
    lily = PersonFactory.create(organisation=school, given_names="Lily", family_name="Morgan")
    return {"school": school, "teacher": teacher, "lily": lily}


@pytest.fixture
def no_script(
    browser: Browser, live_server: Any, immutable_tables_emptied_after: None
) -> Iterator[Page]:
    """A tab with JavaScript off: the service works without it, and a double click then
    sends two posts."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_request_sent_twice_is_one_request(
    no_script: Page, page: Page, world: dict[str, Any]
) -> None:
    page_two = page.context.new_page()
    sign_in(no_script, "sw", axe=False)
    no_script.goto("/requests/new/")
    fill_request(no_script)
    no_script.get_by_role("button", name="Send request").dblclick()
    expect(no_script.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Request REQ-"))
    assert InformationRequest.objects.count() == 1

    # The back button, then "Send request" again with the same answers.
    no_script.go_back()
    fill_request(no_script)
    no_script.get_by_role("button", name="Send request").click()
    expect(no_script.locator(".govuk-notification-banner")).to_contain_text(
        "You had already sent this request"
    )

    # A second tab (with JavaScript) sending the same request.
    sign_in(page_two, "sw")
    page_two.goto("/requests/new/")
    fill_request(page_two)
    page_two.get_by_role("button", name="Send request").click()
    expect(page_two.locator(".govuk-notification-banner")).to_contain_text(
        "You had already sent this request"
    )
    assert_accessible(page_two)
    assert InformationRequest.objects.count() == 1
    assert Entry.objects.filter(event_type="requests.request.received").count() == 1


def test_a_decision_recorded_twice_is_recorded_once(
    no_script: Page, page: Page, world: dict[str, Any]
) -> None:
    draft = DecisionFactory.create(started_by=world["teacher"], subject=world["lily"], share=True)
    sign_in(page)
    page.goto(f"/decisions/{draft.pk}/check/")  # the second tab, left open
    sign_in(no_script, axe=False)
    no_script.goto(f"/decisions/{draft.pk}/check/")
    no_script.get_by_role("button", name="Record decision").dblclick()
    expect(no_script.locator(".govuk-panel__title")).to_have_text("Share")
    page.get_by_role("button", name="Record decision").click()
    # The second tab lands on the record that is there now.
    expect(page).to_have_url(re.compile(rf"/decisions/{draft.pk}/$"))
    assert_accessible(page)
    assert Decision.objects.get(pk=draft.pk).is_finalised
    assert Entry.objects.filter(event_type="decisions.decision.finalised").count() == 1


def _to_check_page(tab: Page, decision: Decision) -> None:
    tab.goto(f"/decisions/{decision.pk}/")
    tab.get_by_role("button", name="Send securely through safeshare").click()
    tab.get_by_label("Which organisation are you sending it to?").select_option(
        label="Northshire Children's Social Care"
    )
    tab.get_by_role("button", name="Continue").click()
    tab.get_by_label("Tom Barker, Social worker").check()
    tab.get_by_label(re.compile(r"^Item 1: fact, current")).check()
    tab.get_by_role("button", name="Continue").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Check before you send")


def test_a_disclosure_sent_twice_is_sent_once(
    no_script: Page, page: Page, world: dict[str, Any]
) -> None:
    decision = DecisionFactory.create(
        started_by=world["teacher"], subject=world["lily"], share=True, finalised=True
    )
    sign_in(page)
    _to_check_page(page, decision)  # the second tab, left on the check page
    sign_in(no_script, axe=False)
    _to_check_page(no_script, decision)
    no_script.get_by_role("button", name="Send securely").dblclick()
    expect(no_script.locator(".govuk-panel__title")).to_have_text("Sent securely")
    page.get_by_role("button", name="Send securely").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("it has not been sent again")
    expect(page.locator(".govuk-panel__title")).to_have_text("Sent securely")
    assert_accessible(page)
    assert Disclosure.objects.count() == 1
    assert Entry.objects.filter(event_type="disclosures.disclosure.sent").count() == 1
