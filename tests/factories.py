"""factory_boy factories shared by every test package."""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from safeshare.accounts.models import Organisation, OrganisationKind, Role, User
from safeshare.subjects.models import Identifier, IdentifierKind, Person, PersonKind

PASSWORD = "correct-horse-battery-staple-42"


@cache
def _hashed(password: str) -> str:
    return make_password(password)


def _set_password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
    # Argon2 is slow on purpose; hash each distinct password once per test run.
    user.password = _hashed(extracted or PASSWORD)
    if create:
        user.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.SCHOOL


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PRACTITIONER
    job_title = "Practitioner"

    password = factory.PostGeneration(_set_password)

    class Params:
        manager = factory.Trait(role=Role.MANAGER, job_title="Designated safeguarding lead")
        ig_lead = factory.Trait(role=Role.IG_LEAD, job_title="Information governance lead")
        auditor = factory.Trait(role=Role.AUDITOR, job_title="Partnership auditor")
        administrator = factory.Trait(
            role=Role.ADMINISTRATOR, is_staff=True, job_title="Administrator"
        )


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    kind = PersonKind.CHILD
    given_names = factory.Sequence(lambda n: f"Child{n}")
    family_name = "Example"
    date_of_birth = datetime.date(2016, 5, 4)


class IdentifierFactory(factory.django.DjangoModelFactory[Identifier]):
    class Meta:
        model = Identifier

    person = factory.SubFactory(PersonFactory)
    kind = IdentifierKind.NHS_NUMBER
    value = "9434765919"
