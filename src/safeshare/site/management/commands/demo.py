"""Load a believable, entirely fictional partnership for demonstration and testing.

Every name is invented; NHS numbers are from the 999 range that NHS England reserves for
testing, so none can belong to a real patient.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from safeshare.accounts.models import Organisation, OrganisationKind, Role, User
from safeshare.decisions.models import Decision
from safeshare.subjects.identifiers import nhs_number_is_valid
from safeshare.subjects.models import Identifier, IdentifierKind, Person, PersonKind

# Demo only: printed by `make run` and documented in the README. Never used outside demo data.
DEMO_PASSWORD = "demo-safeshare-2026"  # noqa: S105

ORGANISATIONS: list[tuple[str, str, str]] = [
    ("school", "Riverside Primary School", OrganisationKind.SCHOOL),
    ("gp", "Ashby Road Medical Practice", OrganisationKind.GP_PRACTICE),
    ("csc", "Northshire Children's Social Care", OrganisationKind.CHILDRENS_SOCIAL_CARE),
    ("police", "Northshire Police Public Protection Unit", OrganisationKind.POLICE),
    ("earlyhelp", "Northshire Early Help Team", OrganisationKind.EARLY_HELP),
]

# (username suffix, role, first name, last name, job title)
STAFF: dict[str, list[tuple[str, str, str, str, str]]] = {
    "school": [
        ("teacher", Role.PRACTITIONER, "Amira", "Khan", "Class teacher"),
        ("dsl", Role.MANAGER, "Peter", "Walsh", "Designated safeguarding lead"),
        ("deputy", Role.MANAGER, "Helen", "Price", "Deputy designated safeguarding lead"),
        ("ig", Role.IG_LEAD, "Grace", "Okafor", "School business manager and data protection lead"),
    ],
    "gp": [
        ("gp", Role.PRACTITIONER, "Dr Hannah", "Reid", "General practitioner"),
        ("lead", Role.MANAGER, "Dr Samuel", "Adeyemi", "Safeguarding lead GP"),
        ("ig", Role.IG_LEAD, "Linda", "Marsh", "Caldicott guardian"),
    ],
    "csc": [
        ("sw", Role.PRACTITIONER, "Tom", "Barker", "Social worker"),
        ("manager", Role.MANAGER, "Fatima", "Hussain", "Team manager"),
        ("ig", Role.IG_LEAD, "David", "Lowe", "Information governance lead"),
        ("auditor", Role.AUDITOR, "Ruth", "Ellison", "Partnership quality assurance officer"),
        ("admin", Role.ADMINISTRATOR, "Chris", "Nolan", "safeshare administrator"),
    ],
    "police": [
        ("officer", Role.PRACTITIONER, "DC Jordan", "Price", "Detective constable"),
        ("sergeant", Role.MANAGER, "DS Kelly", "Marshall", "Detective sergeant"),
        ("ig", Role.IG_LEAD, "Neil", "Carter", "Information management officer"),
    ],
    "earlyhelp": [
        ("worker", Role.PRACTITIONER, "Sophie", "Turner", "Family support worker"),
        ("manager", Role.MANAGER, "Imran", "Shah", "Early help manager"),
        ("ig", Role.IG_LEAD, "Janet", "Cole", "Information governance officer"),
    ],
}

# Families: (family name, [(given names, kind, date of birth)]). Held by several agencies.
FAMILIES: list[tuple[str, list[tuple[str, str, datetime.date]]]] = [
    (
        "Morgan",
        [
            ("Lily", PersonKind.CHILD, datetime.date(2017, 4, 12)),
            ("Jack", PersonKind.CHILD, datetime.date(2019, 9, 3)),
            ("Kerry", PersonKind.ADULT, datetime.date(1990, 1, 22)),
        ],
    ),
    (
        "Novak",
        [
            ("Oliver", PersonKind.CHILD, datetime.date(2016, 11, 30)),
            ("Anna", PersonKind.ADULT, datetime.date(1988, 6, 15)),
        ],
    ),
    (
        "Bennett",
        [
            ("Ava", PersonKind.CHILD, datetime.date(2018, 2, 7)),
            ("Noah", PersonKind.CHILD, datetime.date(2015, 8, 19)),
            ("Daniel", PersonKind.ADULT, datetime.date(1985, 3, 2)),
        ],
    ),
    (
        "Ahmed",
        [
            ("Zara", PersonKind.CHILD, datetime.date(2017, 12, 1)),
            ("Yusuf", PersonKind.CHILD, datetime.date(2020, 5, 25)),
        ],
    ),
    (
        "Clarke",
        [
            ("Mia", PersonKind.CHILD, datetime.date(2016, 7, 14)),
            ("Leanne", PersonKind.ADULT, datetime.date(1993, 10, 9)),
        ],
    ),
]

# Which agencies hold a record of which families (each holds its own record).
HOLDINGS = {
    "school": ["Morgan", "Novak", "Bennett", "Ahmed", "Clarke"],
    "gp": ["Morgan", "Bennett", "Clarke"],
    "csc": ["Morgan", "Bennett"],
    "police": ["Morgan"],
    "earlyhelp": ["Novak", "Ahmed", "Clarke"],
}


def demo_nhs_number(serial: int) -> str:
    """The serial-th valid NHS number in the 999 test range."""
    candidate = 9990000000 + serial * 10
    while True:
        text = str(candidate)
        if nhs_number_is_valid(text):
            return text
        candidate += 1


def sign_ins() -> list[tuple[str, str, str]]:
    rows = []
    for key, name, _kind in ORGANISATIONS:
        for suffix, role, *_ in STAFF[key]:
            rows.append((f"{key}.{suffix}", Role(role).label, name))
    return rows


def load_decisions() -> None:
    """A few recorded decisions, made through the same actions the service uses."""
    from safeshare.site.management.demo_decisions import record_demo_decisions

    record_demo_decisions()


class Command(BaseCommand):
    help = "Load the fictional demonstration partnership (with --if-empty: only into an empty one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if organisations already exist."
        )
        parser.add_argument("--sign-ins", action="store_true", help="Only print the demo sign-ins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["sign_ins"]:
            if options["if_empty"] and Organisation.objects.exists():
                self.stdout.write(
                    "Demo data: the database already holds organisations; nothing loaded."
                )
            else:
                self.load()
                self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_sign_ins()

    def print_sign_ins(self) -> None:
        self.stdout.write(
            f"\nDemo sign-ins (demo only). Password for every account: {DEMO_PASSWORD}"
        )
        for username, role, organisation in sign_ins():
            self.stdout.write(f"  {username:<22} {role:<40} {organisation}")

    @transaction.atomic
    def load(self) -> None:
        organisations = {}
        for key, name, kind in ORGANISATIONS:
            organisations[key], _ = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind}
            )
        for key, staff in STAFF.items():
            for suffix, role, first, last, title in staff:
                username = f"{key}.{suffix}"
                if User.objects.filter(username=username).exists():
                    continue
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    job_title=title,
                    organisation=organisations[key],
                    role=role,
                    email=f"{username}@example.org",
                    is_staff=role == Role.ADMINISTRATOR,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
        serial = 0
        nhs_numbers: dict[tuple[str, str], str] = {}
        for key, families in HOLDINGS.items():
            for family_name, members in FAMILIES:
                if family_name not in families:
                    continue
                for given, kind, born in members:
                    if Person.objects.filter(
                        organisation=organisations[key], given_names=given, family_name=family_name
                    ).exists():
                        continue
                    person = Person.objects.create(
                        organisation=organisations[key],
                        kind=kind,
                        given_names=given,
                        family_name=family_name,
                        date_of_birth=born,
                    )
                    # The same person carries the same NHS number in every agency's record.
                    if (given, family_name) not in nhs_numbers:
                        serial += 1
                        nhs_numbers[(given, family_name)] = demo_nhs_number(serial)
                    if key in {"gp", "csc", "police"} or kind == PersonKind.CHILD:
                        Identifier.objects.create(
                            person=person,
                            kind=IdentifierKind.NHS_NUMBER,
                            value=nhs_numbers[(given, family_name)],
                        )
        from safeshare.agreements.demo import load_demo_agreements
        from safeshare.directory.demo import load_demo_directory

        load_demo_directory()
        load_demo_agreements()
        if not Decision.objects.exists():
            load_decisions()
        from safeshare.disclosures.demo import load_demo_disclosures

        load_demo_disclosures()
