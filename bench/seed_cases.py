"""A partnership's work as plans, carried out two ways (bench/seed_scale.py).

A *case* is what happens around one decision: people added, a request raised, assigned
and answered, the decision drafted and finalised, a disclosure sent, opened and
acknowledged, an amendment or a reconsideration later. Its plans hold every input a
practitioner would give an action (who, about whom, what was typed and chosen) and, for
the bulk, the ids and times the actions would have stamped (bench/seed_planner.py makes
them).

* `Real` carries a plan out through the actions themselves (`safeshare.*.actions`) and
  takes the ids and times they stamped back into the plan.
* `Mirror` carries the same plan out in memory: the rows each action would store and the
  ledger entries it would append (event type, actor, organisation, payload, and the
  digest of the record as stored at that moment), with the actions' own builders where
  they have them (`explain`, `recipient_checks`, `content_digest`, `due_at`,
  `expires_at`, `flow.apply_answer`, `clean_text`, `_copy_as_draft`'s list of what it
  does not copy) and `safeshare.ledger.digest` for the digests.

Mirrored rows hold each value in its canonical form (`digest.canonical_value`: a UUID as
hyphenated text, a time as ISO 8601 UTC with microseconds, a date as ISO), which is
what a digest is taken of; bench/seed_store.py turns them into each database's own form.

`check_against_actions` runs cases through `Real`, each in a transaction it rolls back,
then through `Mirror` with the ids and times `Real` stamped, and compares every row and
every ledger entry: the bulk writes what `Mirror` gives, so that comparison is what says
the seeded content is what the actions produce.
"""

from __future__ import annotations

import datetime
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")
US = datetime.timedelta(microseconds=1)
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

SHARING = frozenset({"share_urgently", "share", "share_with_consent", "share_without_consent"})


def new_id(rng: random.Random) -> str:
    """A version 4 UUID as canonical text, from the seeded generator (a run is repeatable
    with --seed): str(uuid.UUID(int=rng.getrandbits(128), version=4)), without the object."""
    n = rng.getrandbits(128)
    n = (n & ~(0xF000 << 64)) | (0x4000 << 64)
    n = (n & ~(0xC000 << 48)) | (0x8000 << 48)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ts(moment: datetime.datetime) -> str:
    """A time in canonical form: bundle.format_time's text (ISO 8601 UTC, microseconds)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def localdate(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LONDON).date()


def minute(moment: datetime.datetime) -> datetime.datetime:
    """A time as a form takes it: to the minute, in UTC."""
    return moment.replace(second=0, microsecond=0)


def quarter_after(moment: datetime.datetime) -> datetime.datetime:
    """The first quarter hour strictly after `moment`: when the escalation cron
    (`safeshare requests escalate`, every 15 minutes) first sees a request overdue."""
    base = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return base + datetime.timedelta(minutes=15)


def canon(value: Any) -> Any:
    """A plan's value (a datetime, a date, a person) in canonical form."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is datetime.datetime:
        return ts(value)
    if kind is datetime.date:
        return value.isoformat()
    if kind is PersonPlan:
        return value.id
    if isinstance(value, str):  # a model's choice (a TextChoices member)
        return str(value)
    raise TypeError(f"no canonical form for {value!r}")


# ---------------------------------------------------------------------------------------
# The partnership the demo made, and the staff added to it
# ---------------------------------------------------------------------------------------


@dataclass(eq=False)
class Org:
    id: str
    key: str
    name: str
    staff: list[Staff] = field(default_factory=list)
    public_authority: bool = True

    def of_role(self, *roles: str) -> list[Staff]:
        return [s for s in self.staff if s.role in roles]


@dataclass(eq=False)
class Staff:
    id: str
    username: str
    role: str
    org: Org
    first_name: str
    last_name: str
    job_title: str
    email: str

    @property
    def display(self) -> str:
        """User.display_name(): the full name, or the username."""
        return f"{self.first_name} {self.last_name}".strip() or self.username


@dataclass(eq=False)
class Recipient:
    """Someone a decision shares with, as the recipient page records them."""

    org: Org
    name: str
    role: str
    contact: str
    verification: str
    user: Staff | None


@dataclass(eq=False)
class PersonPlan:
    id: str
    org: Org
    kind: str
    given_names: str
    family_name: str
    date_of_birth: datetime.date | None
    nhs_number: str
    actor: Staff | None  # None: made by the demo, not through add_person
    created_at: datetime.datetime
    row: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


@dataclass(eq=False)
class Family:
    org: Org
    family_name: str
    members: list[PersonPlan]
    created_at: datetime.datetime

    @property
    def children(self) -> list[PersonPlan]:
        return [p for p in self.members if p.kind == "child"] or self.members

    @property
    def adults(self) -> list[PersonPlan]:
        return [p for p in self.members if p.kind == "adult"]


@dataclass(eq=False)
class ItemPlan:
    id: str
    values: dict[str, Any]  # ITEM_FIELDS; "about" a PersonPlan or None
    row: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class NotePlan:
    id: str
    kind: str  # new_information or escalated
    text: str
    by: Staff | None
    at: datetime.datetime
    row: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class RequestPlan:
    id: str
    reference: str
    to_org: Org
    requester: Staff  # raised it, or logged it (external)
    external: dict[str, str] | None  # EXTERNAL_FIELDS for a request from outside safeshare
    details: dict[str, Any]  # DETAIL_FIELDS; purpose_category is the Purpose's id
    received_at: datetime.datetime
    digest: str = ""  # content_digest (the planner's, reused by the mirror)
    assigned_at: datetime.datetime | None = None  # log_external_request's own stamp
    assign: tuple[Staff, Staff, datetime.datetime] | None = None  # by, to, when
    escalated_at: datetime.datetime | None = None
    withdraw: tuple[Staff, datetime.datetime] | None = None
    notes: list[NotePlan] = field(default_factory=list)
    row: dict[str, Any] = field(default_factory=dict)
    subject_ids: list[str] = field(default_factory=list)


@dataclass(eq=False)
class DecisionPlan:
    id: str
    org: Org
    actor: Staff
    decided_by: Staff
    subjects: list[PersonPlan]
    how: str  # "start", "respond" (to request), "amend" or "reconsider" (original)
    started_at: datetime.datetime
    decided_at: datetime.datetime
    answers: list[tuple[str, Any]] = field(default_factory=list)
    about: dict[str, Any] | None = None
    items: list[ItemPlan] = field(default_factory=list)
    sections: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    request: RequestPlan | None = None
    original: DecisionPlan | None = None
    new_information: str = ""
    updated_at: datetime.datetime | None = None  # the last save, finalise's
    outcome: str = ""  # what the answers lead to (the planner's intention; checked)
    recipient_user: Staff | None = None  # the named recipient of an in-system share
    row: dict[str, Any] = field(default_factory=dict)
    subject_ids: list[str] = field(default_factory=list)


