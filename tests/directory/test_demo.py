from __future__ import annotations

import pytest

from safeshare.accounts.models import Role
from safeshare.agreements.demo import load_demo_agreements
from safeshare.agreements.models import Agreement
from safeshare.agreements.queries import agreements_list
from safeshare.directory.demo import DIRECTORY, load_demo_directory
from safeshare.directory.models import ContactPoint
from safeshare.directory.queries import verified_contacts
from safeshare.ledger.verify import verify_ledger
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_loaders_add_entries_once_and_keep_the_ledger_whole() -> None:
    organisations = {name: OrganisationFactory.create(name=name) for name in DIRECTORY}
    OrganisationFactory.create(name="Northshire Early Help Team")
    csc = organisations["Northshire Children's Social Care"]
    admin = UserFactory.create(organisation=csc, username="csc.admin", administrator=True)
    UserFactory.create(organisation=csc, username="csc.manager", role=Role.MANAGER)
    assert load_demo_directory() > 10
    assert load_demo_directory() == 0
    assert load_demo_agreements() == 1
    assert load_demo_agreements() == 0
    assert ContactPoint.objects.filter(kind="in_system").count() == 1
    assert len(verified_contacts(csc)) == 3
    assert agreements_list(admin)[0].review_due
    assert Agreement.objects.get().parties.count() == 5
    assert verify_ledger().problems == []
