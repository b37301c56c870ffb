"""Fictional directory entries for the demo partnership (site/management/commands/demo.py
calls `load_demo_directory()` after it has made the organisations and users).

Addresses are invented; phone numbers are from the ranges Ofcom keeps for drama
(01632 960xxx, 020 7946 0xxx, 07700 900xxx) and email domains are example.org, so none can
reach a real person.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from safeshare.accounts.models import Organisation, Role, User
from safeshare.directory import actions
from safeshare.directory.models import ContactKind, ContactPoint

# organisation name: (address, main phone, [(kind, value or username, label, verified)],
#                     [(name, job title, secure email, phone, verified)])
DIRECTORY: dict[
    str, tuple[str, str, list[tuple[str, str, str, bool]], list[tuple[str, str, str, str, bool]]]
] = {
    "Riverside Primary School": (
        "Riverside Road\nNorthshire\nNS1 4RP",
        "01632960101",
        [
            (
                ContactKind.SECURE_EMAIL,
                "safeguarding@riverside-primary.example.org",
                "Safeguarding team",
                True,
            ),
            (ContactKind.PHONE, "01632960102", "School office", True),
        ],
        [
            (
                "Peter Walsh",
                "Designated safeguarding lead",
                "p.walsh@riverside-primary.example.org",
                "01632960103",
                True,
            )
        ],
    ),
    "Ashby Road Medical Practice": (
        "12 Ashby Road\nNorthshire\nNS2 7AR",
        "01632960201",
        [
            (
                ContactKind.SECURE_EMAIL,
                "ashbyroad.safeguarding@nhs.example.org",
                "Practice safeguarding inbox",
                True,
            )
        ],
        [("Dr Samuel Adeyemi", "Safeguarding lead GP", "samuel.adeyemi@nhs.example.org", "", True)],
    ),
    "Northshire Children's Social Care": (
        "County Hall\nNorthshire\nNS1 1CH",
        "01632960301",
        [
            (
                ContactKind.SECURE_EMAIL,
                "front.door@northshire-csc.example.org",
                "Front door (MASH)",
                True,
            ),
            (ContactKind.PHONE, "01632960302", "Front door (MASH) duty line", True),
            (ContactKind.PHONE, "01632960399", "Emergency duty team (out of hours)", False),
            (ContactKind.IN_SYSTEM, "csc.manager", "Team manager", True),
        ],
        [
            (
                "Fatima Hussain",
                "Team manager",
                "f.hussain@northshire-csc.example.org",
                "01632960303",
                True,
            ),
            ("Tom Barker", "Social worker", "t.barker@northshire-csc.example.org", "", False),
        ],
    ),
    "Northshire Police Public Protection Unit": (
        "Central Police Station\nNorthshire\nNS1 9PP",
        "01632960401",
        [
            (
                ContactKind.SECURE_EMAIL,
                "ppu.referrals@northshire-police.example.org",
                "Public protection unit referrals",
                True,
            )
        ],
        [("DS Kelly Marshall", "Detective sergeant, public protection", "", "07700900401", True)],
    ),
}


def _administrator() -> User | None:
    return (
        User.objects.filter(role=Role.ADMINISTRATOR, is_staff=True, is_active=True)
        .order_by("username")
        .first()
    )


@transaction.atomic
def load_demo_directory() -> int:
    """Add the demo entries through the directory's actions (so each has its ledger
    entry), as the demo administrator. Returns how many entries it added: none when the
    directory already holds contact points or there is no administrator."""
    actor = _administrator()
    if actor is None or ContactPoint.objects.exists():
        return 0
    today = timezone.localdate()
    verified_on = today - datetime.timedelta(days=14)
    added = 0
    for name, (address, main_phone, contacts, people) in DIRECTORY.items():
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        actions.update_profile(
            actor=actor, organisation=organisation, address=address, main_phone=main_phone, notes=""
        )
        for kind, value, label, verified in contacts:
            user = None
            if kind == ContactKind.IN_SYSTEM:
                user = User.objects.filter(username=value, organisation=organisation).first()
                if user is None:
                    continue
                value = ""
            actions.add_contact_point(
                actor=actor,
                organisation=organisation,
                kind=kind,
                value=value,
                user=user,
                label=label,
                verified_on=verified_on if verified else None,
            )
            added += 1
        for person, title, email, phone, verified in people:
            actions.add_practitioner(
                actor=actor,
                organisation=organisation,
                name=person,
                job_title=title,
                secure_email=email,
                phone=phone,
                verified_on=verified_on if verified else None,
            )
            added += 1
    return added
