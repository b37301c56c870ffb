"""The ledger's witnesses, what they cosigned and what they refused.

WitnessFactory.create()                      # added, never cosigned
WitnessFactory.create(cosigned=True)         # cosigned checkpoint 10
WitnessFactory.create(cosigned=True, failed=True)  # then refused checkpoint 8 (a rollback)
CosignatureFactory.create(witness=w, size=12)
WitnessFailureFactory.create(witness=w)                  # HTTP 409, a rollback
WitnessFailureFactory.create(witness=w, no_answer=True)  # no answer at all
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from safeshare.ledger.models import Cosignature, Witness, WitnessFailure


def _ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


class WitnessFactory(factory.django.DjangoModelFactory[Witness]):
    class Meta:
        model = Witness
        skip_postgeneration_save = True  # the related rows are saved on their own

    name = factory.Sequence(lambda n: f"witness{n}.example.org")
    url = factory.LazyAttribute(lambda w: f"https://{w.name}/witness")
    key = factory.LazyAttribute(
        lambda w: f"{w.name}+0a1b2c3d+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )
    added_at = factory.LazyFunction(lambda: _ago(60))

    class Params:
        # A cosignature of checkpoint 10, twenty minutes ago.
        cosigned = factory.Trait(
            cosignature=factory.RelatedFactory(
                "tests.factories.witnesses.CosignatureFactory", factory_related_name="witness"
            )
        )
        # A refusal of checkpoint 8 (older than the 10 it cosigned), ten minutes ago.
        failed = factory.Trait(
            failure=factory.RelatedFactory(
                "tests.factories.witnesses.WitnessFailureFactory", factory_related_name="witness"
            )
        )


class CosignatureFactory(factory.django.DjangoModelFactory[Cosignature]):
    class Meta:
        model = Cosignature

    witness = factory.SubFactory(WitnessFactory)
    size = 10
    line = factory.LazyAttribute(lambda c: f"— {c.witness.name} AAAAAAAAAAAA")
    received_at = factory.LazyFunction(lambda: _ago(20))


class WitnessFailureFactory(factory.django.DjangoModelFactory[WitnessFailure]):
    class Meta:
        model = WitnessFailure

    witness = factory.SubFactory(WitnessFactory)
    size = 8
    old_size = 10
    status = 409
    detail = "checkpoint is older than the one last cosigned"
    time = factory.LazyFunction(lambda: _ago(10))

    class Params:
        no_answer = factory.Trait(status=None, detail="timed out")
