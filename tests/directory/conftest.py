from __future__ import annotations

import pytest

from safeshare.accounts.models import Organisation, User
from tests.factories import UserFactory


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, username="admin", administrator=True)


@pytest.fixture
def ig_lead(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, username="ig", ig_lead=True)