@dataclass(eq=False)
class DisclosurePlan:
    id: str
    reference: str
    decision: DecisionPlan
    sender: Staff
    recipient: Staff
    items: list[ItemPlan]
    message: str
    expires_on: datetime.date
    sent_at: datetime.datetime
    row: dict[str, Any] = field(default_factory=dict)
    links: list[tuple[str, int]] = field(default_factory=list)  # (item, position)


@dataclass(eq=False)
class ReceiptPlan:
    id: str
    disclosure: DisclosurePlan
    kind: str  # opened or acknowledged
    by: Staff
    at: datetime.datetime
    row: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class RevocationPlan:
    id: str
    disclosure: DisclosurePlan
    by: Staff
    at: datetime.datetime
    reason: str
    row: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class WithdrawalPlan:
    id: str
    decision: DecisionPlan
    actor: Staff
    withdrawn_on: datetime.date
    method: str
    next_steps: str
    by_person: PersonPlan | None
    by_name: str
    recorded_at: datetime.datetime
    row: dict[str, Any] = field(default_factory=dict)


Step = tuple[datetime.datetime, str, Any]
# An access record (not a ledger event): (at, user, what, object type, object id, person
# plan or None).
Access = tuple[datetime.datetime, Staff, str, str, str, "PersonPlan | None"]


@dataclass(eq=False)
class Case:
    """Everything around one piece of work, in the order it happened."""

    steps: list[Step] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    requests: list[RequestPlan] = field(default_factory=list)
    decisions: list[DecisionPlan] = field(default_factory=list)
    disclosures: list[DisclosurePlan] = field(default_factory=list)
    receipts: list[ReceiptPlan] = field(default_factory=list)
    revocations: list[RevocationPlan] = field(default_factory=list)
    withdrawals: list[WithdrawalPlan] = field(default_factory=list)
    access: list[Access] = field(default_factory=list)

    def add(self, at: datetime.datetime, kind: str, plan: Any) -> None:
        self.steps.append((at, kind, plan))

    def merge(self, other: Case) -> None:
        self.steps += other.steps
        self.people += other.people
        self.requests += other.requests
        self.access += other.access


@dataclass
class Partnership:
    """The organisations, staff, purposes and policy after the demo and the staff were
    loaded, and what the recipient page's checks give for each recipient (worked out once
    by the action's own `recipient_checks`)."""

    orgs: dict[str, Org]
    staff: dict[str, Staff]
    purposes: dict[str, int]
    policy: Any
    recipients: dict[str, list[Recipient]]
    agreement: dict[tuple[str, str, int], str | None]
    in_directory: dict[tuple[str, str], bool]
    families: list[Family]
    users: dict[str, Any]  # the User rows themselves, for the builders that take one


def load_partnership() -> Partnership:
    """Read back what the demo and the staff loader wrote (Django must be set up)."""
    from safeshare.accounts.models import Organisation, User
    from safeshare.decisions import flow
    from safeshare.decisions import queries as decision_queries
    from safeshare.decisions.models import Decision
    from safeshare.directory.models import ContactPoint, DirectoryPractitioner
    from safeshare.site.management.commands.demo import ORGANISATIONS
    from safeshare.subjects.models import Person
    from safeshare.vocabulary.models import Purpose

    keys = {name: key for key, name, _ in ORGANISATIONS}
    orgs: dict[str, Org] = {}
    by_id: dict[str, Org] = {}
    models: dict[str, Any] = {}
    for organisation in Organisation.objects.order_by("name"):
        oid = str(organisation.pk)
        org = Org(
            oid,
            keys.get(organisation.name, organisation.name),
            organisation.name,
            public_authority=organisation.public_authority,
        )
        orgs[org.key] = by_id[oid] = org
        models[oid] = organisation
    staff: dict[str, Staff] = {}
    users: dict[str, Any] = {}
    for user in User.objects.filter(is_active=True).order_by("username"):
        org_id = str(user.organisation_id)
        if org_id not in by_id:
            continue
        member = Staff(
            str(user.pk),
            user.username,
            user.role,
            by_id[org_id],
            user.first_name,
            user.last_name,
            user.job_title,
            user.email,
        )
        member.org.staff.append(member)
        staff[member.id] = member
        users[member.id] = user
    purposes = dict(Purpose.objects.values_list("name", "id"))
    recipients: dict[str, list[Recipient]] = {}
    for key, org in orgs.items():
        found = [
            Recipient(org, s.display, s.job_title, s.email, "known", s)
            for s in org.of_role("practitioner", "manager", "ig_lead")
        ]
        for p in DirectoryPractitioner.objects.filter(organisation_id=org.id, active=True):
            contact = p.secure_email or p.phone
            if contact:
                verification = "directory" if p.verified_on else "called_back"
                found.append(Recipient(org, p.name, p.job_title, contact, verification, None))
        for c in ContactPoint.objects.filter(
            organisation_id=org.id, active=True, kind="secure_email"
        ):
            found.append(Recipient(org, "Duty officer", c.label, c.value, "directory", None))
        recipients[key] = found
    # The recipient page's checks, through the action's own function: which agreement
    # covers (organisation, recipient, purpose), and whether a contact is verified.
    agreement: dict[tuple[str, str, int], str | None] = {}
    in_directory: dict[tuple[str, str], bool] = {}
    for sender in orgs.values():
        for receiver in orgs.values():
            if receiver is sender:
                continue
            for purpose_id in purposes.values():
                probe = Decision(
                    organisation=models[sender.id],
                    recipient_organisation=models[receiver.id],
                    purpose_category_id=purpose_id,
                    recipient_contact="",
                )
                covering, _ = decision_queries.recipient_checks(probe)
                agreement[(sender.id, receiver.id, purpose_id)] = (
                    str(covering[0].pk) if covering else None
                )
        for r in recipients[sender.key]:
            probe = Decision(
                organisation=models[sender.id],
                recipient_organisation=models[sender.id],
                purpose_category_id=None,
                recipient_contact=r.contact,
            )
            in_directory[(sender.id, r.contact)] = decision_queries.recipient_checks(probe)[1]
    families: dict[tuple[str, str], Family] = {}
    for person in Person.objects.order_by("created_at", "id"):
        org = by_id[str(person.organisation_id)]
        plan = PersonPlan(
            str(person.pk),
            org,
            person.kind,
            person.given_names,
            person.family_name,
            person.date_of_birth,
            "",
            None,
            person.created_at,
        )
        family = families.setdefault(
            (org.id, person.family_name), Family(org, person.family_name, [], person.created_at)
        )
        family.members.append(plan)
    return Partnership(
        orgs,
        staff,
        purposes,
        flow.current_policy(),
        recipients,
        agreement,
        in_directory,
        list(families.values()),
        users,
    )


