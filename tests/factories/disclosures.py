# (factory_boy's declarations are untyped, as for tests.factories in pyproject.toml.)
"""Disclosures sent through the action, and what happened to them since through the
actions too (read receipt, acknowledgement, revocation): the rows and ledger entries are
the ones the service writes.

    DisclosureFactory.create(decision=shared)                  # sent, not yet opened
    DisclosureFactory.create(decision=shared, opened=True)
    DisclosureFactory.create(decision=shared, acknowledged=True)   # opened, then acknowledged
    DisclosureFactory.create(decision=shared, revoked=True)
    DisclosureFactory.create(decision=shared, expired=True)    # sent 31 days ago for 30 days
"""

from __future__ import annotations

import contextlib
import datetime
from typing import Any
from unittest import mock

import factory
from django.utils import timezone

from safeshare.accounts.models import OrganisationKind
from safeshare.disclosures import actions
from safeshare.disclosures.models import Disclosure
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory


class DisclosureFactory(factory.django.DjangoModelFactory[Disclosure]):
    """`decision`'s items (all of them unless `items` is given) sent by its practitioner to
    `recipient`, available for `expires_in_days` days."""

    class Meta:
        model = Disclosure

    decision = factory.SubFactory(DecisionFactory, share=True, finalised=True)
    sent_by = factory.SelfAttribute("decision.started_by")
    recipient = factory.SubFactory(
        UserFactory,
        organisation=factory.SubFactory(
            OrganisationFactory,
            name="Northshire Children's Social Care",
            kind=OrganisationKind.CHILDRENS_SOCIAL_CARE,
        ),
        job_title="Social worker",
    )
    items = None
    message = "For the strategy discussion tomorrow."
    expires_in_days = 30
    # Sent this many days before now (the clock is moved back while it is sent and read).
    sent_days_ago = 0
    open = False
    acknowledge = False
    revoke = False
    revoke_reason = "Sent to the wrong social worker"

    class Params:
        opened = factory.Trait(open=True)
        acknowledged = factory.Trait(open=True, acknowledge=True)
        revoked = factory.Trait(revoke=True)
        expired = factory.Trait(sent_days_ago=31, expires_in_days=30)

    @classmethod
    def _create(cls, model_class: type[Disclosure], *args: Any, **kwargs: Any) -> Disclosure:
        decision = kwargs["decision"]
        recipient = kwargs["recipient"]
        days_ago = kwargs["sent_days_ago"]
        then = timezone.now() - datetime.timedelta(days=days_ago)
        clock = mock.patch.object(timezone, "now", lambda: then)
        with clock if days_ago else contextlib.nullcontext():
            disclosure = actions.send_disclosure(
                actor=kwargs["sent_by"],
                decision=decision,
                recipient=recipient,
                items=list(decision.items.all()) if kwargs["items"] is None else kwargs["items"],
                message=kwargs["message"],
                expires_on=timezone.localdate()
                + datetime.timedelta(days=kwargs["expires_in_days"]),
            )
            if kwargs["open"]:
                actions.record_opened(actor=recipient, disclosure=disclosure)
            if kwargs["acknowledge"]:
                actions.acknowledge(actor=recipient, disclosure=disclosure)
            if kwargs["revoke"]:
                actions.revoke(
                    actor=kwargs["sent_by"], disclosure=disclosure, reason=kwargs["revoke_reason"]
                )
        return disclosure
