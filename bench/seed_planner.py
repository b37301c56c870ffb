"""The planner: a partnership's work over four years, day by day, as cases of plans
(bench/seed_cases.py carries them out; bench/seed_scale.py writes them).

Days are weighted (weekdays; fewer at weekends and on bank holidays; a half more at the
end than at the start, as the partnership took it up). Decisions fall in working hours,
immediate ones at any time; their outcomes, kinds of start (own initiative, a request in
safeshare, a request from outside logged in it, a request by phone recorded in the
decision) and what follows them are drawn with the weights below. People are added in
families through add_person, a tenth at the start (the open cases moved in) and the rest
as work arrives; each decision is about a family its organisation already holds, most
often a recent one.
"""

from __future__ import annotations

import bisect
import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import seed_catalogue as bank
from seed_cases import (
    DAY,
    HOUR,
    LONDON,
    MINUTE,
    SHARING,
    US,
    UTC,
    Case,
    DecisionPlan,
    DisclosurePlan,
    Family,
    ItemPlan,
    NotePlan,
    Org,
    Partnership,
    PersonPlan,
    ReceiptPlan,
    RequestPlan,
    RevocationPlan,
    Staff,
    WithdrawalPlan,
    linked,
    localdate,
    minute,
    new_id,
    quarter_after,
)

# (question, submitted) sequences per outcome; each is checked against the policy.
_ANSWERS: dict[str, list[list[tuple[str, Any]]]] = {
    "share_urgently": [[("immediate_risk", "yes")]],
    "share": [[("immediate_risk", "no"), ("legitimate_purpose", "yes"), ("identifiable", "no")]],
    "share_with_consent": [
        [
            ("immediate_risk", "no"),
            ("legitimate_purpose", "yes"),
            ("identifiable", "yes"),
            ("consent", "given"),
        ]
    ],
    "share_without_consent": [
        [
            ("immediate_risk", "no"),
            ("legitimate_purpose", "yes"),
            ("identifiable", "yes"),
            ("consent", consent),
            ("special_category", special),
            ("lawful_bases", bases),
        ]
        for consent in ("not_appropriate", "not_sought", "refused", "withdrawn")
        for special, bases in (
            ("no", ["art6-e-public-task"]),
            ("no", ["art6-c-legal-obligation", "ca2004-s11"]),
            ("no", ["art6-e-public-task", "ca1989-s47"]),
            (
                "yes",
                ["art6-e-public-task", "art9-g-substantial-public-interest", "dpa-sch1-para18"],
            ),
            ("yes", ["art6-e-public-task", "art9-h-health-social-care", "dpa-sch1-para2"]),
        )
    ],
    "do_not_share": [
        [("immediate_risk", "no"), ("legitimate_purpose", "no")],
        [
            ("immediate_risk", "no"),
            ("legitimate_purpose", "yes"),
            ("identifiable", "yes"),
            ("consent", "refused"),
            ("special_category", "no"),
            ("lawful_bases", ["none"]),
        ],
    ],
    "seek_advice": [
        [("immediate_risk", "no"), ("legitimate_purpose", "unsure")],
        [("immediate_risk", "no"), ("legitimate_purpose", "yes"), ("identifiable", "unsure")],
    ],
}
OUTCOMES = tuple(_ANSWERS)

_OUTCOME_WEIGHTS = {
    # on the practitioner's own initiative, then in answer to a request
    "proactive": {
        "share_urgently": 6,
        "share": 22,
        "share_with_consent": 30,
        "share_without_consent": 17,
        "do_not_share": 12,
        "seek_advice": 13,
    },
    "request": {
        "share_urgently": 5,
        "share": 15,
        "share_with_consent": 20,
        "share_without_consent": 35,
        "do_not_share": 13,
        "seek_advice": 12,
    },
}
# How a decision comes about: on the practitioner's initiative, a request raised in
# safeshare by another agency, a request from outside logged in safeshare, or a request
# by phone, letter or email recorded in the decision alone.
KINDS = {"proactive": 40, "insystem": 30, "external": 8, "phone": 22}
FAR = datetime.datetime.max.replace(tzinfo=UTC)
URGENCY = {"urgent": 25, "standard": 70, "immediate": 5}
UNANSWERED_URGENCY = {"urgent": 30, "standard": 70}
RECONSIDERED = {
    "share_without_consent": 40,
    "share": 15,
    "share_with_consent": 25,
    "do_not_share": 20,
}
# Family sizes, items a share sends, later readings of a record.
SIZES = {1: 30, 2: 35, 3: 25, 4: 10}
READINGS = {0: 30, 1: 35, 2: 25, 3: 10}


_CUMULATIVE: dict[int, tuple[Mapping[Any, float], list[Any], list[float]]] = {}


