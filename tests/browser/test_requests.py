"""Issue 7 journeys in Debian's Chromium: agency A asks, agency B declines with reasons and
a discussion, A brings new information, B reconsiders and shares; an overdue request is
escalated. axe on every page."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation
from safeshare.decisions.models import Decision
from safeshare.requests import actions
from safeshare.requests.models import InformationRequest, Status
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import answer, fill_request, sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()


@pytest.fixture
def agencies() -> tuple[Organisation, Organisation]:
    school = OrganisationFactory.create(name="Riverside Primary School")
    police = OrganisationFactory.create(name="Northshire Police", kind="police")
    UserFactory.create(
        organisation=school, username="teacher", first_name="Amira", last_name="Khan"
    )
    UserFactory.create(
        organisation=school, username="dsl", first_name="Peter", last_name="Walsh", role="manager"
    )
    UserFactory.create(
        organisation=police,
        username="officer",
        first_name="Jordan",
        last_name="Price",
        job_title="Detective constable",
    )
    PersonFactory.create(organisation=school, given_names="Lily", family_name="Morgan")
    return school, police


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def fill_date(page: Page, prefix: str, value: datetime.date) -> None:
    page.locator(f"#id_{prefix}_0").fill(str(value.day))
    page.locator(f"#id_{prefix}_1").fill(str(value.month))
    page.locator(f"#id_{prefix}_2").fill(str(value.year))


def open_request(page: Page) -> None:
    page.get_by_role("link", name="Requests", exact=False).first.click()
    assert_accessible(page)
    page.get_by_role("link", name=InformationRequest.objects.get().reference).click()
    assert_accessible(page)


def test_a_request_is_declined_then_reconsidered_and_shared(
    page: Page, agencies: tuple[Organisation, Organisation]
) -> None:
    # Agency A (police) asks the school.
    sign_in(page, "officer")
    page.goto("/requests/")
    assert_accessible(page)
    page.get_by_role("button", name="Ask another organisation").click()
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the organisation you are asking"
    )
    assert_accessible(page)
    fill_request(page)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "sent to Riverside Primary School"
    )
    assert_accessible(page)
    sign_out(page)

    # Agency B (the school) declines, with reasons and the discussion.
    sign_in(page, "teacher")
    expect(page.get_by_role("link", name="Requests (1 open)")).to_be_visible()
    open_request(page)
    page.get_by_role("button", name="Respond with a decision").click()
    assert_accessible(page)
    page.get_by_label("Lily Morgan", exact=False).check()
    page.get_by_role("button", name="Start the decision").click()
    expect(
        page.get_by_role("heading", name="Record an information sharing decision")
    ).to_be_visible()
    page.get_by_role("link", name="Should the information be shared?").click()
    answer(page, "Is a child at immediate risk of significant harm?", "No")
    answer(page, "Is there a clear and legitimate purpose for sharing the information?", "No")
    page.get_by_role("button", name="Continue to the rest of the record").click()
    page.get_by_role("link", name="Reasons for not sharing").click()
    page.get_by_label("Why are you not sharing?").fill(
        "The request did not say what the strategy discussion concerns."
    )
    fill_date(page, "discussed_on", TODAY)
    page.get_by_label("Telephone").check()
    page.get_by_label("What did the requester say?").fill(
        "They will send the strategy meeting minutes."
    )
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Check your answers").click()
    page.get_by_role("button", name="Record decision").click()
    # Refusing a request waits for a manager's sign-off (the shipped policy's sign_off).
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This decision is waiting for sign-off"
    )
    sign_out(page)
    sign_in(page, "dsl")
    page.get_by_role("link", name="Sign-off (1)").click()
    page.get_by_role("link", name=re.compile("^Sign off")).click()
    page.get_by_role("button", name="Sign off this decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision signed off")
    expect(page.locator("#main-content")).to_contain_text("Signed off by Peter Walsh")
    sign_out(page)

    # Agency A sees the reasons and brings new information.
    sign_in(page, "officer")
    page.goto("/requests/outgoing/?status=all")
    assert_accessible(page)
    page.get_by_role("link", name=InformationRequest.objects.get().reference).click()
    expect(page.locator("#main-content")).to_contain_text(
        "The request did not say what the strategy discussion concerns."
    )
    page.get_by_role("button", name="Give new information").click()
    assert_accessible(page)
    page.get_by_label("What new information can you give?").fill(
        "A strategy meeting was held today; minutes sent by secure email."
    )
    page.get_by_role("button", name="Send new information").click()
    sign_out(page)

    # Agency B reconsiders and shares.
    sign_in(page, "teacher")
    open_request(page)
    expect(page.locator("#main-content")).to_contain_text("A strategy meeting was held today")
    page.get_by_role("link", name="See the full decision record").click()
    page.get_by_role("button", name="Reconsider with new information").click()
    page.get_by_label("What new information has the requester given?").fill(
        "Strategy meeting minutes received."
    )
    page.get_by_role("button", name="Start a new decision").click()
    page.get_by_role("link", name="Should the information be shared?").click()
    answer(page, "Is a child at immediate risk of significant harm?", "No")
    answer(page, "Is there a clear and legitimate purpose for sharing the information?", "Yes")
    answer(page, "Does the information identify a person?", "Yes")
    answer(page, "Are you relying on consent to share?", "No, I am relying on another lawful basis")
    answer(page, "Is any of the information special category data?", "No")
    answer(page, "Does any of the information relate to crimes or alleged crimes?", "No")
    answer(page, "Which lawful bases apply to sharing this information?", "Public task")
    page.get_by_role("button", name="Continue to the rest of the record").click()
    page.get_by_role("link", name="Consent", exact=True).click()
    page.get_by_label("Consent was not sought").check()
    page.get_by_label("Asking would prejudice an enquiry or investigation").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Information to share").click()
    page.get_by_role("button", name="Add an item").click()
    page.get_by_label("Information to share").fill("Lily missed 6 of the last 20 school days.")
    page.get_by_label("Fact", exact=True).check()
    page.get_by_label("Current", exact=True).check()
    page.get_by_label("Where does it come from?").fill("Attendance register")
    page.locator("input[name=identifies_third_party][value=no]").check()
    page.get_by_role("button", name="Save item").click()
    page.get_by_role("link", name="Return to the record").click()
    page.get_by_role("link", name="The seven principles").click()
    for title in [
        "Necessary and proportionate",
        "Relevant",
        "Adequate",
        "Accurate",
        "Timely",
        "Secure",
        "Recorded",
    ]:
        page.get_by_label(title, exact=True).fill(f"{title}: attendance only, for the enquiry.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Who receives it, and how").click()
    page.get_by_label("Organisation in the partnership").select_option(label="Northshire Police")
    page.get_by_label("Name of the person receiving it").fill("Jordan Price")
    page.get_by_label("Their role").fill("Detective constable")
    page.get_by_label("Known to me in their professional role").check()
    page.locator("input[name=shares_all_requested][value=no]").check()
    page.get_by_label("Secure disclosure through safeshare").check()
    fill_date(page, "shared_on", TODAY)
    page.get_by_role("button", name="Save and continue").click()
    # No agreement covers this: the page says so and asks why sharing is justified.
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "No information sharing agreement covers this recipient and purpose"
    )
    assert_accessible(page)
    page.get_by_label(
        "If no information sharing agreement covers this, why is sharing justified?"
    ).fill("Section 47 enquiry: Children Act 1989 s47 and the police's duty to investigate.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Telling the person").click()
    page.locator("input[name=subject_informed][value=no]").check()
    page.get_by_label("Telling them would prejudice an enquiry or investigation").check()
    fill_date(page, "inform_review_on", TODAY + datetime.timedelta(days=14))
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Check your answers").click()
    page.get_by_role("button", name="Record decision").click()
    # Sharing without consent waits for a manager's sign-off (the shipped policy).
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision sent for sign-off")
    sign_out(page)
    sign_in(page, "dsl")
    page.get_by_role("link", name="Sign-off (1)").click()
    page.get_by_role("link", name=re.compile("^Sign off")).click()
    page.get_by_role("button", name="Sign off this decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision signed off")
    sign_out(page)
    # Shared through safeshare: recording it sends nothing; a disclosure to the requester,
    # by name, is the next step (and the only way the items reach agency A).
    sign_in(page, "teacher")
    shared = Decision.objects.get(status="finalised", outcome="share_without_consent")
    page.goto(f"/decisions/{shared.pk}/")
    page.get_by_role("button", name="Send securely through safeshare").click()
    expect(page.get_by_label("Which organisation are you sending it to?")).to_have_value(
        str(Organisation.objects.get(name="Northshire Police").pk)
    )
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Jordan Price, Detective constable")).to_be_checked()
    page.get_by_label(re.compile(r"^Item 1: fact, current")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send securely").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Sent securely")
    # The request page says so, without the items.
    page.goto("/requests/?status=all")
    page.get_by_role("link", name=InformationRequest.objects.get().reference).click()
    expect(page.locator("#main-content")).to_contain_text("Sent securely through safeshare")
    expect(page.locator("#main-content")).not_to_contain_text("Lily missed 6 of the last 20")
    sign_out(page)

    # Agency A sees that it was answered, to whom it was sent, and opens it from there.
    sign_in(page, "officer")
    page.goto("/requests/outgoing/?status=all")
    page.get_by_role("link", name=InformationRequest.objects.get().reference).click()
    expect(page.locator("#main-content")).to_contain_text("Part of what was asked for")
    expect(page.locator("#main-content")).not_to_contain_text("Lily missed 6 of the last 20")
    assert_accessible(page)
    page.get_by_role("link", name="Open the information shared with you").click()
    expect(page.locator("#main-content")).to_contain_text(
        "Lily missed 6 of the last 20 school days."
    )
    assert_accessible(page)
    request = InformationRequest.objects.get()
    assert request.status == Status.ANSWERED and request.response == "shared_part"


def test_an_overdue_request_shows_and_is_escalated(
    page: Page, agencies: tuple[Organisation, Organisation]
) -> None:
    school, _police = agencies
    from safeshare.accounts.models import User
    from safeshare.vocabulary.models import Purpose

    request = actions.raise_request(
        actor=User.objects.get(username="officer"),
        to_organisation=school,
        details={
            "subject_details": "Lily Morgan",
            "purpose_category": Purpose.objects.get(name="Early help assessment"),
            "purpose": "Early help",
            "information_needed": "Attendance",
            "why_needed": "Planning",
            "urgency": "immediate",
            "statutory_basis": "none",
            "statutory_basis_detail": "",
        },
    )
    InformationRequest.objects.filter(pk=request.pk).update(
        received_at=request.received_at - datetime.timedelta(hours=6),
        due_at=request.due_at - datetime.timedelta(hours=6),
    )
    assert actions.escalate_overdue() == 1
    sign_in(page, "dsl")
    expect(page.get_by_role("link", name="Requests (1 open, 1 overdue)")).to_be_visible()
    page.goto("/requests/")
    expect(page.locator("table.govuk-table")).to_contain_text("Overdue")
    page.get_by_role("link", name=request.reference).click()
    expect(page.locator("#main-content")).to_contain_text("Escalated")
    page.get_by_role("button", name="Assign").click()
    assert_accessible(page)
    page.get_by_label("Amira Khan", exact=False).check()
    page.get_by_role("button", name="Assign request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Request assigned")