# ---------------------------------------------------------------------------------------
# Mirror: what each action stores and appends, in memory
# ---------------------------------------------------------------------------------------


@dataclass(order=True)
class Pending:
    """A ledger entry waiting for its sequence number: everything append_entry puts in
    the leaf but the sequence (the time as a datetime, the rest canonical text)."""

    time: datetime.datetime
    order: int
    event_type: str = field(compare=False)
    actor: str | None = field(compare=False)
    organisation: str | None = field(compare=False)
    object_type: str = field(compare=False)
    object_id: str = field(compare=False)
    digest: str = field(compare=False)
    payload: dict[str, Any] = field(compare=False)

    def fields(self) -> tuple[Any, ...]:
        """What the writer's ledger takes (seed_store.Ledger.add)."""
        return (
            self.time,
            self.event_type,
            self.actor,
            self.organisation,
            self.object_type,
            self.object_id,
            self.digest,
            self.payload,
        )


def models() -> dict[str, Any]:
    """The models the mirror writes rows of, by the names it uses."""
    from safeshare.decisions.models import (
        ConsentWithdrawal,
        Decision,
        Explanation,
        InformationItem,
    )
    from safeshare.disclosures.models import Disclosure, Receipt, Revocation
    from safeshare.requests.models import InformationRequest, RequestNote
    from safeshare.subjects.models import Person

    return {
        "person": Person,
        "request": InformationRequest,
        "note": RequestNote,
        "decision": Decision,
        "item": InformationItem,
        "disclosure": Disclosure,
        "receipt": Receipt,
        "revocation": Revocation,
        "withdrawal": ConsentWithdrawal,
        "explanation": Explanation,
    }


def _defaults(model: Any) -> dict[str, Any]:
    """A new row's values before the action sets any (the fields' own defaults, without
    calling a callable default: the action or the mirror sets those ids and times)."""
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            values[f.attname] = {} if f.default is dict else None
        else:
            values[f.attname] = canon(f.get_default())
    return values


