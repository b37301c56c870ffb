"""A page's cost does not grow with what is behind it (DESIGN invariant; issue 14): every
list and record page runs the same number of queries with 10 rows behind it as with 200.
Rows are cloned in bulk from records made through the actions, so they hold what the
actions write; the page is measured once warm at each size."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.audit.models import AccessRecord
from safeshare.decisions.models import Decision, InformationItem
from safeshare.directory.models import DirectoryPractitioner
from safeshare.disclosures import actions as disclosure_actions
from safeshare.disclosures.models import Disclosure
from safeshare.requests import actions as request_actions
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, api_token_for
from tests.factories.consent import consent_entry
from tests.factories.decisions import DecisionFactory
from tests.requests.test_requests import details

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 200


def _queries(client: Client, url: str, headers: dict[str, str]) -> int:
    assert client.get(url, headers=headers).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured)


def assert_constant(
    client: Client,
    url: Callable[[], str],
    grow: Callable[[int], None],
    headers: dict[str, str] | None = None,
) -> None:
    """`headers`: an API call's (its token), where a page's session is not enough."""
    grow(SMALL)
    small = _queries(client, url(), headers or {})
    grow(LARGE - SMALL)
    large = _queries(client, url(), headers or {})
    assert small == large, f"{url()}: {small} queries with {SMALL} rows, {large} with {LARGE}"


def clone_decisions(template: Decision, count: int, person: Person | None = None) -> None:
    """`count` finalised copies of `template`, each about `person` (or the template's
    people) with its items: drafts first (the database refuses links to finalised
    decisions), then finalised in one statement."""
    subjects = [person] if person else list(template.subjects.all())
    items = list(template.items.all())
    values = {
        f.attname: getattr(template, f.attname)
        for f in Decision._meta.concrete_fields
        if f.attname not in {"id", "status", "decided_at"}
    }
    made = Decision.objects.bulk_create(
        [Decision(**values, id=uuid.uuid4(), status="draft", decided_at=None) for _ in range(count)]
    )
    through = Decision.subjects.through
    through.objects.bulk_create(
        [through(decision_id=d.pk, person_id=p.pk) for d in made for p in subjects]
    )
    InformationItem.objects.bulk_create(
        [
            InformationItem(
                **{
                    f.attname: getattr(item, f.attname)
                    for f in InformationItem._meta.concrete_fields
                    if f.attname not in {"id", "decision_id"}
                },
                decision_id=d.pk,
            )
            for d in made
            for item in items
        ]
    )
    now = timezone.now()
    for offset, decision in enumerate(made):
        Decision.objects.filter(pk=decision.pk).update(
            status="finalised", decided_at=now - datetime.timedelta(minutes=offset + 1)
        )


@pytest.fixture
def shared(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )


@pytest.fixture
def ig_lead(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, ig_lead=True, username="ig")


@pytest.fixture
def recipient() -> User:
    return UserFactory.create(organisation=OrganisationFactory.create(name="Northshire CSC"))


def _decisions_of_other_people(template: Decision, organisation: Organisation) -> Any:
    def grow(count: int) -> None:
        for _ in range(count):
            clone_decisions(template, 1, PersonFactory.create(organisation=organisation))

    return grow


def test_home(client: Client, practitioner: User, shared: Decision, organisation: Any) -> None:
    client.force_login(practitioner)
    assert_constant(
        client, lambda: reverse("site:home"), _decisions_of_other_people(shared, organisation)
    )


def test_decisions_list(
    client: Client, practitioner: User, shared: Decision, organisation: Any
) -> None:
    client.force_login(practitioner)
    assert_constant(
        client,
        lambda: reverse("decisions:index"),
        _decisions_of_other_people(shared, organisation),
    )


def test_a_persons_page_and_chronology(
    client: Client, practitioner: User, shared: Decision, person: Person
) -> None:
    client.force_login(practitioner)
    assert_constant(
        client,
        lambda: reverse("subjects:show", args=[person.pk]),
        lambda n: clone_decisions(shared, n, person),
    )


def test_one_decision_whatever_else_is_recorded(
    client: Client, practitioner: User, shared: Decision, person: Person
) -> None:
    client.force_login(practitioner)
    assert_constant(
        client,
        lambda: reverse("decisions:show", args=[shared.pk]),
        lambda n: clone_decisions(shared, n, person),
    )


def _copies_sent(sender: User, decision: Decision, recipient: User) -> Callable[[int], None]:
    """Send the decision's items to the recipient `count` times (each a new disclosure:
    a different message each time)."""

    def grow(count: int) -> None:
        for _ in range(count):
            disclosure_actions.send_disclosure(
                actor=sender,
                decision=decision,
                recipient=recipient,
                items=list(decision.items.all()),
                message=f"Copy {uuid.uuid4()}",
                expires_on=timezone.localdate() + datetime.timedelta(days=30),
            )

    return grow


def test_one_decision_sent_many_times(
    client: Client, practitioner: User, shared: Decision, recipient: User
) -> None:
    client.force_login(practitioner)
    grow = _copies_sent(practitioner, shared, recipient)
    assert_constant(client, lambda: reverse("decisions:show", args=[shared.pk]), grow)


def _requests_from(asker: User, organisation: Organisation) -> Callable[[int], None]:
    def grow(count: int) -> None:
        for n in range(count):
            request_actions.raise_request(
                actor=asker,
                to_organisation=organisation,
                details={**details(), "why_needed": f"Strategy discussion {uuid.uuid4()}"},
            )
            del n

    return grow


def test_request_queues(
    client: Client, practitioner: User, outsider: User, organisation: Organisation
) -> None:
    grow = _requests_from(outsider, organisation)
    client.force_login(practitioner)
    assert_constant(client, lambda: reverse("requests:incoming") + "?status=all", grow)
    client.force_login(outsider)
    assert_constant(client, lambda: reverse("requests:outgoing") + "?status=all", grow)


def test_one_request(
    client: Client, practitioner: User, outsider: User, organisation: Organisation
) -> None:
    asked = request_actions.raise_request(
        actor=outsider, to_organisation=organisation, details=details()
    )
    client.force_login(practitioner)
    assert_constant(
        client,
        lambda: reverse("requests:show", args=[asked.pk]),
        _requests_from(outsider, organisation),
    )
    assert InformationRequest.objects.count() == LARGE + 1


def test_shared_with_you(
    client: Client, practitioner: User, shared: Decision, recipient: User
) -> None:
    client.force_login(recipient)
    assert_constant(
        client,
        lambda: reverse("disclosures:received"),
        _copies_sent(practitioner, shared, recipient),
    )
    assert Disclosure.objects.count() == LARGE


def _access_records(user: User, person: Person) -> Callable[[int], None]:
    def grow(count: int) -> None:
        AccessRecord.objects.bulk_create(
            [
                AccessRecord(
                    user=user,
                    organisation_id=user.organisation_id,
                    person=person,
                    person_organisation_id=person.organisation_id,
                    what="subjects.person.show",
                )
                for _ in range(count)
            ]
        )

    return grow


def test_who_viewed_this_record(client: Client, ig_lead: User, person: Person) -> None:
    client.force_login(ig_lead)
    assert_constant(
        client,
        lambda: reverse("audit:person_views", args=[person.pk]),
        _access_records(ig_lead, person),
    )


def test_the_access_report(client: Client, ig_lead: User, person: Person) -> None:
    client.force_login(ig_lead)
    assert_constant(client, lambda: reverse("audit:report"), _access_records(ig_lead, person))


def test_the_directory(client: Client, practitioner: User, organisation: Organisation) -> None:
    client.force_login(practitioner)

    def organisations(count: int) -> None:
        Organisation.objects.bulk_create(
            [
                # bulk_create skips save(), which fills public_authority from the kind.
                Organisation(name=f"School {uuid.uuid4()}", kind="school", public_authority=True)
                for _ in range(count)
            ]
        )

    def practitioners(count: int) -> None:
        DirectoryPractitioner.objects.bulk_create(
            [
                DirectoryPractitioner(
                    organisation=organisation,
                    name=f"Practitioner {uuid.uuid4()}",
                    job_title="Teacher",
                    secure_email="teacher@school.example",
                )
                for _ in range(count)
            ]
        )

    assert_constant(client, lambda: reverse("directory:index"), organisations)
    assert_constant(
        client,
        lambda: reverse("directory:organisation", args=[organisation.pk]),
        practitioners,
    )


# The API's lists (issue 14): read a page at a time like the pages, at the same cost.


def _bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_for(user)}"}


def test_api_chronology(practitioner: User, shared: Decision, person: Person) -> None:
    assert_constant(
        Client(),
        lambda: f"/api/v1/people/{person.pk}/decisions",
        lambda n: clone_decisions(shared, n, person),
        _bearer(practitioner),
    )


def test_api_requests(practitioner: User, outsider: User, organisation: Organisation) -> None:
    grow = _requests_from(outsider, organisation)
    assert_constant(Client(), lambda: "/api/v1/requests?status=all", grow, _bearer(practitioner))
    assert_constant(
        Client(),
        lambda: "/api/v1/requests?direction=outgoing&status=all",
        grow,
        _bearer(outsider),
    )


def test_api_shared_with_you(practitioner: User, shared: Decision, recipient: User) -> None:
    assert_constant(
        Client(),
        lambda: "/api/v1/disclosures/received",
        _copies_sent(practitioner, shared, recipient),
        _bearer(recipient),
    )


def _advice_requests(template: Any) -> Callable[[int], None]:
    """`count` copies of an advice request made through the action, in one statement."""
    from safeshare.advice.models import AdviceRequest

    def grow(count: int) -> None:
        values = {
            f.attname: getattr(template, f.attname)
            for f in AdviceRequest._meta.concrete_fields
            if f.attname not in {"id", "asked_at"}
        }
        now = timezone.now()
        AdviceRequest.objects.bulk_create(
            [
                AdviceRequest(**values, id=uuid.uuid4(), asked_at=now - datetime.timedelta(hours=i))
                for i in range(count)
            ]
        )

    return grow


def test_the_advice_queue_and_a_draft_with_its_advice(
    client: Client, practitioner: User, organisation: Organisation, person: Person
) -> None:
    from safeshare.advice import actions as advice_actions
    from safeshare.decisions import actions as decision_actions

    manager = UserFactory.create(organisation=organisation, manager=True)
    draft = decision_actions.start_decision(actor=practitioner, subject=person)
    asked = advice_actions.ask_advice(
        actor=practitioner,
        decision=draft,
        adviser_kind="manager",
        question="Can I share?",
        urgency="urgent",
    )
    grow = _advice_requests(asked)
    client.force_login(manager)
    assert_constant(client, lambda: reverse("advice:queue"), grow)
    client.force_login(practitioner)
    assert_constant(client, lambda: reverse("decisions:tasks", args=[draft.pk]), grow)


# The consent register (issue 17): a person's register, a draft's choice from it, the
# consents to review, and the decisions that relied on one entry.


def _consent_entries(template: Any) -> Callable[[int], None]:
    """`count` copies of a consent entry recorded through the action, in one statement."""
    from safeshare.consent.models import ConsentEntry

    def grow(count: int) -> None:
        values = {
            f.attname: getattr(template, f.attname)
            for f in ConsentEntry._meta.concrete_fields
            if f.attname not in {"id", "recorded_at"}
        }
        now = timezone.now()
        ConsentEntry.objects.bulk_create(
            [
                ConsentEntry(
                    **values, id=uuid.uuid4(), recorded_at=now - datetime.timedelta(hours=i)
                )
                for i in range(count)
            ]
        )

    return grow


def test_the_consent_register_pages(client: Client, practitioner: User, person: Person) -> None:
    from safeshare.consent.models import Reliance
    from safeshare.decisions import actions as decision_actions

    today = timezone.localdate()
    draft = decision_actions.start_decision(actor=practitioner, subject=person)
    entry = consent_entry(
        practitioner, person, obtained_on=today - datetime.timedelta(days=30), review_on=today
    )
    grow = _consent_entries(entry)
    client.force_login(practitioner)
    assert_constant(client, lambda: reverse("consent:register", args=[person.pk]), grow)
    assert_constant(client, lambda: reverse("consent:choose", args=[draft.pk]), grow)
    assert_constant(client, lambda: reverse("consent:due"), grow)

    def relied_on(count: int) -> None:
        for _ in range(count):
            made = decision_actions.start_decision(actor=practitioner, subject=person)
            Reliance.objects.create(entry=entry, decision=made, recorded_by=practitioner)

    assert_constant(client, lambda: reverse("consent:show", args=[person.pk, entry.pk]), relied_on)


def test_the_families_to_tell(
    client: Client, practitioner: User, organisation: Organisation, person: Person
) -> None:
    from safeshare.families.models import ToTell

    manager = UserFactory.create(organisation=organisation, manager=True)
    template = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert ToTell.objects.filter(decision=template).exists()

    def grow(count: int) -> None:
        for _ in range(count):
            clone_decisions(template, 1, PersonFactory.create(organisation=organisation))
        listed = ToTell.objects.values_list("decision_id", flat=True)
        ToTell.objects.bulk_create(
            [
                ToTell(
                    decision_id=d.pk,
                    organisation_id=organisation.pk,
                    review_on=timezone.localdate() - datetime.timedelta(days=i % 3),
                )
                for i, d in enumerate(
                    Decision.objects.exclude(pk__in=listed).filter(status="finalised")
                )
            ]
        )

    for user in (practitioner, manager):
        client.force_login(user)
        assert_constant(client, lambda: reverse("families:to_tell"), grow)
        assert_constant(client, lambda: reverse("families:to_tell") + "?due=on", grow)


def _waiting_copies(template: Decision, practitioner: User) -> Callable[[int], None]:
    """`count` copies of a decision waiting for sign-off, each with its open sign-off, in a
    few statements."""
    from safeshare.decisions.models import DecisionStatus, SignOff

    def grow(count: int) -> None:
        values = {
            f.attname: getattr(template, f.attname)
            for f in Decision._meta.concrete_fields
            if f.attname not in {"id"}
        }
        made = Decision.objects.bulk_create(
            [Decision(**{**values, "id": uuid.uuid4()}) for _ in range(count)]
        )
        links = Decision.subjects.through
        person_ids = list(template.subjects.values_list("pk", flat=True))
        links.objects.bulk_create(
            [links(decision_id=d.pk, person_id=p) for d in made for p in person_ids]
        )
        now = timezone.now()
        assert template.status == DecisionStatus.AWAITING_SIGN_OFF
        SignOff.objects.bulk_create(
            [
                SignOff(
                    decision=d,
                    organisation_id=d.organisation_id,
                    rule="sign_off.before_final[0]",
                    requested_by=practitioner,
                    requested_at=now - datetime.timedelta(minutes=i),
                )
                for i, d in enumerate(made)
            ]
        )

    return grow


def _reviews_due(template: Decision) -> Callable[[int], None]:
    from safeshare.decisions.models import Review

    def grow(count: int) -> None:
        before = set(Decision.objects.values_list("pk", flat=True))
        clone_decisions(template, count)
        now = timezone.now()
        Review.objects.bulk_create(
            [
                Review(
                    decision_id=pk,
                    organisation_id=template.organisation_id,
                    rule="sign_off.review_after[0]",
                    created_at=now,
                    due_on=now.date() - datetime.timedelta(days=i % 3),
                )
                for i, pk in enumerate(
                    Decision.objects.exclude(pk__in=before).values_list("pk", flat=True)
                )
            ]
        )

    return grow


def test_the_sign_off_queue_and_the_reviews_list(
    client: Client, practitioner: User, organisation: Organisation, person: Person
) -> None:
    manager = UserFactory.create(organisation=organisation, manager=True)
    waiting = DecisionFactory.create(
        started_by=practitioner, subject=person, awaiting_sign_off=True
    )
    urgent = DecisionFactory.create(
        started_by=practitioner, subject=person, share_urgently=True, finalised=True
    )
    client.force_login(manager)
    assert_constant(
        client, lambda: reverse("decisions:sign_off_queue"), _waiting_copies(waiting, practitioner)
    )
    assert_constant(client, lambda: reverse("decisions:reviews"), _reviews_due(urgent))
    # The home page's "Your tasks" and the header's count stay one query each.
    assert_constant(client, lambda: reverse("site:home"), _waiting_copies(waiting, practitioner))


def test_messages_not_delivered(client: Client, organisation: Organisation) -> None:
    """The administrator's list and the header's count stay flat however many failed."""
    from safeshare.messaging.models import OutgoingMessage

    def failed(count: int) -> None:
        now = timezone.now()
        OutgoingMessage.objects.bulk_create(
            [
                OutgoingMessage(
                    organisation=organisation,
                    channel="email",
                    app="requests",
                    kind="new",
                    recipient=f"someone{uuid.uuid4().hex[:8]}@example.org",
                    status="failed_permanent",
                    attempts=5,
                    created_at=now,
                    next_attempt_at=now,
                    failed_at=now - datetime.timedelta(seconds=i),
                    last_error="http_500",
                )
                for i in range(count)
            ]
        )

    client.force_login(UserFactory.create(organisation=organisation, administrator=True))
    assert_constant(client, lambda: reverse("messaging:failed"), failed)


def test_ledger_witnesses(client: Client, organisation: Organisation) -> None:
    """The administrators' witnesses page (one query for the witnesses with their latest
    cosignature and failure, one for the page of failures) and the header's count of
    refusing witnesses stay flat however many witnesses, cosignatures and failures."""
    from safeshare.ledger.models import Cosignature, Witness, WitnessFailure

    def witnesses(count: int) -> None:
        now = timezone.now()
        made = Witness.objects.bulk_create(
            [
                Witness(
                    name=f"witness-{uuid.uuid4().hex[:8]}.example.org",
                    url="https://witness.example.org/w",
                    key="witness.example.org+0a1b2c3d+AAAA",
                    added_at=now,
                )
                for _ in range(count)
            ]
        )
        Cosignature.objects.bulk_create(
            [Cosignature(witness=w, size=10, line="— witness AAAA", received_at=now) for w in made]
        )
        WitnessFailure.objects.bulk_create(
            [
                WitnessFailure(
                    witness=w,
                    size=8,
                    old_size=10,
                    status=409,
                    detail="checkpoint is older than the one last cosigned",
                    time=now + datetime.timedelta(seconds=1),
                )
                for w in made
            ]
        )

    client.force_login(UserFactory.create(organisation=organisation, administrator=True))
    assert_constant(client, lambda: reverse("ledger:witnesses"), witnesses)


def test_federation_pages(
    client: Client, settings: Any, practitioner: User, outsider: User, person: Person
) -> None:
    """Issue 19. The named recipient's list of what other partnerships sent (opened, revoked
    or new), the request page's federation part on both sides and a sent disclosure's page
    stay flat however many disclosures the peer sent, or this side sent, for one request."""
    from safeshare.federation import actions as federation_actions
    from tests.factories.federation import (
        InboundRequestFactory,
        ReceivedDisclosureFactory,
        SentDisclosureFactory,
        raise_remote_request,
    )

    settings.SAFESHARE_FEDERATION_KEY = _federation_key()
    asked = raise_remote_request(outsider)

    def received(count: int) -> None:
        for n in range(count):
            ReceivedDisclosureFactory.create(
                recipient=outsider, request=asked, opened=n % 3 == 1, revoked=n % 3 == 2
            )

    client.force_login(outsider)
    assert_constant(client, lambda: reverse("federation:received"), received)
    assert_constant(client, lambda: reverse("requests:show", args=[asked.pk]), received)

    inbound = InboundRequestFactory.create(to=practitioner.organisation)
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, request=inbound.request, share=True, finalised=True
    )
    first = SentDisclosureFactory.create(sent_by=practitioner, decision=decision)

    def sent(count: int) -> None:
        for _ in range(count):
            federation_actions.send_remote_disclosure(
                actor=practitioner,
                decision=decision,
                items=list(decision.items.all()),
                message=f"Copy {uuid.uuid4()}",
                expires_on=timezone.localdate() + datetime.timedelta(days=7),
            )

    client.force_login(practitioner)
    assert_constant(client, lambda: reverse("requests:show", args=[inbound.request.pk]), sent)
    assert_constant(client, lambda: reverse("federation:sent_show", args=[first.pk]), sent)


def _federation_key() -> str:
    from safeshare.federation import keys

    return keys.generate()
