"""One fictional information sharing agreement for the demo partnership
(site/management/commands/demo.py calls `load_demo_agreements()`)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from safeshare.accounts.models import Organisation, Role, User
from safeshare.agreements import actions
from safeshare.agreements.models import Agreement, InformationCategory
from safeshare.vocabulary.models import Purpose

HOLDER = "Northshire Children's Social Care"
PARTIES = [
    "Riverside Primary School",
    "Ashby Road Medical Practice",
    "Northshire Police Public Protection Unit",
    "Northshire Early Help Team",
]
PURPOSES = [
    "Section 47 enquiry (child protection)",
    "Section 17 assessment (child in need)",
    "Early help assessment",
    "Strategy discussion or meeting",
    "Child protection conference or core group",
]


@transaction.atomic
def load_demo_agreements() -> int:
    """Add the demo agreement, due for review in three weeks so the IG lead's list shows
    the tag. Returns how many it added (0 when one exists or the organisations do not)."""
    actor = (
        User.objects.filter(role=Role.ADMINISTRATOR, is_staff=True, is_active=True)
        .order_by("username")
        .first()
    )
    holder = Organisation.objects.filter(name=HOLDER).first()
    if actor is None or holder is None or Agreement.objects.exists():
        return 0
    today = timezone.localdate()
    actions.add_agreement(
        actor=actor,
        owner=holder,
        title="Northshire multi-agency safeguarding information sharing agreement",
        reference="NSCP-ISA-2026-01",
        parties=Organisation.objects.filter(name__in=PARTIES),
        purposes=Purpose.objects.filter(name__in=PURPOSES),
        categories=[
            InformationCategory.IDENTITY,
            InformationCategory.FAMILY,
            InformationCategory.EDUCATION,
            InformationCategory.HEALTH,
            InformationCategory.SAFEGUARDING,
        ],
        lawful_bases=[
            "art6-e-public-task",
            "art9-g-substantial-public-interest",
            "dpa-sch1-para18",
            "ca2004-s11",
        ],
        start_on=today - datetime.timedelta(days=340),
        review_on=today + datetime.timedelta(days=21),
        document_reference="Partnership document store: NSCP/ISA/2026/01 (signed copy)",
    )
    return 1
