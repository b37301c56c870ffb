from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from safeshare.agreements.models import Agreement
from safeshare.vocabulary.models import Purpose
from tests.access import Rule, World
from tests.factories import OrganisationFactory, UserFactory

# Case roles read their organisation's agreements; administrators keep them all.
READ = {"auditor": 403, "administrator": 200}
# Adding and changing: the holder's IG lead, or an administrator.
MANAGE = {"manager": 403, "ig_lead": 200, "auditor": 403, "administrator": 200}


def extra(world: World) -> dict[str, Any]:
    """An agreement the owning organisation holds with a third agency (not the outsider's)."""
    organisation = world.person.organisation
    agreement = Agreement.objects.create(
        owner=organisation,
        title="Riverside and Ashby Road agreement",
        start_on=datetime.date(2026, 1, 1),
        review_on=datetime.date(2027, 1, 1),
        document_reference="ISA/1",
        created_by=UserFactory.create(organisation=organisation, username="agreement-author"),
    )
    agreement.parties.set([organisation, OrganisationFactory.create(name="Ashby Road")])
    agreement.purposes.set(Purpose.objects.all()[:1])
    return {"agreement": agreement}


RULES = {
    "agreements:index": [Rule("get", lambda w: reverse("agreements:index"), 200, 200, roles=READ)],
    "agreements:new": [Rule("get", lambda w: reverse("agreements:new"), 403, 403, roles=MANAGE)],
    "agreements:show": [
        Rule(
            "get",
            lambda w: reverse("agreements:show", args=[w.extra["agreement"].pk]),
            200,
            404,
            roles=READ,
        )
    ],
    "agreements:edit": [
        Rule(
            "get",
            lambda w: reverse("agreements:edit", args=[w.extra["agreement"].pk]),
            403,
            404,
            roles=MANAGE,
        )
    ],
}
