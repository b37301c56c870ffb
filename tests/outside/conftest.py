from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from safeshare.accounts.models import Organisation, OrganisationKind, User
from safeshare.decisions.models import Decision
from safeshare.directory.models import ContactPoint
from safeshare.outside import actions
from tests.factories import OrganisationFactory
from tests.factories.outside import OutsideContactFactory


@pytest.fixture
def outside_organisation(db: None) -> Organisation:
    return OrganisationFactory.create(name="Northshire Housing", kind=OrganisationKind.OTHER)


@pytest.fixture
def contact(outside_organisation: Organisation) -> ContactPoint:
    return OutsideContactFactory.create(
        organisation=outside_organisation,
        value="safeguarding@housing.example",
        label="Housing safeguarding team",
    )


@pytest.fixture
def send_outside(
    practitioner: User, decision: Decision, contact: ContactPoint
) -> Callable[..., actions.Issued]:
    def send(**overrides: Any) -> actions.Issued:
        values: dict[str, Any] = {
            "actor": practitioner,
            "decision": decision,
            "contact": contact,
            "items": list(decision.items.all()),
            "message": "For the strategy discussion.",
            "expires_on": timezone.localdate() + datetime.timedelta(days=30),
        }
        values.update(overrides)
        return actions.send_to_outside(**values)

    return send