def _pick(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    """One key, with the weights given (random.choices, its cumulative weights kept)."""
    found = _CUMULATIVE.get(id(weights))
    if found is None or found[0] is not weights:
        total = 0.0
        cumulative = []
        for w in weights.values():
            total += w
            cumulative.append(total)
        found = _CUMULATIVE[id(weights)] = (weights, list(weights), cumulative)
    _, keys, cumulative = found
    return keys[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def _purpose_id(d: DecisionPlan) -> int | None:
    plan: DecisionPlan | None = d
    while plan is not None:
        if plan.about is not None:
            value: int | None = plan.about["purpose_category"]
            return value
        if plan.request is not None:
            found: int = plan.request.details["purpose_category"]
            return found
        plan = plan.original
    return None


def _asked(d: DecisionPlan) -> bool:
    """Whether the record is of a request (kind "request"), as copies keep it."""
    plan: DecisionPlan | None = d
    while plan is not None:
        if plan.how == "respond":
            return True
        if plan.about is not None:
            return bool(plan.about["kind"] == "request")
        plan = plan.original
    return False


def _consent_asked_on(d: DecisionPlan) -> datetime.date | None:
    plan: DecisionPlan | None = d
    while plan is not None:
        for section, values in reversed(plan.sections):
            if section == "consent":
                asked: datetime.date | None = values.get("consent_asked_on")
                return asked
        plan = plan.original
    return None


class Planner:
    """Plans a partnership's cases over a span of days, in time order.

    Days are weighted (weekdays; fewer at weekends and on bank holidays; a half more at
    the end than at the start, as the partnership took it up); decisions fall in working
    hours, immediate ones at any time. People are added in families, a tenth at the
    start (the open cases moved in) and the rest as work arrives; each decision is about
    a family its organisation already holds, most often a recent one. `pace` scales the
    gaps between a decision and what follows it (the check runs them within hours)."""

    def __init__(
        self,
        partnership: Partnership,
        rng: random.Random,
        start: datetime.datetime,
        end: datetime.datetime,
        decisions: int,
        people: int,
        pace: float = 1.0,
    ) -> None:
        from safeshare.disclosures import actions as disclosure_actions
        from safeshare.requests import actions as request_actions
        from safeshare.requests import deadlines
        from safeshare.site.management.commands.demo import demo_nhs_number

        self.p = partnership
        self.rng = rng
        self.start = start
        self.end = end
        self.last = end - HOUR  # nothing is planned later than this
        self.pace = pace
        self.target = decisions
        self.people_target = people
        self.made = 0  # decisions planned so far
        self.people_made = 0
        self.nhs_serial = 1000
        self.nhs_number = demo_nhs_number
        self.request_reference = request_actions._reference
        self.disclosure_reference = disclosure_actions._reference
        self.expires_at = disclosure_actions.expires_at
        self.max_days = disclosure_actions.MAX_DAYS
        self.due_at = deadlines.due_at
        self.references: set[str] = set()
        # content digest -> when the last request with it stops being open
        self.open_until: dict[str, datetime.datetime] = {}
        self.families: dict[str, list[Family]] = defaultdict(list)
        self.family_times: dict[str, list[datetime.datetime]] = defaultdict(list)
        for family in partnership.families:
            self._keep(family)
        orgs = partnership.orgs
        self.deciders = {k: o.of_role("practitioner", "manager") for k, o in orgs.items()}
        self.managers = {
            k: o.of_role("manager") or o.of_role("practitioner") for k, o in orgs.items()
        }
        self.case_roles = {
            k: o.of_role("practitioner", "manager", "ig_lead") for k, o in orgs.items()
        }
        self.answer_sets = _checked_answers(partnership)
        self.days = self._days()
        self.weights_left = sum(w for _, w in self.days)
        self.family_weight_left = self.weights_left
        self.families_left = max(0, round(people / 2.15))

    # -- time --------------------------------------------------------------------------

    def _days(self) -> list[tuple[datetime.date, float]]:
        from safeshare.core.workdays import bank_holidays

        holidays = set(bank_holidays())
        first, last = localdate(self.start), localdate(self.last)
        count = (last - first).days + 1
        days = []
        for n in range(count):
            day = first + datetime.timedelta(days=n)
            weight = (0.12, 0.06)[day.weekday() - 5] if day.weekday() >= 5 else 1.0
            if day in holidays:
                weight = 0.1
            days.append((day, weight * (0.8 + 0.4 * n / max(1, count - 1))))
        return days

    def _moment(self, day: datetime.date, urgent: bool = False) -> datetime.datetime:
        """A time on `day` (London), in working hours unless it is urgent."""
        rng = self.rng
        if urgent and rng.random() < 0.3:
            seconds = rng.randrange(24 * 3600)
        else:
            seconds = int(rng.triangular(8 * 3600, 18.5 * 3600, 11.5 * 3600))
        local = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            seconds=seconds, microseconds=rng.randrange(1_000_000)
        )
        moment = local.replace(tzinfo=LONDON).astimezone(UTC)
        return min(max(moment, self.start + HOUR), self.last - HOUR)

    def _later(self, at: datetime.datetime, low: float, high: float) -> datetime.datetime:
        """`at` plus a gap of `low` to `high` seconds (scaled by the pace)."""
        return at + datetime.timedelta(seconds=max(1.0, self.rng.uniform(low, high) * self.pace))

    # -- people ------------------------------------------------------------------------

    def _keep(self, family: Family) -> None:
        self.families[family.org.id].append(family)
        self.family_times[family.org.id].append(family.created_at)

    def _org(self) -> Org:
        return self.p.orgs[_pick(self.rng, bank.ORGANISATION_SHARE)]

    def _person(
        self, org: Org, actor: Staff, kind: str, family_name: str, at: datetime.datetime
    ) -> PersonPlan:
        rng = self.rng
        today = localdate(at)
        if kind == "child":
            given = rng.choice(bank.GIVEN_NAMES)
            born = today - datetime.timedelta(days=rng.randrange(200, 16 * 365))
        else:
            given = rng.choice(bank.ADULT_NAMES)
            born = today - datetime.timedelta(days=rng.randrange(20 * 365, 55 * 365))
        nhs = ""
        if org.key in {"gp", "csc", "police"} or kind == "child":
            self.nhs_serial += 1
            nhs = self.nhs_number(self.nhs_serial)
        self.people_made += 1
        return PersonPlan(new_id(rng), org, kind, given, family_name, born, nhs, actor, at)

    def new_family(self, at: datetime.datetime, org: Org | None = None) -> tuple[Family, Case]:
        """A family added through add_person, one member after another."""
        rng = self.rng
        org = org or self._org()
        actor = rng.choice(self.deciders[org.key])
        family_name = rng.choice(bank.FAMILY_NAMES)
        size = _pick(rng, SIZES)
        size = max(1, min(size, self.people_target - self.people_made))
        kinds = ["child"] if size == 1 else ["adult"] + ["child"] * (size - 1)
        case = Case()
        members = []
        for n, kind in enumerate(kinds):
            added = at + datetime.timedelta(seconds=90 * n)
            person = self._person(org, actor, kind, family_name, added)
            members.append(person)
            case.people.append(person)
            case.add(added, "add_person", person)
            case.access.append(
                (
                    added + MINUTE,
                    actor,
                    "subjects.person.new",
                    "subjects.person",
                    str(person.id),
                    person,
                )
            )
        family = Family(org, family_name, members, members[-1].created_at + MINUTE)
        self._keep(family)
        return family, case

    def _family(self, org: Org, before: datetime.datetime) -> Family | None:
        """A family of `org` on record before `before`: mostly a recent one."""
        times = self.family_times[org.id]
        n = bisect.bisect_left(times, before)
        if n == 0:
            return None
        rng = self.rng
        if rng.random() < 0.7:
            recent = max(1, min(n, max(50, n // 20)))
            index = n - 1 - rng.randrange(recent)
        else:
            index = rng.randrange(n)
        return self.families[org.id][index]

    # -- day by day --------------------------------------------------------------------

    def _quota(self, amount: float, share: float) -> int:
        expected = max(0.0, amount * share)
        whole = int(expected)
        return whole + (1 if self.rng.random() < expected - whole else 0)

    def plan_days(self) -> Iterator[tuple[datetime.date, list[Case]]]:
        """Each day's cases, day by day: the decisions come to exactly the target."""
        first = self.days[0][0]
        opening: list[Case] = []
        for _ in range(round(self.families_left * 0.1)):
            if self.people_made >= self.people_target:
                break
            opening.append(self.new_family(self._moment(first))[1])
            self.families_left -= 1
        for n, (day, weight) in enumerate(self.days):
            last_day = n == len(self.days) - 1
            cases = opening if n == 0 else []
            share = weight / self.family_weight_left if self.family_weight_left else 1.0
            self.family_weight_left -= weight
            families = self.families_left if last_day else self._quota(self.families_left, share)
            self.families_left -= families
            for _ in range(families):
                if self.people_made < self.people_target:
                    cases.append(self.new_family(self._moment(day))[1])
            while last_day and self.people_made < self.people_target:
                cases.append(self.new_family(self._moment(day))[1])
            share = weight / self.weights_left if self.weights_left else 1.0
            self.weights_left -= weight
            remaining = self.target - self.made
            # About one decision in twenty is an amendment or a reconsideration.
            quota = remaining if last_day else self._quota(remaining / 1.05, share)
            for at in sorted(self._moment(day) for _ in range(quota)):
                if self.made >= self.target:
                    break
                cases.append(self.case(at, extras=not last_day))
            for _ in range(self._quota(quota * 0.03, 1.0)):
                unanswered = self.unanswered(self._moment(day), open_now=False)
                if unanswered is not None:
                    cases.append(unanswered)
            if (self.last - datetime.datetime.combine(day, datetime.time(), UTC)).days < 5:
                for _ in range(max(1, quota // 15)):
                    unanswered = self.unanswered(self._moment(day), open_now=True)
                    if unanswered is not None:
                        cases.append(unanswered)
            yield day, cases

    # -- one piece of work -------------------------------------------------------------

    def case(
        self,
        decided_at: datetime.datetime,
        *,
        extras: bool = True,
        kind: str | None = None,
        outcome: str | None = None,
        force: frozenset[str] = frozenset(),
        fresh: bool = False,
    ) -> Case:
        """One decision and what happens around it. `force` makes the chance events
        happen (the check: "assign", "disclose", "revoke", "withdraw_consent", "amend",
        "reconsider"); `fresh` adds a new family for it."""
        rng = self.rng
        org = self._org()
        kind = kind or _pick(rng, KINDS)
        outcome = outcome or _pick(
            rng, _OUTCOME_WEIGHTS["proactive" if kind == "proactive" else "request"]
        )
        urgency = "immediate" if outcome == "share_urgently" else _pick(rng, URGENCY)
        lead = {"immediate": 2 * HOUR, "urgent": 20 * HOUR, "standard": 4 * DAY}[urgency]
        started_at = decided_at - datetime.timedelta(
            seconds=rng.uniform(240, min(lead.total_seconds(), 3 * 3600))
        )
        received_at = started_at - datetime.timedelta(seconds=rng.uniform(60, lead.total_seconds()))
        received_at = max(received_at, self.start + 30 * MINUTE)
        started_at = max(started_at, received_at + 2 * MINUTE)
        case = Case()
        family = None if fresh else self._family(org, received_at - MINUTE)
        if family is None:
            family, made = self.new_family(received_at - 20 * MINUTE, org)
            case.merge(made)
        actor = rng.choice(self.deciders[org.key])
        purpose_name = rng.choice(list(bank.PURPOSES))
        if kind == "insystem" and org.key != "csc" and rng.random() < 0.5:
            purpose_name = "Section 47 enquiry (child protection)"
        purpose_id = self.p.purposes[purpose_name]
        purpose = rng.choice(bank.PURPOSES[purpose_name])
        subjects = self._subjects(family)
        request = None
        if kind in ("insystem", "external"):
            request = self._request(
                case,
                org,
                kind,
                subjects[0],
                purpose_name,
                purpose,
                urgency,
                received_at,
                actor,
                started_at,
            )
            if request is None:  # the same request is open already: asked by phone
                kind = "phone"
            elif (
                request.assign is None
                and kind == "insystem"
                and ("assign" in force or rng.random() < 0.35)
            ):
                manager = rng.choice(self.managers[org.key])
                gap = (started_at - received_at).total_seconds()
                at = received_at + datetime.timedelta(seconds=rng.uniform(0.1, 0.5) * gap)
                request.assign = (manager, actor, at)
                case.add(at, "assign_request", request)
        about = None
        if kind in ("proactive", "phone"):
            about = self._about(kind, purpose_id, purpose, urgency, received_at)
        decided_by = actor if rng.random() < 0.85 else rng.choice(self.managers[org.key])
        d = DecisionPlan(
            new_id(rng),
            org,
            actor,
            decided_by,
            subjects,
            "respond" if request is not None else "start",
            started_at,
            decided_at,
            about=about,
            request=request,
            updated_at=decided_at + 60 * US,
            outcome=outcome,
        )
        self._content(d, outcome, family)
        self._decision_steps(case, d)
        if extras:
            self._afterwards(case, d, family, force)
        if request is not None:
            self._settle(case, request)
        case.steps.sort(key=lambda step: step[0])
        return case

    def _subjects(self, family: Family) -> list[PersonPlan]:
        rng = self.rng
        child = rng.choice(family.children)
        return [child] + [p for p in family.members if p is not child and rng.random() < 0.35]

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            reference = make()
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _request(
        self,
        case: Case,
        org: Org,
        kind: str,
        subject: PersonPlan,
        purpose_name: str,
        purpose: str,
        urgency: str,
        received_at: datetime.datetime,
        handler: Staff,
        respond_at: datetime.datetime,
    ) -> RequestPlan | None:
        """A request to `org` about `subject`: raised in safeshare by a partner agency
        (`insystem`) or logged by `handler` from outside (`external`), before the
        response starts at `respond_at`. None when the same request is still open (the
        action would return that one)."""
        from safeshare.requests import actions as request_actions

        rng = self.rng
        needed, why, basis = bank.NEEDED[purpose_name]
        born = subject.date_of_birth
        details = {
            "subject_details": subject.full_name
            + (f", born {born.day} {born:%B %Y}" if born else ""),
            "purpose_category": self.p.purposes[purpose_name],
            "purpose": purpose,
            "information_needed": needed,
            "why_needed": why,
            "urgency": urgency,
            "statutory_basis": basis,
            "statutory_basis_detail": "Family Procedure Rules disclosure"
            if basis == "other"
            else "",
        }
        external: dict[str, str] | None = None
        requester = handler
        if kind == "insystem":
            asking = self.p.orgs[_pick(rng, bank.PARTNERS[org.key])]
            requester = rng.choice(self.deciders[asking.key])
        else:
            name, role, where, contact, by, check = rng.choice(bank.EXTERNAL_REQUESTERS)
            external = {
                "external_requester_name": name,
                "external_requester_role": role,
                "external_requester_organisation": where,
                "external_requester_contact": contact,
                "external_received_by": by,
                "external_identity_check": check,
            }
            received_at = minute(received_at)
        digest = request_actions.content_digest(
            self.p.users[requester.id], org.id, details, external or {}
        )
        if self.open_until.get(digest, received_at) > received_at:
            return None
        request = RequestPlan(
            new_id(rng),
            self._unique(self.request_reference),
            org,
            requester,
            external,
            details,
            received_at,
            digest=digest,
        )
        case.requests.append(request)
        if external is None:
            case.add(received_at, "raise_request", request)
            case.access.append(
                (received_at - 3 * MINUTE, requester, "requests.request.new", "", "", None)
            )
        else:
            gap = (respond_at - received_at).total_seconds()
            request.assigned_at = received_at + datetime.timedelta(
                seconds=rng.uniform(0.05, 0.5) * gap
            )
            case.add(request.assigned_at, "log_external_request", request)
        self.open_until[digest] = FAR  # until _settle knows better
        return request

    def _settle(self, case: Case, request: RequestPlan) -> None:
        """When the request is open (until answered other than "advice", or withdrawn;
        again from new information on a refusal), and so whether and when the quarter-hour
        cron escalates it: the first tick past its due time while it is open."""
        events: list[tuple[datetime.datetime, str, str]] = []
        for d in case.decisions:
            if linked(d) is request:
                events.append((d.decided_at, "answer", d.outcome))
        for note in request.notes:
            if note.kind == "new_information":
                events.append((note.at, "information", ""))
        if request.withdraw is not None:
            events.append((request.withdraw[1], "withdrawn", ""))
        events.sort()
        opened = request.assigned_at if request.external is not None else request.received_at
        assert opened is not None
        intervals = []
        start: datetime.datetime | None = opened
        declined = False
        for at, what, outcome in events:
            if what == "answer" and outcome != "seek_advice":
                declined = outcome == "do_not_share"
                if start is not None:
                    intervals.append((start, at))
                    start = None
            elif what == "information" and start is None and declined:
                start = at
            elif what == "withdrawn" and start is not None:
                intervals.append((start, at))
                start = None
        if start is not None:
            intervals.append((start, FAR))
        due = self.due_at(request.received_at, request.details["urgency"])
        for begin, end in intervals:
            tick = quarter_after(max(due, begin)).astimezone(UTC)
            if tick < end and tick < self.last:
                request.escalated_at = tick
                request.notes.append(NotePlan(new_id(self.rng), "escalated", "", None, tick))
                case.add(tick, "escalate", request)
                break
        self.open_until[request.digest] = intervals[-1][1] if intervals else opened

    def _about(
        self, kind: str, purpose_id: int, purpose: str, urgency: str, received_at: datetime.datetime
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            "kind": "proactive" if kind == "proactive" else "request",
            "purpose_category": purpose_id,
            "purpose": purpose,
            "urgency": urgency,
            "requester_name": "",
            "requester_role": "",
            "requester_organisation": "",
            "request_method": "",
            "request_received_at": None,
            "requester_verification": "",
        }
        if kind == "phone":
            name, role, where, method, check = self.rng.choice(bank.PHONE_REQUESTERS)
            values.update(
                requester_name=name,
                requester_role=role,
                requester_organisation=where,
                request_method=method,
                request_received_at=minute(received_at),
                requester_verification=check,
            )
        return values

    def _content(self, d: DecisionPlan, outcome: str, family: Family) -> None:
        """Answers and pages for the outcome, as the wizard's pages save them."""
        rng = self.rng
        d.answers = rng.choice(self.answer_sets[outcome])
        today = localdate(d.started_at)
        adult = family.adults[0] if family.adults else None
        relationship = rng.choice(bank.RELATIONSHIPS)
        consent_from = (
            f"{adult.full_name}, {relationship}"
            if adult
            else f"{rng.choice(bank.ADULT_NAMES)} {family.family_name}, {relationship}"
        )
        consent: dict[str, Any] = {
            "consent_from": "",
            "consent_asked_on": None,
            "consent_method": "",
            "consent_scope": "",
            "consent_not_sought_reason": "",
            "consent_detail": "",
        }
        answered = dict(d.answers)
        given = answered.get("consent")
        if outcome == "share_with_consent":
            consent.update(
                consent_status="given",
                consent_from=consent_from,
                consent_asked_on=today - datetime.timedelta(days=rng.randrange(0, 6)),
                consent_method=rng.choice(("in_person", "phone")),
                consent_scope=rng.choice(bank.CONSENT_SCOPE),
            )
            d.sections.append(("consent", consent))
        elif given in ("not_appropriate", "not_sought", "refused", "withdrawn"):
            if given == "not_appropriate":
                consent.update(
                    consent_status="not_sought", consent_not_sought_reason="not_appropriate"
                )
            elif given == "not_sought":
                reason = rng.choice(("unsafe", "prejudice", "cannot_be_given"))
                consent.update(consent_status="not_sought", consent_not_sought_reason=reason)
            else:
                consent.update(
                    consent_status=given,
                    consent_from=consent_from,
                    consent_asked_on=today - datetime.timedelta(days=rng.randrange(1, 20)),
                    consent_method=rng.choice(("in_person", "phone")),
                )
            d.sections.append(("consent", consent))
        if outcome in SHARING:
            self._sharing(d, outcome, today)
        if outcome == "seek_advice" or rng.random() < 0.12:
            adviser = rng.choice(self.managers[d.org.key])
            d.sections.append(
                (
                    "advice",
                    {
                        "advice_sought": True,
                        "adviser_name": adviser.display,
                        "adviser_role": adviser.job_title,
                        "adviser_organisation": d.org.name,
                        "advised_on": today,
                        "advice": rng.choice(bank.ADVICE),
                    },
                )
            )
        if outcome == "do_not_share":
            reasons, response = rng.choice(bank.NOT_SHARING)
            asked = _asked(d)
            d.sections.append(
                (
                    "not_sharing",
                    {
                        "not_sharing_reasons": reasons,
                        "discussed_on": today if asked else None,
                        "discussion_method": rng.choice(("phone", "secure_email")) if asked else "",
                        "requester_response": response if asked else "",
                    },
                )
            )

    def _sharing(self, d: DecisionPlan, outcome: str, today: datetime.date) -> None:
        rng = self.rng
        child = d.subjects[0]
        count = _pick(rng, SIZES)
        for text, nature, currency, source, special, third in rng.sample(bank.ITEMS, count):
            d.items.append(
                ItemPlan(
                    new_id(rng),
                    {
                        "text": text.format(child=child.given_names),
                        "nature": nature,
                        "opinion_of": f"{d.actor.display}, {d.actor.job_title}"
                        if nature == "opinion"
                        else "",
                        "currency": currency,
                        "relates_to": today - datetime.timedelta(days=rng.randrange(30, 400))
                        if currency == "historical"
                        else None,
                        "source": source,
                        "about": child,
                        "special_category": special,
                        "identifies_third_party": bool(third),
                        "third_party_action": third,
                        "third_party_justification": bank.THIRD_PARTY_JUSTIFICATION
                        if third == "justified"
                        else "",
                    },
                )
            )
        d.sections.append(("principles", dict(rng.choice(bank.PRINCIPLES))))
        receiver_key = _pick(rng, bank.PARTNERS[d.org.key])
        if outcome == "share_urgently":
            receiver_key = "police" if d.org.key == "csc" else "csc"
        receiver = self.p.orgs[receiver_key]
        choice = rng.choice(self.p.recipients[receiver_key])
        in_system = choice.user is not None and rng.random() < 0.6
        purpose_id = _purpose_id(d)
        covered = (
            purpose_id is not None
            and self.p.agreement.get((d.org.id, receiver.id, purpose_id)) is not None
        )
        verification = choice.verification
        d.sections.append(
            (
                "recipient",
                {
                    "recipient_organisation": receiver.id,
                    "recipient_organisation_name": "",
                    "recipient_name": choice.name,
                    "recipient_role": choice.role,
                    "recipient_contact": choice.contact,
                    "recipient_verification": verification,
                    "recipient_verification_detail": bank.VERIFICATION_DETAIL
                    if verification == "called_back"
                    else "",
                    "channel": "in_system"
                    if in_system
                    else rng.choice(("secure_email", "phone", "meeting")),
                    "shared_at": minute(
                        d.decided_at - datetime.timedelta(minutes=rng.randrange(1, 30))
                    ),
                    "shares_all_requested": (rng.random() < 0.85)
                    if linked(d) is not None
                    else None,
                    "no_agreement_justification": "" if covered else rng.choice(bank.NO_AGREEMENT),
                },
            )
        )
        if rng.random() < 0.45:
            transparency = {
                "subject_informed": True,
                "informed_on": today,
                "informed_method": rng.choice(("in_person", "phone", "letter")),
                "informed_by": d.actor.display,
                "not_informed_reason": "",
                "not_informed_detail": "",
                "inform_review_on": None,
            }
        else:
            transparency = {
                "subject_informed": False,
                "informed_on": None,
                "informed_method": "",
                "informed_by": "",
                "not_informed_reason": rng.choice(("risk_of_harm", "prejudice", "not_practicable")),
                "not_informed_detail": "",
                "inform_review_on": today + datetime.timedelta(days=rng.choice((14, 21, 28))),
            }
        d.sections.append(("transparency", transparency))
        d.recipient_user = choice.user if in_system else None

    def _decision_steps(self, case: Case, d: DecisionPlan) -> None:
        self.made += 1
        case.decisions.append(d)
        case.add(d.started_at, "draft", d)
        case.add(d.decided_at, "finalise", d)
        self._access(case, d)

    def _access(self, case: Case, d: DecisionPlan) -> None:
        """The pages people read (audit.AccessRecord, one per person a page shows): the
        task list, the questions and pages while drafting, the record afterwards."""
        rng = self.rng
        span = (d.decided_at - d.started_at).total_seconds()
        oid = str(d.id)
        for page in rng.sample(("tasks", "question", "section", "check", "outcome"), 4):
            at = d.started_at + datetime.timedelta(seconds=rng.uniform(0, span))
            for person in d.subjects:
                case.access.append(
                    (
                        at,
                        d.actor,
                        f"decisions.decision.{page}",
                        "decisions.decision",
                        oid,
                        person,
                    )
                )
        readers = self.case_roles[d.org.key]
        for _ in range(_pick(rng, READINGS)):
            at = d.decided_at + datetime.timedelta(seconds=rng.uniform(600, 30 * 86400))
            if at < self.last:
                reader = rng.choice(readers)
                what = rng.choice(("show", "show", "print"))
                for person in d.subjects:
                    case.access.append(
                        (
                            at,
                            reader,
                            f"decisions.decision.{what}",
                            "decisions.decision",
                            oid,
                            person,
                        )
                    )
        first = d.subjects[0]
        case.access.append(
            (
                d.started_at - 2 * MINUTE,
                d.actor,
                "subjects.person.show",
                "subjects.person",
                str(first.id),
                first,
            )
        )
        request = linked(d)
        if request is not None:
            case.access.append(
                (
                    d.started_at - MINUTE,
                    d.actor,
                    "requests.request.show",
                    "requests.informationrequest",
                    str(request.id),
                    None,
                )
            )

    def _afterwards(
        self, case: Case, d: DecisionPlan, family: Family, force: frozenset[str]
    ) -> None:
        """What may follow a decision: a disclosure and its receipts, a consent
        withdrawal, an amendment or a reconsideration."""
        rng = self.rng
        if (
            d.recipient_user is not None
            and d.items
            and ("disclose" in force or rng.random() < 0.95)
        ):
            self._disclosure(case, d, d.recipient_user, force)
        if d.outcome == "share_with_consent" and (
            "withdraw_consent" in force or rng.random() < 0.02
        ):
            self._withdrawal(case, d, family)
        if self.made >= self.target:
            return
        reconsiderable = d.outcome in ("do_not_share", "seek_advice") and _asked(d)
        if "amend" in force or (not reconsiderable and rng.random() < 0.025):
            self._amendment(case, d)
        elif reconsiderable and ("reconsider" in force or rng.random() < 0.25):
            self._reconsideration(case, d, family)

    def _withdrawal(self, case: Case, d: DecisionPlan, family: Family) -> None:
        rng = self.rng
        at = self._later(d.decided_at, 3 * 86400, 60 * 86400)
        if at >= self.last:
            return
        asked_on = _consent_asked_on(d)
        withdrawn_on = localdate(at) - datetime.timedelta(days=rng.randrange(0, 3))
        if asked_on is not None:
            withdrawn_on = max(withdrawn_on, asked_on)
        by_person = next((p for p in d.subjects if p.kind == "adult"), None)
        if rng.random() < 0.5:
            by_person = None
        name = "" if by_person else f"{(family.adults or family.members)[0].full_name}, parent"
        w = WithdrawalPlan(
            new_id(rng),
            d,
            rng.choice(self.case_roles[d.org.key]),
            withdrawn_on,
            rng.choice(("phone", "in_person", "letter")),
            rng.choice(bank.WITHDRAWAL_NEXT_STEPS),
            by_person,
            name,
            at,
        )
        case.withdrawals.append(w)
        case.add(at, "withdraw_consent", w)

    def _disclosure(
        self, case: Case, d: DecisionPlan, recipient: Staff, force: frozenset[str]
    ) -> None:
        rng = self.rng
        sent_at = self._later(d.decided_at, 30, 3600)
        if sent_at >= self.last:
            return
        chosen = d.items if rng.random() < 0.8 else rng.sample(d.items, max(1, len(d.items) - 1))
        days = rng.choice((7, 14, 30, 30, 30, 60, self.max_days))
        x = DisclosurePlan(
            new_id(rng),
            self._unique(self.disclosure_reference),
            d,
            d.actor,
            recipient,
            chosen,
            rng.choice(bank.MESSAGES),
            localdate(sent_at) + datetime.timedelta(days=days),
            sent_at,
        )
        case.disclosures.append(x)
        case.add(sent_at, "send", x)
        stop = min(self.last, self.expires_at(x.expires_on))
        revoked = None
        if "revoke" in force or rng.random() < 0.03:
            at = self._later(sent_at, 600, 5 * 86400)
            if at < stop:
                revoked = RevocationPlan(
                    new_id(rng),
                    x,
                    rng.choice(self.case_roles[d.org.key]),
                    at,
                    rng.choice(bank.REVOCATION_REASONS),
                )
                stop = at
        if "revoke" in force or rng.random() < 0.92:
            opened = self._later(sent_at, 300, 2 * 86400)
            if revoked is not None and "revoke" in force:
                opened = sent_at + (revoked.at - sent_at) / 2
            if opened < stop:
                r = ReceiptPlan(new_id(rng), x, "opened", recipient, opened)
                case.receipts.append(r)
                case.add(opened, "receipt", r)
                for person in d.subjects:
                    case.access.append(
                        (
                            opened,
                            recipient,
                            "disclosures.disclosure.show",
                            "disclosures.disclosure",
                            str(x.id),
                            person,
                        )
                    )
                acked = (
                    opened + (stop - opened) / 2
                    if "revoke" in force
                    else self._later(opened, 60, 3 * 86400)
                )
                if (rng.random() < 0.85 or "revoke" in force) and acked < stop:
                    a = ReceiptPlan(new_id(rng), x, "acknowledged", recipient, acked)
                    case.receipts.append(a)
                    case.add(acked, "receipt", a)
        if revoked is not None:
            case.revocations.append(revoked)
            case.add(revoked.at, "revoke", revoked)

    def _amendment(self, case: Case, d: DecisionPlan) -> None:
        """A correction: amend_decision, the reason, the page corrected, finalised."""
        rng = self.rng
        started = self._later(d.decided_at, 0.2 * 86400, 14 * 86400)
        decided = started + datetime.timedelta(seconds=rng.uniform(120, 1800))
        if decided >= self.last:
            return
        if any(x.decision is d and x.sent_at > started for x in case.disclosures):
            return
        a = DecisionPlan(
            new_id(rng),
            d.org,
            d.actor,
            d.decided_by,
            list(d.subjects),
            "amend",
            started,
            decided,
            original=d,
            updated_at=decided + 60 * US,
            outcome=d.outcome,
        )
        a.items = [ItemPlan(new_id(rng), dict(i.values)) for i in d.items]
        a.sections.append(("amendment", {"amendment_reason": rng.choice(bank.AMENDMENT_REASONS)}))
        if d.outcome in SHARING:
            a.sections.append(
                (
                    "transparency",
                    {
                        "subject_informed": True,
                        "informed_on": localdate(started),
                        "informed_method": "phone",
                        "informed_by": d.actor.display,
                        "not_informed_reason": "",
                        "not_informed_detail": "",
                        "inform_review_on": None,
                    },
                )
            )
        self._decision_steps(case, a)

    def _reconsideration(self, case: Case, d: DecisionPlan, family: Family) -> None:
        """New information after a refusal, or the advice a practitioner sought: a new
        decision linked to the first (reconsider_decision), answered again."""
        rng = self.rng
        at = self._later(d.decided_at, 86400, 10 * 86400)
        started = self._later(at, 600, 86400)
        decided = started + datetime.timedelta(seconds=rng.uniform(300, 3600))
        if decided >= self.last:
            return
        new_information = rng.choice(bank.NEW_INFORMATION)
        request = d.request
        if request is not None and request.external is None and d.outcome == "do_not_share":
            note = NotePlan(new_id(rng), "new_information", new_information, request.requester, at)
            request.notes.append(note)
            case.add(at, "add_new_information", request)
        outcome = _pick(rng, RECONSIDERED)
        r = DecisionPlan(
            new_id(rng),
            d.org,
            d.actor,
            d.decided_by,
            list(d.subjects),
            "reconsider",
            started,
            decided,
            original=d,
            new_information=new_information,
            updated_at=decided + 60 * US,
            outcome=outcome,
        )
        r.items = [ItemPlan(new_id(rng), dict(i.values)) for i in d.items]
        self._content(r, outcome, family)
        self._decision_steps(case, r)
        if r.recipient_user is not None and r.items and rng.random() < 0.5:
            self._disclosure(case, r, r.recipient_user, frozenset())

    def unanswered(self, at: datetime.datetime, open_now: bool) -> Case | None:
        """A request raised in safeshare that no decision answered: withdrawn by the
        requester, or (in the last days) still open."""
        rng = self.rng
        org = self._org()
        family = self._family(org, at - MINUTE)
        if family is None:
            return None
        case = Case()
        purpose_name = rng.choice(list(bank.PURPOSES))
        urgency = _pick(rng, UNANSWERED_URGENCY)
        handler = rng.choice(self.deciders[org.key])
        request = self._request(
            case,
            org,
            "insystem",
            family.children[0],
            purpose_name,
            rng.choice(bank.PURPOSES[purpose_name]),
            urgency,
            at,
            handler,
            at + HOUR,
        )
        if request is None:
            return None
        if not open_now:
            when = self._later(at, 1800, 2 * 86400)
            if when >= self.last:
                return None
            request.withdraw = (request.requester, when)
            case.add(when, "withdraw_request", request)
        self._settle(case, request)
        case.steps.sort(key=lambda step: step[0])
        return case


def _checked_answers(partnership: Partnership) -> dict[str, list[list[tuple[str, Any]]]]:
    """The answer sets per outcome that the policy really gives that outcome for."""
    from safeshare.decisions import flow

    checked: dict[str, list[list[tuple[str, Any]]]] = {}
    for outcome, sets in _ANSWERS.items():
        good = []
        for answers in sets:
            stored: dict[str, Any] = {}
            for question_id, submitted in answers:
                stored = dict(flow.apply_answer(partnership.policy, stored, question_id, submitted))
            if flow.next_step(partnership.policy, stored).outcome == outcome:
                good.append(answers)
        if not good:
            raise AssertionError(f"no answer set leads to {outcome} under {partnership.policy.id}")
        checked[outcome] = good
    return checked


def check_cases(partnership: Partnership, rng: random.Random, now: datetime.datetime) -> list[Case]:
    """Cases for the check: every outcome from every kind of start, and every event that
    can follow (an assignment, escalation, disclosure with both receipts, a revocation,
    a consent withdrawal, an amendment, reconsiderations after a refusal and after
    advice, a request withdrawn and one left open), each about a family of its own."""
    planner = Planner(partnership, rng, now - 3 * DAY, now, 10_000, 10_000, pace=0.0002)
    at = now - 6 * HOUR
    cases = []
    for kind in KINDS:
        for outcome in OUTCOMES:
            force = {"assign", "disclose"}
            if outcome == "share_with_consent":
                force.add("withdraw_consent")
            if kind == "proactive" and outcome == "share_without_consent":
                force.add("revoke")
            if outcome in ("share", "share_urgently") or (
                kind == "insystem" and outcome == "share_with_consent"
            ):
                force.add("amend")
            if outcome in ("do_not_share", "seek_advice") and kind != "proactive":
                force.add("reconsider")
            cases.append(
                planner.case(at, kind=kind, outcome=outcome, force=frozenset(force), fresh=True)
            )
    for open_now in (False, True):
        family, made = planner.new_family(at - 2 * HOUR)
        del family
        found = planner.unanswered(at, open_now=open_now)
        if found is not None:
            made.merge(found)
            cases.append(made)
    return cases