def _copy_skip() -> set[str]:
    """The fields _copy_as_draft does not copy, read from its own `skip` set (so a change
    there is a change here)."""
    import ast
    import inspect
    import textwrap

    from safeshare.decisions import actions as decision_actions

    tree = ast.parse(textwrap.dedent(inspect.getsource(decision_actions._copy_as_draft)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "skip"
            and isinstance(node.value, ast.Set)
        ):
            return {str(ast.literal_eval(e)) for e in node.value.elts}
    raise AssertionError("decisions.actions._copy_as_draft has no `skip` set any more")


class Mirror:
    """The actions' effects in memory. Each method takes the plan the Real method of the
    same name takes; rows end up on the plans (`.row`), entries in `self.entries`."""

    def __init__(self, partnership: Partnership) -> None:
        from safeshare.core.forms import clean_text
        from safeshare.decisions import actions as decision_actions
        from safeshare.decisions import queries as decision_queries
        from safeshare.decisions.models import Decision
        from safeshare.disclosures import actions as disclosure_actions
        from safeshare.ledger import digest
        from safeshare.requests import actions as request_actions
        from safeshare.requests import deadlines

        self.p = partnership
        self.entries: list[Pending] = []
        self.order = 0
        # Explanations frozen so far: address -> (policy sha256, content).
        self.explanations: dict[str, tuple[str, dict[str, Any]]] = {}
        self._explained: dict[int, tuple[dict[str, Any], str, str]] = {}
        self._answers: dict[int, tuple[list[tuple[str, Any]], dict[str, Any]]] = {}
        self._derived: dict[str, dict[str, Any]] = {}
        # JSON values shared by rows with the same content (never changed in place).
        self._interned: dict[tuple[Any, ...], dict[str, str]] = {}
        self.models = models()
        self.labels = {name: m._meta.label_lower for name, m in self.models.items()}
        self.defaults = {name: _defaults(m) for name, m in self.models.items()}
        self.digest_of = digest.digest_of
        self.canonical_content = digest.canonical_content
        self.clean_text = clean_text
        self.content_digest = request_actions.content_digest
        self.detail_fields = request_actions.DETAIL_FIELDS
        self.external_fields = request_actions.EXTERNAL_FIELDS
        self.due_at = deadlines.due_at
        self.expires_at = disclosure_actions.expires_at
        self.explain = decision_queries.explain
        self.is_text = {
            f.name: decision_actions._is_text(f.name)
            for f in Decision._meta.concrete_fields
            if not f.is_relation
        }
        self.attname = {f.name: f.attname for f in Decision._meta.concrete_fields}
        self.section_fields = decision_actions.SECTION_FIELDS
        self.skip_on_copy = _copy_skip()

    # -- helpers -----------------------------------------------------------------------

    def _digest(self, model: str, row: dict[str, Any], m2m: dict[str, list[str]]) -> str:
        return self.digest_of(self.canonical_content(self.models[model], row, m2m))

    def _entry(
        self,
        at: datetime.datetime,
        event_type: str,
        actor: Staff | None,
        organisation: str,
        model: str,
        pk: str,
        digest: str,
        payload: dict[str, Any],
    ) -> None:
        self.order += 1
        self.entries.append(
            Pending(
                at,
                self.order,
                event_type,
                None if actor is None else actor.id,
                organisation,
                self.labels[model],
                pk,
                digest,
                payload,
            )
        )

    def _new(self, model: str) -> dict[str, Any]:
        return dict(self.defaults[model])

    def _intern(self, value: dict[str, str]) -> dict[str, str]:
        """One dict for all rows with this (text-valued) content."""
        return self._interned.setdefault(tuple(value.items()), value)

    def explanation(self, answers: dict[str, Any]) -> tuple[str, str]:
        """The outcome and the address of the explanation finalise_decision freezes for
        these answers, through the action's own `explain` (once per distinct answers)."""
        from safeshare.decisions import flow
        from safeshare.decisions.models import explanation_sha256

        # Keyed by the stored answers' identity: stored_answers gives one dict per
        # distinct answers, kept alive here with its result.
        found = self._explained.get(id(answers))
        if found is None or found[0] is not answers:
            policy = self.p.policy
            evaluation = flow.next_step(policy, answers)
            content = self.explain(policy, evaluation, answers)
            address = explanation_sha256(content)
            self.explanations.setdefault(address, (policy.sha256, content))
            found = (answers, evaluation.outcome, address)
            if answers:
                self._explained[id(answers)] = found
        return found[1], found[2]

    def with_derived(self, d: DecisionPlan, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers with those the actions take from the record
        (decisions.actions._derive_answers, through the same flow.with_derived_answers), on
        the day the draft was started: one dict per distinct result, so that explanation's
        cache by identity still holds."""
        from safeshare.accounts.models import Organisation
        from safeshare.decisions import flow
        from safeshare.subjects.models import Person

        policy = self.p.policy
        if not policy.answer_keys.intersection(flow.DERIVED_ANSWERS):
            return answers
        known: dict[str, PersonPlan] = {}
        plan: DecisionPlan | None = d
        while plan is not None:
            known.update((p.id, p) for p in plan.subjects)
            plan = plan.original
        people = [
            Person(kind=known[i].kind, date_of_birth=known[i].date_of_birth) for i in d.subject_ids
        ]
        derived = flow.with_derived_answers(
            policy,
            answers,
            organisation=Organisation(public_authority=d.org.public_authority),
            people=people,
            day=localdate(d.started_at),
        )
        key = json.dumps(derived, sort_keys=True)
        return self._derived.setdefault(key, derived)

    def stored_answers(self, answers: list[tuple[str, Any]]) -> dict[str, Any]:
        """The answers as answer_question stores them, one flow.apply_answer at a time."""
        from safeshare.decisions import flow

        # Keyed by the list's identity: the planner draws answers from fixed sets.
        found = self._answers.get(id(answers))
        if found is None or found[0] is not answers:
            stored: dict[str, Any] = {}
            for question_id, submitted in answers:
                stored = dict(flow.apply_answer(self.p.policy, stored, question_id, submitted))
            found = self._answers[id(answers)] = (answers, json.loads(json.dumps(stored)))
        return found[1]

    # -- subjects ----------------------------------------------------------------------

    def add_person(self, person: PersonPlan) -> None:
        assert person.actor is not None
        row = self._new("person")
        row.update(
            id=person.id,
            organisation_id=person.org.id,
            kind=person.kind,
            given_names=person.given_names,
            family_name=person.family_name,
            known_as="",
            date_of_birth=canon(person.date_of_birth),
            created_by_id=person.actor.id,
            created_at=ts(person.created_at),
        )
        person.row = row
        self._entry(
            person.created_at + 40 * US,
            "subjects.person.added",
            person.actor,
            person.actor.org.id,
            "person",
            person.id,
            self._digest("person", row, {}),
            {"kind": person.kind, "identifiers": 1 if person.nhs_number else 0},
        )

    # -- requests ----------------------------------------------------------------------

    def _request_entry(
        self,
        at: datetime.datetime,
        event: str,
        actor: Staff | None,
        request: RequestPlan,
        **payload: Any,
    ) -> None:
        row = request.row
        self._entry(
            at,
            f"requests.request.{event}",
            actor,
            actor.org.id if actor is not None else row["to_organisation_id"],
            "request",
            request.id,
            self._digest("request", row, {"subjects": list(request.subject_ids)}),
            {"reference": request.reference, **payload},
        )

    def _request_row(self, request: RequestPlan) -> dict[str, Any]:
        details = request.details
        row = self._new("request")
        digest = request.digest or self.content_digest(
            self.p.users[request.requester.id],
            request.to_org.id,
            details,
            request.external or {},
        )
        row.update(
            id=request.id,
            reference=request.reference,
            received_at=ts(request.received_at),
            due_at=ts(self.due_at(request.received_at, details["urgency"])),
            content_digest=digest,
        )
        for name in self.detail_fields:
            row["purpose_category_id" if name == "purpose_category" else name] = details[name]
        return row

    def raise_request(self, request: RequestPlan) -> None:
        row = request.row = self._request_row(request)
        row.update(
            to_organisation_id=request.to_org.id,
            from_organisation_id=request.requester.org.id,
            requested_by_id=request.requester.id,
        )
        self._request_entry(
            request.received_at + 60 * US,
            "received",
            request.requester,
            request,
            urgency=row["urgency"],
        )

    def log_external_request(self, request: RequestPlan) -> None:
        assert request.external is not None and request.assigned_at is not None
        row = request.row = self._request_row(request)
        row.update(
            to_organisation_id=request.requester.org.id,
            logged_by_id=request.requester.id,
            assigned_to_id=request.requester.id,
            assigned_at=ts(request.assigned_at),
            status="assigned",
        )
        for name in self.external_fields:
            row[name] = request.external.get(name, "")
        self._request_entry(
            request.assigned_at + 60 * US,
            "received",
            request.requester,
            request,
            urgency=row["urgency"],
            external=True,
        )

    def assign_request(self, request: RequestPlan) -> None:
        assert request.assign is not None
        by, assignee, at = request.assign
        row = request.row
        row["assigned_to_id"] = assignee.id
        row["assigned_at"] = ts(at)
        if row["status"] == "open":
            row["status"] = "assigned"
        self._request_entry(at + 50 * US, "assigned", by, request, assignee=assignee.id)

    def escalate(self, request: RequestPlan) -> None:
        assert request.escalated_at is not None
        request.row["escalated_at"] = ts(request.escalated_at)
        note = next(n for n in request.notes if n.kind == "escalated")
        note.row = self._note_row(request, note)
        self._request_entry(request.escalated_at + 80 * US, "escalated", None, request)

    def _note_row(self, request: RequestPlan, note: NotePlan) -> dict[str, Any]:
        row = self._new("note")
        row.update(
            id=note.id,
            request_id=request.id,
            kind=note.kind,
            text=note.text,
            by_id=None if note.by is None else note.by.id,
            at=ts(note.at),
        )
        return row

    def withdraw_request(self, request: RequestPlan) -> None:
        assert request.withdraw is not None
        actor, at = request.withdraw
        request.row["status"] = "withdrawn"
        request.row["withdrawn_at"] = ts(at)
        self._request_entry(at + 50 * US, "withdrawn", actor, request)

    def add_new_information(self, request: RequestPlan) -> None:
        note = next(n for n in request.notes if n.kind == "new_information" and not n.row)
        note.text = self.clean_text(note.text, "New information")
        note.row = self._note_row(request, note)
        row = request.row
        if row["status"] == "answered" and row["response"] == "declined":
            row["status"] = "assigned"
        assert note.by is not None
        self._request_entry(note.at + 70 * US, "information_added", note.by, request, note=note.id)

    # -- decisions ---------------------------------------------------------------------

    def _section(self, d: DecisionPlan, section: str, values: dict[str, Any]) -> None:
        """update_section: only the page's fields; None is "" for a text field."""
        row = d.row
        allowed = self.section_fields[section]
        unknown = set(values) - set(allowed)
        if unknown:
            raise ValueError(f"Fields not on the {section} page: {sorted(unknown)}")
        if section == "principles":
            row["principles"] = self._intern({key: values.get(key, "") for key in allowed})
            return
        is_text = self.is_text
        attname = self.attname
        for name, value in values.items():
            if value is None and is_text.get(name, False):
                value = ""
            row[attname[name]] = canon(value)
        if section == "recipient":
            receiver = row["recipient_organisation_id"]
            if receiver is None:
                row["agreement_id"] = None
                row["recipient_in_directory"] = False
            else:
                purpose = row["purpose_category_id"]
                row["agreement_id"] = (
                    None
                    if purpose is None
                    else self.p.agreement.get((row["organisation_id"], receiver, purpose))
                )
                contact = row["recipient_contact"]
                row["recipient_in_directory"] = (
                    bool(contact) and self.p.in_directory[(receiver, contact)]
                )

    def _start(self, d: DecisionPlan) -> None:
        policy = self.p.policy
        row = d.row = self._new("decision")
        row.update(
            id=d.id,
            organisation_id=d.org.id,
            started_by_id=d.actor.id,
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
            started_at=ts(d.started_at),
        )
        d.subject_ids = [d.subjects[0].id]

    def _about_from_request(self, request: RequestPlan) -> dict[str, Any]:
        """start_response's about page, from the request."""
        row = request.row
        asked_by = self.p.staff.get(row["requested_by_id"]) if row["requested_by_id"] else None
        if asked_by is not None:
            name, role = asked_by.display, asked_by.job_title
            where = asked_by.org.name if row["from_organisation_id"] else ""
        else:
            name = row["external_requester_name"]
            role = row["external_requester_role"]
            where = row["external_requester_organisation"]
        return {
            "kind": "request",
            "requester_name": name,
            "requester_role": role or "Practitioner",
            "requester_organisation": where,
            "request_method": "in_system"
            if row["requested_by_id"]
            else row["external_received_by"],
            "request_received_at": row["received_at"],
            "requester_verification": (
                "Signed-in safeshare user of a partnership organisation"
                if row["requested_by_id"]
                else row["external_identity_check"]
            ),
            "purpose_category": row["purpose_category_id"],
            "purpose": row["purpose"],
            "urgency": row["urgency"],
        }

    def _copy(self, d: DecisionPlan) -> None:
        """_copy_as_draft: the original's content, subjects and items on a new draft."""
        original = d.original
        assert original is not None
        row = d.row = self._new("decision")
        skip = self.skip_on_copy
        source = original.row
        for name, attname in self.attname.items():
            if name not in skip:
                row[attname] = source[attname]
        policy = self.p.policy
        row.update(
            id=d.id,
            started_by_id=d.actor.id,
            started_at=ts(d.started_at),
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
        )
        if d.how == "amend":
            row["supersedes_id"] = original.id
        else:
            # reconsider_decision: asked again, in the light of the new information.
            row["reconsiders_id"] = original.id
            row["new_information"] = d.new_information
            row["answers"] = {}
            row["not_sharing_reasons"] = ""
        d.subject_ids = list(original.subject_ids)

    def draft(self, d: DecisionPlan) -> None:
        """Start the record (start_decision, start_response, amend_decision or
        reconsider_decision), then fill in its pages as the wizard saves them."""
        if d.how == "start":
            self._start(d)
        elif d.how == "respond":
            request = d.request
            assert request is not None and request.row, "a response planned before its request"
            subject = d.subjects[0]
            if subject.id not in request.subject_ids:
                request.subject_ids.append(subject.id)
            self._start(d)
            self._section(d, "about", self._about_from_request(request))
            d.row["request_id"] = request.id
            if request.row["status"] == "open":
                request.row["status"] = "assigned"
                request.row["assigned_to_id"] = d.actor.id
                request.row["assigned_at"] = ts(d.started_at + 300 * US)
            self._request_entry(
                d.started_at + 400 * US, "response_started", d.actor, request, decision=d.id
            )
        else:
            self._copy(d)
        if len(d.subjects) > 1 and d.how in ("start", "respond"):
            d.subject_ids = [p.id for p in d.subjects]
        if d.about is not None:
            self._section(d, "about", d.about)
        if d.answers:
            d.row["answers"] = self.stored_answers(d.answers)
        d.row["answers"] = self.with_derived(d, d.row["answers"])
        self._items(d)
        for section, values in d.sections:
            self._section(d, section, values)

    def _items(self, d: DecisionPlan) -> None:
        position = 0
        added = d.items
        if d.how in ("amend", "reconsider"):
            assert d.original is not None
            # The copies of the original's items, in the same positions.
            for copy, source in zip(d.items, d.original.items, strict=False):
                copy.row = dict(source.row, id=copy.id, decision_id=d.id)
                position = max(position, copy.row["position"])
            added = d.items[len(d.original.items) :]
        for item in added:
            position += 1  # save_item: the last position + 1
            row = self._new("item")
            row.update(id=item.id, decision_id=d.id, position=position)
            for name, value in item.values.items():
                row["about_id" if name == "about" else name] = canon(value)
            item.row = row

    def finalise(self, d: DecisionPlan) -> None:
        row = d.row
        outcome, address = self.explanation(row["answers"])
        if d.outcome and outcome != d.outcome:
            raise AssertionError(f"answers {row['answers']} lead to {outcome}, not {d.outcome}")
        assert d.updated_at is not None
        policy = self.p.policy
        row.update(
            outcome=outcome,
            frozen_explanation_id=address,
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
            decided_by_id=d.decided_by.id,
            recorded_by_id=d.actor.id,
            decided_at=ts(d.decided_at),
            status="finalised",
            updated_at=ts(d.updated_at),
        )
        # The stored row does not change between these entries: one digest for them all.
        digest = self._digest("decision", row, {"subjects": list(d.subject_ids)})
        at = d.decided_at + 500 * US
        amended = bool(row["supersedes_id"])
        org = d.actor.org.id
        if row["consent_status"]:
            self._entry(
                at,
                "decisions.consent.recorded",
                d.actor,
                org,
                "decision",
                d.id,
                digest,
                {
                    "decision": d.id,
                    "consent": row["consent_status"],
                    "not_sought_reason": row["consent_not_sought_reason"] or None,
                    "method": row["consent_method"] or None,
                    "asked_on": row["consent_asked_on"],
                    "amendment": amended,
                },
            )
        if row["advice_sought"]:
            self._entry(
                at + 100 * US,
                "decisions.advice.recorded",
                d.actor,
                org,
                "decision",
                d.id,
                digest,
                {
                    "decision": d.id,
                    "advised_on": row["advised_on"],
                    "outcome": outcome,
                    "amendment": amended,
                },
            )
        self._entry(
            at + 200 * US,
            f"decisions.decision.{'amended' if amended else 'finalised'}",
            d.actor,
            org,
            "decision",
            d.id,
            digest,
            {
                "outcome": outcome,
                "policy": f"{row['policy_id']}@{row['policy_version']}",
                "supersedes": row["supersedes_id"],
                "reconsiders": row["reconsiders_id"],
                "items": len(d.items),
                "advice_recorded": bool(row["advice_sought"]),
                "consent": row["consent_status"] or None,
            },
        )
        if row["request_id"]:
            self._record_response(d, outcome, at + 300 * US)

    def _record_response(self, d: DecisionPlan, outcome: str, at: datetime.datetime) -> None:
        request = linked(d)
        assert request is not None, f"decision {d.id} answers a request the case does not hold"
        row = d.row
        if outcome in SHARING:
            response = "shared" if row["shares_all_requested"] is not False else "shared_part"
        elif outcome == "do_not_share":
            response = "declined"
        else:
            response = "advice"
        request.row["response"] = response
        if response != "advice":
            request.row["status"] = "answered"
            request.row["answered_at"] = row["decided_at"]
        self._request_entry(at, "answered", d.actor, request, response=response, decision=d.id)

    # -- disclosures -------------------------------------------------------------------

    def send(self, x: DisclosurePlan) -> None:
        chosen = sorted(x.items, key=lambda item: (item.row["position"], item.id))
        row = x.row = self._new("disclosure")
        row.update(
            id=x.id,
            reference=x.reference,
            decision_id=x.decision.id,
            organisation_id=x.decision.org.id,
            sent_by_id=x.sender.id,
            sender_job_title=x.sender.job_title,
            sender_contact=x.sender.email,
            recipient_id=x.recipient.id,
            recipient_organisation_id=x.recipient.org.id,
            item_count=len(chosen),
            message=self.clean_text(x.message, "Message"),
            sent_at=ts(x.sent_at),
            expires_at=ts(self.expires_at(x.expires_on)),
        )
        x.links = [(item.id, position) for position, item in enumerate(chosen, start=1)]
        self._disclosure_entry(
            x.sent_at + 200 * US,
            "sent",
            x.sender,
            "disclosure",
            x.id,
            self._digest("disclosure", row, {"items": [i for i, _ in x.links]}),
            x,
            decision=x.decision.id,
            recipient=x.recipient.id,
            recipient_organisation=x.recipient.org.id,
            items=len(chosen),
            expires_on=x.expires_on.isoformat(),
        )

    def _disclosure_entry(
        self,
        at: datetime.datetime,
        event: str,
        actor: Staff,
        model: str,
        pk: str,
        digest: str,
        x: DisclosurePlan,
        **payload: Any,
    ) -> None:
        self._entry(
            at,
            f"disclosures.disclosure.{event}",
            actor,
            actor.org.id,
            model,
            pk,
            digest,
            {"disclosure": x.id, "reference": x.reference, **payload},
        )

    def receipt(self, r: ReceiptPlan) -> None:
        row = r.row = self._new("receipt")
        row.update(id=r.id, disclosure_id=r.disclosure.id, kind=r.kind, by_id=r.by.id, at=ts(r.at))
        self._disclosure_entry(
            r.at + 100 * US,
            r.kind,
            r.by,
            "receipt",
            r.id,
            self._digest("receipt", row, {}),
            r.disclosure,
        )

    def revoke(self, v: RevocationPlan) -> None:
        row = v.row = self._new("revocation")
        row.update(
            id=v.id,
            disclosure_id=v.disclosure.id,
            by_id=v.by.id,
            at=ts(v.at),
            reason=self.clean_text(v.reason, "Reason"),
        )
        self._disclosure_entry(
            v.at + 100 * US,
            "revoked",
            v.by,
            "revocation",
            v.id,
            self._digest("revocation", row, {}),
            v.disclosure,
        )

    def withdraw_consent(self, w: WithdrawalPlan) -> None:
        row = w.row = self._new("withdrawal")
        row.update(
            id=w.id,
            decision_id=w.decision.id,
            organisation_id=w.decision.org.id,
            withdrawn_by_person_id=None if w.by_person is None else w.by_person.id,
            withdrawn_by_name=""
            if w.by_person is not None
            else self.clean_text(w.by_name, "Name and relationship"),
            withdrawn_on=w.withdrawn_on.isoformat(),
            method=w.method,
            next_steps=self.clean_text(w.next_steps, "What happens now"),
            recorded_by_id=w.actor.id,
            recorded_at=ts(w.recorded_at),
        )
        self._entry(
            w.recorded_at + 100 * US,
            "decisions.consent.withdrawn",
            w.actor,
            w.actor.org.id,
            "withdrawal",
            w.id,
            self._digest("withdrawal", row, {}),
            {
                "decision": w.decision.id,
                "withdrawn_on": w.withdrawn_on.isoformat(),
                "method": w.method,
                "by_subject": w.by_person is not None,
            },
        )

    def run(self, case: Case) -> None:
        for _, kind, plan in case.steps:
            getattr(self, kind)(plan)


def linked(d: DecisionPlan) -> RequestPlan | None:
    """The request a decision answers: its own, or its original's (a copy keeps it)."""
    plan: DecisionPlan | None = d
    while plan is not None:
        if plan.request is not None:
            return plan.request
        plan = plan.original
    return None


def rows_of(case: Case) -> Iterator[tuple[str, dict[str, Any], dict[str, list[str]]]]:
    """Every row a mirrored case stores: (model name, values, many-to-many)."""
    for person in case.people:
        if person.row:
            yield "person", person.row, {}
    for request in case.requests:
        yield "request", request.row, {"subjects": list(request.subject_ids)}
        for note in request.notes:
            if note.row:
                yield "note", note.row, {}
    for d in case.decisions:
        yield "decision", d.row, {"subjects": list(d.subject_ids)}
        for item in d.items:
            yield "item", item.row, {}
    for x in case.disclosures:
        yield "disclosure", x.row, {"items": [i for i, _ in x.links]}
    for r in case.receipts:
        yield "receipt", r.row, {}
    for v in case.revocations:
        yield "revocation", v.row, {}
    for w in case.withdrawals:
        yield "withdrawal", w.row, {}


# ---------------------------------------------------------------------------------------
# Real: the same plans through the actions (the check)
# ---------------------------------------------------------------------------------------


class Real:
    """Each method calls the actions a practitioner's clicks would, then takes the ids and
    times they stamped back into the plan."""

    def user(self, staff: Staff) -> Any:
        from safeshare.accounts.models import User

        return User.objects.get(pk=staff.id)

    def _values(self, values: dict[str, Any]) -> dict[str, Any]:
        """Plan values (relations as ids) as a form gives them (instances)."""
        from safeshare.accounts.models import Organisation
        from safeshare.subjects.models import Person
        from safeshare.vocabulary.models import Purpose

        lookups: dict[str, Any] = {
            "purpose_category": Purpose,
            "recipient_organisation": Organisation,
            "about": Person,
        }
        out = {}
        for name, value in values.items():
            if isinstance(value, PersonPlan):
                value = value.id
            model = lookups.get(name)
            if model is not None and value is not None:
                value = model.objects.get(pk=value)
            out[name] = value
        return out

    def add_person(self, person: PersonPlan) -> None:
        from safeshare.subjects import actions as subject_actions

        assert person.actor is not None
        made = subject_actions.add_person(
            actor=self.user(person.actor),
            kind=person.kind,
            given_names=person.given_names,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            nhs_number=person.nhs_number,
        )
        person.id = str(made.pk)
        person.created_at = made.created_at

    def _request(self, request: RequestPlan) -> Any:
        from safeshare.requests.models import InformationRequest

        return InformationRequest.objects.get(pk=request.id)

    def _adopt(self, request: RequestPlan, made: Any) -> None:
        assert not made.repeated, "the check raised a request that repeats an open one"
        request.id = str(made.pk)
        request.reference = made.reference
        request.received_at = made.received_at
        request.assigned_at = made.assigned_at
        request.digest = made.content_digest

    def raise_request(self, request: RequestPlan) -> None:
        from safeshare.accounts.models import Organisation
        from safeshare.requests import actions as request_actions

        made = request_actions.raise_request(
            actor=self.user(request.requester),
            to_organisation=Organisation.objects.get(pk=request.to_org.id),
            details=self._values(request.details),
        )
        self._adopt(request, made)

    def log_external_request(self, request: RequestPlan) -> None:
        from safeshare.requests import actions as request_actions

        assert request.external is not None
        made = request_actions.log_external_request(
            actor=self.user(request.requester),
            details=self._values(request.details),
            external=request.external,
            received_at=request.received_at,
        )
        self._adopt(request, made)

    def assign_request(self, request: RequestPlan) -> None:
        from safeshare.requests import actions as request_actions

        assert request.assign is not None
        by, assignee, _ = request.assign
        made = request_actions.assign_request(
            actor=self.user(by), request=self._request(request), assignee=self.user(assignee)
        )
        assert made.assigned_at is not None
        request.assign = (by, assignee, made.assigned_at)

    def escalate(self, request: RequestPlan) -> None:
        """The cron run that first finds it overdue: the quarter hour after its due time
        (the due time the action worked out from today)."""
        from safeshare.requests import actions as request_actions
        from safeshare.requests.models import RequestNote

        tick = quarter_after(self._request(request).due_at)
        assert request_actions.escalate_overdue(now=tick) == 1
        note = RequestNote.objects.get(request_id=uuid.UUID(request.id), kind="escalated")
        request.escalated_at = tick
        escalation = next(n for n in request.notes if n.kind == "escalated")
        escalation.id = str(note.pk)
        escalation.at = note.at

    def withdraw_request(self, request: RequestPlan) -> None:
        from safeshare.requests import actions as request_actions

        assert request.withdraw is not None
        actor, _ = request.withdraw
        made = request_actions.withdraw_request(
            actor=self.user(actor), request=self._request(request)
        )
        assert made.withdrawn_at is not None
        request.withdraw = (actor, made.withdrawn_at)

    def add_new_information(self, request: RequestPlan) -> None:
        from safeshare.requests import actions as request_actions

        note = next(n for n in request.notes if n.kind == "new_information" and not n.row)
        assert note.by is not None
        made = request_actions.add_new_information(
            actor=self.user(note.by), request=self._request(request), text=note.text
        )
        note.id = str(made.pk)
        note.at = made.at
        note.row = {"taken": True}  # the mirror writes the row itself after reset()

    def _decision(self, d: DecisionPlan) -> Any:
        from safeshare.decisions.models import Decision

        return Decision.objects.get(pk=d.id)

    def draft(self, d: DecisionPlan) -> None:
        from safeshare.decisions import actions
        from safeshare.subjects.models import Person

        actor = self.user(d.actor)
        first = Person.objects.get(pk=d.subjects[0].id)
        if d.how == "start":
            made = actions.start_decision(actor=actor, subject=first)
        elif d.how == "respond":
            assert d.request is not None
            made = actions.answer_request(
                actor=actor, request=self._request(d.request), subject=first
            )
        elif d.how == "amend":
            assert d.original is not None
            made = actions.amend_decision(actor=actor, decision=self._decision(d.original))
        else:
            assert d.original is not None
            made = actions.reconsider_decision(
                actor=actor, decision=self._decision(d.original), new_information=d.new_information
            )
        d.id = str(made.pk)
        d.started_at = made.started_at
        if d.original is not None:
            for plan, item in zip(d.items, made.items.order_by("position"), strict=False):
                plan.id = str(item.pk)
        if len(d.subjects) > 1 and d.how in ("start", "respond"):
            made = actions.set_subjects(
                actor=actor,
                decision=made,
                people=list(Person.objects.filter(pk__in=[p.id for p in d.subjects])),
            )
        if d.about is not None:
            made = actions.update_section(
                actor=actor, decision=made, section="about", values=self._values(d.about)
            )
        for question_id, submitted in d.answers:
            made = actions.answer_question(
                actor=actor, decision=made, question_id=question_id, submitted=submitted
            )
        start = len(d.original.items) if d.original is not None else 0
        for plan in d.items[start:]:
            item = actions.save_item(actor=actor, decision=made, values=self._values(plan.values))
            plan.id = str(item.pk)
        for section, values in d.sections:
            made = actions.update_section(
                actor=actor, decision=made, section=section, values=self._values(values)
            )

    def finalise(self, d: DecisionPlan) -> None:
        from safeshare.decisions import actions

        made = actions.finalise_decision(
            actor=self.user(d.actor), decision=self._decision(d), decided_by=self.user(d.decided_by)
        )
        made.refresh_from_db()
        assert made.decided_at is not None
        d.decided_at = made.decided_at
        d.updated_at = made.updated_at

    def send(self, x: DisclosurePlan) -> None:
        from safeshare.decisions.models import InformationItem
        from safeshare.disclosures import actions

        made = actions.send_disclosure(
            actor=self.user(x.sender),
            decision=self._decision(x.decision),
            recipient=self.user(x.recipient),
            items=list(InformationItem.objects.filter(pk__in=[i.id for i in x.items])),
            message=x.message,
            expires_on=x.expires_on,
        )
        assert not made.repeated
        x.id = str(made.pk)
        x.reference = made.reference
        x.sent_at = made.sent_at

    def _disclosure(self, x: DisclosurePlan) -> Any:
        from safeshare.disclosures.models import Disclosure

        return Disclosure.objects.get(pk=x.id)

    def receipt(self, r: ReceiptPlan) -> None:
        from safeshare.disclosures import actions

        actor = self.user(r.by)
        if r.kind == "opened":
            made = actions.record_opened(actor=actor, disclosure=self._disclosure(r.disclosure))
            assert made is not None
        else:
            made = actions.acknowledge(actor=actor, disclosure=self._disclosure(r.disclosure))
        r.id = str(made.pk)
        r.at = made.at

    def revoke(self, v: RevocationPlan) -> None:
        from safeshare.disclosures import actions

        made = actions.revoke(
            actor=self.user(v.by), disclosure=self._disclosure(v.disclosure), reason=v.reason
        )
        v.id = str(made.pk)
        v.at = made.at

    def withdraw_consent(self, w: WithdrawalPlan) -> None:
        from safeshare.decisions import actions
        from safeshare.subjects.models import Person

        made = actions.record_consent_withdrawal(
            actor=self.user(w.actor),
            decision=self._decision(w.decision),
            withdrawn_on=w.withdrawn_on,
            method=w.method,
            next_steps=w.next_steps,
            withdrawn_by_person=None
            if w.by_person is None
            else Person.objects.get(pk=w.by_person.id),
            withdrawn_by_name=w.by_name,
        )
        w.id = str(made.pk)
        w.recorded_at = made.recorded_at

    def run(self, case: Case) -> None:
        for _, kind, plan in case.steps:
            getattr(self, kind)(plan)


class CheckFailed(AssertionError):
    pass


def check_against_actions(partnership: Partnership, cases: list[Case]) -> dict[str, int]:
    """Run each case through the actions, then through the mirror with the ids and times
    the actions stamped, and compare every row and every ledger entry; each case in its
    own transaction, rolled back. Raises CheckFailed naming the first difference."""
    compared = {"cases": 0, "rows": 0, "entries": 0, "explanations": 0}
    for case in cases:
        for key, count in _check_one(partnership, case).items():
            compared[key] += count
        compared["cases"] += 1
    return compared


class _Rollback(Exception):
    pass


def _check_one(partnership: Partnership, case: Case) -> dict[str, int]:
    from django.db import transaction

    from safeshare.decisions.models import Explanation
    from safeshare.disclosures.models import DisclosedItem
    from safeshare.ledger.digest import canonical_value, record_contents
    from safeshare.ledger.models import Entry
    from safeshare.requests.models import InformationRequest

    compared = {"rows": 0, "entries": 0, "explanations": 0}
    try:
        with transaction.atomic():
            last = Entry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
            Real().run(case)
            for request in case.requests:
                request.subject_ids = []
                for note in request.notes:
                    note.row = {}
            mirror = Mirror(partnership)
            mirror.run(case)
            for name, row, m2m in rows_of(case):
                model = mirror.models[name]
                stored = record_contents(model, [row["id"]]).get(row["id"])
                expected = _plain(mirror.canonical_content(model, row, m2m))
                if stored is None or _plain(stored) != expected:
                    raise CheckFailed(_difference(name, row["id"], stored, expected))
                compared["rows"] += 1
            for request in case.requests:
                # Left out of the record digest (ledger_exclude_fields), so compared here.
                made = InformationRequest.objects.get(pk=request.id).content_digest
                if made != request.row["content_digest"]:
                    raise CheckFailed(f"request {request.id}: content digest differs")
            for x in case.disclosures:
                links = [
                    (str(i), p)
                    for i, p in DisclosedItem.objects.filter(disclosure_id=x.id)
                    .order_by("position")
                    .values_list("item_id", "position")
                ]
                if links != x.links:
                    raise CheckFailed(f"disclosure {x.id}: items {links} != {x.links}")
            for address, (policy_sha256, content) in mirror.explanations.items():
                frozen = Explanation.objects.get(sha256=address)
                if frozen.content != content or frozen.policy_sha256 != policy_sha256:
                    raise CheckFailed(f"explanation {address} differs")
                compared["explanations"] += 1
            made_entries: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
            for e in Entry.objects.filter(sequence__gt=-1 if last is None else last).order_by(
                "sequence"
            ):
                made_entries[(e.object_type, e.object_id)].append(
                    (
                        e.event_type,
                        canonical_value(e.actor_id),
                        canonical_value(e.organisation_id),
                        e.record_digest,
                        e.payload,
                    )
                )
            mirrored: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
            for p in sorted(mirror.entries):
                mirrored[(p.object_type, p.object_id)].append(
                    (p.event_type, p.actor, p.organisation, p.digest, p.payload)
                )
            for key in sorted(set(made_entries) | set(mirrored)):
                if made_entries.get(key) != mirrored.get(key):
                    raise CheckFailed(
                        f"ledger entries about {key}: the actions appended "
                        f"{made_entries.get(key)}, the mirror {mirrored.get(key)}"
                    )
            compared["entries"] = sum(len(v) for v in made_entries.values())
            raise _Rollback
    except _Rollback:
        pass
    return compared


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True))


def _difference(name: str, key: str, stored: Any, expected: Any) -> str:
    if stored is None:
        return f"{name} {key}: the actions stored no such row"
    stored = _plain(stored)
    fields = sorted(
        f
        for f in set(stored["fields"]) | set(expected["fields"])
        if stored["fields"].get(f) != expected["fields"].get(f)
    )
    detail = "; ".join(
        f"{f}: actions {stored['fields'].get(f)!r}, mirror {expected['fields'].get(f)!r}"
        for f in fields
    )
    if stored["many_to_many"] != expected["many_to_many"]:
        detail += (
            f"; many-to-many: actions {stored['many_to_many']}, mirror {expected['many_to_many']}"
        )
    return f"{name} {key} differs: {detail}"
