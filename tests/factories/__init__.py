"""factory_boy factories shared by every test package."""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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


class TOTPDeviceFactory(factory.django.DjangoModelFactory[TOTPDevice]):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True

    @classmethod
    def confirmed_for(cls, user: User) -> TOTPDevice:
        """The user's confirmed authenticator, made if they have none."""
        device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
        return device or cls.create(user=user)


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code an authenticator app would show now (or `offset_steps` steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def api_token_for(user: User, name: str = "Test token", days: int = 30) -> str:
    """A personal API token for the user, made through the action (docs/api.md)."""
    from safeshare.api.actions import create_token

    return create_token(actor=user, name=name, days=days)[1]


def api_token_headers(user: User) -> dict[str, str]:
    """The header an API client sends: `Authorization: Bearer <token>`."""
    return {"Authorization": f"Bearer {api_token_for(user)}"}
