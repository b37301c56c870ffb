"""Each rule of requests/permissions.py, enforced by the action itself: called directly as
the wrong actor or in the wrong state, it refuses and writes nothing."""

from __future__ import annotations

from functools import partial

import pytest
from django.core.exceptions import PermissionDenied

from safeshare.accounts.models import Organisation, User
from safeshare.requests import actions
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.requests.test_requests import details
from tests.rules import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker(other_organisation: Organisation) -> User:
    return UserFactory.create(organisation=other_organisation, username="asker")


@pytest.fixture
def asked(asker: User, organisation: Organisation) -> InformationRequest:
    return actions.raise_request(actor=asker, to_organisation=organisation, details=details())


@pytest.fixture
def bystander() -> User:
    return UserFactory.create(organisation=OrganisationFactory.create(name="Early Help"))


def test_an_ig_lead_does_not_raise_requests(
    other_organisation: Organisation, organisation: Organisation
) -> None:
    ig_lead = UserFactory.create(organisation=other_organisation, ig_lead=True)
    assert_refused(
        lambda: actions.raise_request(
            actor=ig_lead, to_organisation=organisation, details=details()
        ),
        PermissionDenied,
    )


def test_a_request_goes_to_another_organisation(
    asker: User, other_organisation: Organisation
) -> None:
    assert_refused(
        lambda: actions.raise_request(
            actor=asker, to_organisation=other_organisation, details=details()
        ),
        ValueError,
    )


def test_only_the_receiving_side_assigns(
    asked: InformationRequest, asker: User, bystander: User, practitioner: User
) -> None:
    for who in [asker, bystander]:
        assert_refused(
            partial(actions.assign_request, actor=who, request=asked, assignee=practitioner),
            PermissionDenied,
        )


def test_a_practitioner_assigns_only_themselves(
    asked: InformationRequest, practitioner: User, organisation: Organisation
) -> None:
    colleague = UserFactory.create(organisation=organisation)
    assert_refused(
        lambda: actions.assign_request(actor=practitioner, request=asked, assignee=colleague),
        PermissionDenied,
    )


@pytest.mark.parametrize("who", ["disabled", "ig_lead", "elsewhere"])
def test_a_request_is_assigned_to_an_active_practitioner_or_manager_of_the_team(
    asked: InformationRequest, organisation: Organisation, asker: User, who: str
) -> None:
    manager = UserFactory.create(organisation=organisation, manager=True)
    assignee = {
        "disabled": lambda: UserFactory.create(organisation=organisation, is_active=False),
        "ig_lead": lambda: UserFactory.create(organisation=organisation, ig_lead=True),
        "elsewhere": lambda: asker,
    }[who]()
    assert_refused(
        lambda: actions.assign_request(actor=manager, request=asked, assignee=assignee),
        PermissionDenied,
    )


def test_only_the_receiving_side_answers(
    asked: InformationRequest, asker: User, other_organisation: Organisation
) -> None:
    theirs = PersonFactory.create(organisation=other_organisation)
    assert_refused(
        lambda: actions.start_response(actor=asker, request=asked, subject=theirs),
        PermissionDenied,
    )


def test_an_answer_is_about_the_receiving_organisations_own_people(
    asked: InformationRequest, practitioner: User, other_organisation: Organisation
) -> None:
    theirs = PersonFactory.create(organisation=other_organisation)
    assert_refused(
        lambda: actions.start_response(actor=practitioner, request=asked, subject=theirs),
        PermissionDenied,
    )


def test_a_withdrawn_request_is_not_answered(
    asked: InformationRequest, asker: User, practitioner: User, person: Person
) -> None:
    actions.withdraw_request(actor=asker, request=asked)
    assert_refused(
        lambda: actions.start_response(actor=practitioner, request=asked, subject=person),
        PermissionDenied,
    )


def test_only_the_requesting_side_adds_information_or_withdraws(
    asked: InformationRequest, practitioner: User, bystander: User
) -> None:
    for who in [practitioner, bystander]:
        assert_refused(
            partial(actions.add_new_information, actor=who, request=asked, text="New"),
            PermissionDenied,
        )
        assert_refused(
            partial(actions.withdraw_request, actor=who, request=asked), PermissionDenied
        )


def test_a_withdrawn_request_is_not_withdrawn_again(
    asked: InformationRequest, asker: User, practitioner: User, person: Person
) -> None:
    actions.withdraw_request(actor=asker, request=asked)
    assert_refused(lambda: actions.withdraw_request(actor=asker, request=asked), PermissionDenied)


def test_new_information_is_not_blank(asked: InformationRequest, asker: User) -> None:
    assert_refused(
        lambda: actions.add_new_information(actor=asker, request=asked, text="   "), ValueError
    )


def test_subjects_linked_are_the_receiving_organisations(
    asked: InformationRequest, practitioner: User, other_organisation: Organisation
) -> None:
    theirs = PersonFactory.create(organisation=other_organisation)
    assert_refused(
        lambda: actions.link_subjects(actor=practitioner, request=asked, people=[theirs]),
        PermissionDenied,
    )
