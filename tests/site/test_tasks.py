""" "Your tasks" on the home page (issue 17): each count is what is waiting for the
signed-in user alone, with a link to the list that shows it; roles without the task do
not see it; the page's query count does not grow with what is waiting."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import Organisation, User
from safeshare.advice import actions as advice_actions
from safeshare.advice.models import AdviserKind
from safeshare.decisions import actions as decision_actions
from safeshare.requests import actions as request_actions
from safeshare.site.tasks import tasks_for
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.factories.requests import InformationRequestFactory

pytestmark = pytest.mark.django_db


def _row(html: str, text: str) -> str:
    """The value cell of the task row headed `text`."""
    found = re.search(
        rf"<dt class=\"govuk-summary-list__key\">{re.escape(text)}</dt>\s*"
        r"<dd class=\"govuk-summary-list__value\">([^<]*)</dd>",
        html,
    )
    assert found, f"no task row {text!r}"
    return found.group(1)


def _waiting_for(organisation: Organisation, practitioner: User, manager: User) -> None:
    """Two drafts of the practitioner's, each asking the manager's advice; one request
    assigned to the practitioner and one to the manager."""
    for _ in range(2):
        draft = decision_actions.start_decision(
            actor=practitioner, subject=PersonFactory.create(organisation=organisation)
        )
        advice_actions.ask_advice(
            actor=practitioner,
            decision=draft,
            adviser_kind=AdviserKind.MANAGER,
            question="Should I tell the mother first?",
            urgency="standard",
        )
    for assignee in (practitioner, manager):
        request = InformationRequestFactory.create(
            to_organisation=organisation,
            requested_by=UserFactory.create(
                organisation=OrganisationFactory.create(name="Eastshire Police")
            ),
        )
        request_actions.assign_request(actor=manager, request=request, assignee=assignee)


def test_each_count_is_the_users_own(
    client: Client, organisation: Organisation, practitioner: User
) -> None:
    manager = UserFactory.create(organisation=organisation, manager=True)
    _waiting_for(organisation, practitioner, manager)

    client.force_login(manager)
    html = client.get(reverse("site:home")).content.decode()
    assert "Your tasks" in html
    assert _row(html, "Advice asked of you") == "2"
    assert _row(html, "Requests assigned to you") == "1"
    assert _row(html, "Your draft decisions") == "None"
    assert f'href="{reverse("advice:queue")}"' in html
    assert f'href="{reverse("requests:incoming")}?mine=on"' in html

    client.force_login(practitioner)
    html = client.get(reverse("site:home")).content.decode()
    assert _row(html, "Requests assigned to you") == "1"
    assert _row(html, "Your draft decisions") == "2"
    # A practitioner is not an adviser by role and nobody named them.
    assert "Advice asked of you" not in html


def test_another_organisations_work_is_not_counted(
    client: Client, organisation: Organisation, other_organisation: Organisation
) -> None:
    mine = UserFactory.create(organisation=organisation, manager=True)
    theirs = UserFactory.create(organisation=other_organisation, manager=True)
    _waiting_for(other_organisation, UserFactory.create(organisation=other_organisation), theirs)
    DecisionFactory.create(
        started_by=UserFactory.create(organisation=other_organisation),
        subject=PersonFactory.create(organisation=other_organisation),
        awaiting_sign_off=True,
    )
    assert {task.text: task.count for task in tasks_for(mine)} == {
        "Advice asked of you": 0,
        "Sign-offs waiting": 0,
        "Reviews due after the event": 0,
        "Requests assigned to you": 0,
        "Families to tell": 0,
        "Your draft decisions": 0,
        "Consents to review": 0,
    }
    assert {task.text: task.count for task in tasks_for(theirs)}["Sign-offs waiting"] == 1


def test_a_manager_sees_sign_offs_waiting_and_reviews_due(
    client: Client, organisation: Organisation, practitioner: User
) -> None:
    manager = UserFactory.create(organisation=organisation, manager=True)
    for _ in range(2):
        DecisionFactory.create(
            started_by=practitioner,
            subject=PersonFactory.create(organisation=organisation),
            awaiting_sign_off=True,
        )
    client.force_login(manager)
    html = client.get(reverse("site:home")).content.decode()
    assert _row(html, "Sign-offs waiting") == "2"
    assert _row(html, "Reviews due after the event") == "None"
    assert f'href="{reverse("decisions:sign_off_queue")}"' in html
    assert "Sign-off (2)" in html
    client.force_login(practitioner)
    html = client.get(reverse("site:home")).content.decode()
    assert "Sign-offs waiting" not in html
    assert "Sign-off (" not in html


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_roles_without_case_work_have_no_tasks(
    client: Client, organisation: Organisation, role: str
) -> None:
    user = UserFactory.create(organisation=organisation, **{role: True})
    assert tasks_for(user) == []
    client.force_login(user)
    assert "Your tasks" not in client.get(reverse("site:home")).content.decode()


def test_the_link_for_requests_lists_only_the_users_own(
    client: Client, organisation: Organisation, practitioner: User
) -> None:
    manager = UserFactory.create(organisation=organisation, manager=True)
    _waiting_for(organisation, practitioner, manager)
    client.force_login(practitioner)
    page = client.get(reverse("requests:incoming") + "?mine=on")
    assert page.status_code == 200
    assert page.content.decode().count("govuk-table__row") - 1 == 1
