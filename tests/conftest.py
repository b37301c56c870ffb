"""Fixtures every test package shares: organisations, users in each role, people."""

from __future__ import annotations

import pytest
from django.test import Client

from safeshare.accounts.models import Organisation, User
from safeshare.subjects.models import Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory.create(name="Riverside Primary School")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return OrganisationFactory.create(name="Northshire Police")


@pytest.fixture
def practitioner(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, username="practitioner")


@pytest.fixture
def outsider(other_organisation: Organisation) -> User:
    """A practitioner in another agency of the same partnership."""
    return UserFactory.create(organisation=other_organisation, username="outsider")


@pytest.fixture
def person(organisation: Organisation) -> Person:
    return PersonFactory.create(organisation=organisation, given_names="Lily", family_name="Morgan")


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """Sign a test client in as the given user (None: stay anonymous)."""

    def sign_in(user: User | None) -> Client:
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
