from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeshare.directory.models import ContactKind, ContactPoint, DirectoryPractitioner
from tests.access import Rule, World

# The directory holds professional contacts, not case data: every case role in the
# partnership reads it (another agency's practitioner too), and so do administrators.
READ = {"auditor": 403, "administrator": 200}
# Changing an organisation's entry: its IG lead, or an administrator.
MANAGE = {"manager": 403, "ig_lead": 200, "auditor": 403, "administrator": 200}
# Import and export: administrators only.
ADMIN_ONLY = {"administrator": 200}


def extra(world: World) -> dict[str, Any]:
    organisation = world.person.organisation
    contact = ContactPoint.objects.create(
        organisation=organisation,
        kind=ContactKind.SECURE_EMAIL,
        value="safeguarding@riverside.example.org",
        label="Safeguarding team",
    )
    practitioner = DirectoryPractitioner.objects.create(
        organisation=organisation, name="Peter Walsh", job_title="Designated safeguarding lead"
    )
    return {"contact": contact, "directory_practitioner": practitioner}


def _org(name: str) -> Rule:
    return Rule(
        "get",
        lambda w: reverse(f"directory:{name}", args=[w.person.organisation_id]),
        403,
        403,
        roles=MANAGE,
    )


RULES = {
    "directory:index": [Rule("get", lambda w: reverse("directory:index"), 200, 200, roles=READ)],
    "directory:organisation": [
        Rule(
            "get",
            lambda w: reverse("directory:organisation", args=[w.person.organisation_id]),
            200,
            200,
            roles=READ,
        )
    ],
    "directory:import": [
        Rule("get", lambda w: reverse("directory:import"), 403, 403, roles=ADMIN_ONLY)
    ],
    "directory:export": [
        Rule("get", lambda w: reverse("directory:export"), 403, 403, roles=ADMIN_ONLY)
    ],
    "directory:edit_profile": [_org("edit_profile")],
    "directory:new_contact": [_org("new_contact")],
    "directory:new_practitioner": [_org("new_practitioner")],
    "directory:edit_contact": [
        Rule(
            "get",
            lambda w: reverse("directory:edit_contact", args=[w.extra["contact"].pk]),
            403,
            403,
            roles=MANAGE,
        )
    ],
    "directory:verify_contact": [
        Rule(
            "get",
            lambda w: reverse("directory:verify_contact", args=[w.extra["contact"].pk]),
            403,
            403,
            roles=MANAGE,
        )
    ],
    "directory:edit_practitioner": [
        Rule(
            "get",
            lambda w: reverse(
                "directory:edit_practitioner", args=[w.extra["directory_practitioner"].pk]
            ),
            403,
            403,
            roles=MANAGE,
        )
    ],
    "directory:verify_practitioner": [
        Rule(
            "get",
            lambda w: reverse(
                "directory:verify_practitioner", args=[w.extra["directory_practitioner"].pk]
            ),
            403,
            403,
            roles=MANAGE,
        )
    ],
}
