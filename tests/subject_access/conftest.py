import pytest

from safeshare.accounts.models import User
from tests.subject_access.helpers import ig_lead_of


@pytest.fixture
def ig_lead(practitioner: User) -> User:
    """The owning organisation's information governance lead."""
    return ig_lead_of(practitioner)
