from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from safeshare.accounts.models import Organisation, OrganisationKind, Role, User
from safeshare.subjects.identifiers import nhs_number_is_valid
from safeshare.subjects.models import Identifier, Person

pytestmark = pytest.mark.django_db


def test_it_loads_a_believable_partnership_once() -> None:
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {
        OrganisationKind.SCHOOL,
        OrganisationKind.GP_PRACTICE,
        OrganisationKind.CHILDRENS_SOCIAL_CARE,
        OrganisationKind.POLICE,
        OrganisationKind.EARLY_HELP,
    } <= kinds
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Person.objects.values("given_names", "family_name").distinct().count() >= 12
    assert all(
        nhs_number_is_valid(i.value) and i.value.startswith("999") for i in Identifier.objects.all()
    )
    assert "school.teacher" in out.getvalue()
    from safeshare.decisions.models import Decision

    assert set(Decision.objects.values_list("outcome", flat=True)) == {
        "share_without_consent",
        "do_not_share",
        "seek_advice",
    }
    call_command("ledger", "verify", stdout=StringIO())  # the demo's events all verify
    counts = (Organisation.objects.count(), User.objects.count(), Person.objects.count())
    call_command("demo", "--if-empty", stdout=StringIO())
    assert (Organisation.objects.count(), User.objects.count(), Person.objects.count()) == counts


def test_demo_users_can_sign_in_with_the_documented_password() -> None:
    from safeshare.site.management.commands.demo import DEMO_PASSWORD

    call_command("demo", stdout=StringIO())
    assert User.objects.get(username="school.teacher").check_password(DEMO_PASSWORD)
