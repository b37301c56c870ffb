"""The demonstration partnership has a disclosure waiting for the social worker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from safeshare.accounts.models import User
from safeshare.disclosures.models import Disclosure
from safeshare.disclosures.queries import disclosures_received, unopened_count

pytestmark = pytest.mark.django_db


def test_the_demo_sends_one_disclosure_from_the_school_to_childrens_social_care() -> None:
    call_command("demo", stdout=StringIO())
    social_worker = User.objects.get(username="csc.sw")
    [disclosure] = disclosures_received(social_worker)
    assert disclosure.organisation.name == "Riverside Primary School"
    assert disclosure.sent_by.username == "school.dsl"
    assert disclosure.item_count == 2
    assert unopened_count(social_worker) == 1
    # It answers the social worker's request made in safeshare, through the one path for
    # in-system sharing: the request page names the disclosure, never the items.
    from safeshare.requests.models import InformationRequest

    asked = InformationRequest.objects.get(requested_by=social_worker)
    assert disclosure.decision.request_id == asked.pk
    assert (asked.status, asked.response) == ("answered", "shared")
    assert disclosure.decision.channel == "in_system"
    call_command("demo", stdout=StringIO())
    assert Disclosure.objects.count() == 1  # loading again adds nothing
    call_command("ledger", "verify", stdout=StringIO())
