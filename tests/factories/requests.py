# (factory_boy's declarations are untyped, as for tests.factories in pyproject.toml.)
"""Information requests, raised through the action and, with a trait, answered by a
finalised decision (through the actions too, so the request's status, its ledger entries
and the decision's are what a practitioner's would be).

    InformationRequestFactory.create(to_organisation=school)             # open, no response
    InformationRequestFactory.create(answered=True, to_organisation=school, responder=me)
    InformationRequestFactory.create(answered_in_system=True, ...)   # shared with the asker
    InformationRequestFactory.create(declined=True, ...)             # a decision not to share
"""

from __future__ import annotations

from typing import Any

import factory

from safeshare.requests import actions
from safeshare.requests.models import InformationRequest
from safeshare.vocabulary.models import Purpose
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory


class InformationRequestFactory(factory.django.DjangoModelFactory[InformationRequest]):
    """A request from `requested_by` to `to_organisation` (raise_request). With a response
    trait, `responder` (by default a practitioner of `to_organisation`) answers it about
    `response_subject` (by default a new child record of theirs); the answering decision
    is `request.decisions.get()`."""

    class Meta:
        model = InformationRequest

    requested_by = factory.SubFactory(
        UserFactory,
        organisation=factory.SubFactory(OrganisationFactory, name="Northshire Police"),
        job_title="Police officer",
    )
    to_organisation = factory.SubFactory(OrganisationFactory)
    subject_details = "Lily Morgan, born 4 May 2016, NHS number 943 476 5919"
    purpose_category = factory.LazyFunction(
        lambda: Purpose.objects.get(name="Section 47 enquiry (child protection)")
    )
    purpose = "Section 47 enquiry"
    information_needed = "Attendance and any concerns this term"
    why_needed = "Strategy discussion tomorrow"
    urgency = "standard"
    statutory_basis = "ca1989_s47"
    statutory_basis_detail = ""

    respond = False
    response_outcome = "share"
    in_system = False
    responder = None
    response_subject = None

    class Params:
        answered = factory.Trait(respond=True)
        answered_in_system = factory.Trait(respond=True, in_system=True)
        declined = factory.Trait(respond=True, response_outcome="do_not_share")

    @classmethod
    def _create(
        cls, model_class: type[InformationRequest], *args: Any, **kwargs: Any
    ) -> InformationRequest:
        respond = kwargs.pop("respond")
        outcome = kwargs.pop("response_outcome")
        in_system = kwargs.pop("in_system")
        responder = kwargs.pop("responder")
        subject = kwargs.pop("response_subject")
        asker = kwargs.pop("requested_by")
        to_organisation = kwargs.pop("to_organisation")
        request = actions.raise_request(
            actor=asker, to_organisation=to_organisation, details=kwargs
        )
        if respond:
            responder = responder or UserFactory.create(organisation=to_organisation)
            DecisionFactory.create(
                request=request,
                started_by=responder,
                subject=subject or PersonFactory.create(organisation=to_organisation),
                leads_to=outcome,
                in_system=in_system,
                finalised=True,
            )
            request = InformationRequest.objects.get(pk=request.pk)
        return request
