# (factory_boy's declarations are untyped, as for tests.factories in pyproject.toml.)
"""Directory contacts a disclosure can go to outside safeshare.

OutsideContactFactory.create(organisation=org)                 # verified secure email
OutsideContactFactory.create(organisation=org, unverified=True)
OutsideContactFactory.create(organisation=org, retired=True)
OutsidePractitionerFactory.create(organisation=org)            # verified, with a mobile
"""

from __future__ import annotations

import datetime

import factory

from safeshare.directory.models import ContactKind, ContactPoint, DirectoryPractitioner


class OutsideContactFactory(factory.django.DjangoModelFactory[ContactPoint]):
    class Meta:
        model = ContactPoint

    kind = ContactKind.SECURE_EMAIL
    value = factory.Sequence(lambda n: f"safeguarding{n}@housing.example")
    label = "Safeguarding team"
    verified_on = datetime.date(2026, 11, 1)
    active = True

    class Params:
        unverified = factory.Trait(verified_on=None)
        retired = factory.Trait(active=False)


class OutsidePractitionerFactory(factory.django.DjangoModelFactory[DirectoryPractitioner]):
    class Meta:
        model = DirectoryPractitioner

    name = "Priya Shah"
    job_title = "Housing officer"
    secure_email = factory.Sequence(lambda n: f"priya{n}@housing.example")
    phone = "07700900123"
    verified_on = datetime.date(2026, 11, 1)
    active = True

    class Params:
        unverified = factory.Trait(verified_on=None)
        no_mobile = factory.Trait(phone="")
