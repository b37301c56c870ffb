"""Compile a policy file's data into a `Policy`, refusing a file that breaks the guidance.

The flow (questions, their order, where each answer leads, and all wording) is data in a
policy file. What is checked here holds for every policy, whoever wrote it:

* the standard questions are asked, with the kinds and option values the engine's rules
  and the command-line contract rely on, and `immediate_risk` is asked first;
* routes only point forward, so the flow can never loop, and every question is reachable;
* the guidance's own outcomes for the standard answers cannot be changed, and a file
  cannot open a route to sharing the guidance does not allow.

Everything that depends only on the file is worked out here, once, so that
`evaluate.evaluate` is a short walk over dictionaries (see bench/bench_guidance.py).
"""

from __future__ import annotations

import dataclasses
import hashlib

from pydantic import ValidationError

from .catalogue import Catalogue, Citation, catalogue
from .model import (
    CONTEXT_DEFAULTS,
    CONTEXT_QUESTIONS,
    DECIDED_OUTCOMES,
    FLAG_KEYS,
    OUTCOME_TITLES,
    OUTCOMES,
    SHARING_OUTCOMES,
    STANDARD_QUESTIONS,
    UNSURE_VALUE,
    YES_NO,
    AnswerError,
    Contact,
    Item,
    Match,
    Option,
    OutcomeTexts,
    Policy,
    Question,
    Reason,
    Route,
    SignOffRule,
    Validator,
    WarningNote,
)
from .schema import (
    ItemSpec,
    OutcomeSelector,
    PolicyError,
    PolicySpec,
    Problem,
    QuestionSpec,
    RouteSpec,
    SignOffRuleSpec,
    WhenSpec,
    problems_from,
    read_yaml,
)

# The guidance's own outcomes for these answers; a policy may reword them, never change them.
REQUIRED_ROUTES: dict[tuple[str, str], str] = {
    ("immediate_risk", "yes"): "share_urgently",
    ("legitimate_purpose", "no"): "do_not_share",
    ("legitimate_purpose", "unsure"): "seek_advice",
    ("identifiable", "no"): "share",
    ("consent", "given"): "share_with_consent",
    ("lawful_bases", "valid"): "share_without_consent",
    ("lawful_bases", "invalid"): "do_not_share",
}
# Questions a partnership adds may only lead on, or away from sharing.
EXTRA_QUESTION_OUTCOMES = frozenset({"do_not_share", "seek_advice"})


def parse_policy(data: bytes, path: str = "") -> Policy:
    """Validate policy YAML and compile it; PolicyError lists every problem with its location."""
    raw = read_yaml(data) if data.strip() else None
    if not isinstance(raw, dict):
        raise PolicyError(
            "the policy is not valid",
            [Problem(location="", message="a policy file must be a YAML mapping")],
            path,
        )
    try:
        spec = PolicySpec.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError("the policy is not valid", problems_from(exc), path) from exc
    return _Compiler(spec, hashlib.sha256(data).hexdigest(), path, catalogue()).compile()


class _Compiler:
    def __init__(self, spec: PolicySpec, sha256: str, path: str, cat: Catalogue) -> None:
        self.spec = spec
        self.sha256 = sha256
        self.path = path
        self.cat = cat
        self.problems: list[Problem] = []
        self.index = {q.id: i for i, q in enumerate(spec.questions)}

    def problem(self, location: str, message: str) -> None:
        self.problems.append(Problem(location=location, message=message))

    def citation(self, key: str | None, where: str) -> Citation:
        spec = self.spec.citations.get(key) if key else None
        if spec is None:
            self.problem(where, f"unknown citation {key!r}; add it under citations")
            return Citation("?", "?", "?", verified=False)
        return Citation(spec.source, spec.section, spec.quote_or_summary, spec.verified, spec.url)

    def compile(self) -> Policy:
        spec = self.spec
        self.check_questions()
        questions = {q.id: self.question(i, q) for i, q in enumerate(spec.questions)}
        adult_questions = {
            q.id: self.adult_question(i, q, questions[q.id]) for i, q in enumerate(spec.questions)
        }
        self.check_flow(questions)
        answer_keys = frozenset(questions) | frozenset(FLAG_KEYS) | frozenset(CONTEXT_DEFAULTS)
        for outcome in OUTCOMES:
            if outcome != "incomplete" and outcome not in spec.outcomes:
                self.problem(f"outcomes.{outcome}", "missing: every outcome needs its wording")
        outcomes: dict[str, OutcomeTexts] = {
            name: self.outcome_texts(name, questions) for name in OUTCOMES if name in spec.outcomes
        }
        adult_outcomes: dict[str, OutcomeTexts] = {
            name: self.outcome_texts(name, questions, adult=True)
            for name in OUTCOMES
            if name in spec.outcomes
        }
        before_final, review_after = self.sign_off()
        if self.problems:
            # The adult's texts are compiled from the same entries: report each problem once.
            problems = list(dict.fromkeys(self.problems))
            raise PolicyError("the policy is not valid", problems, self.path)
        return Policy(
            id=spec.id,
            version=spec.version,
            title=spec.title,
            description=spec.description,
            source_title=spec.source.title,
            source_edition=spec.source.edition,
            date=spec.source.date,
            source_url=spec.source.url,
            sha256=self.sha256,
            path=self.path,
            questions=questions,
            contacts=tuple(Contact(**c.model_dump()) for c in spec.contacts),
            answer_keys=answer_keys,
            citations={
                k: Citation(c.source, c.section, c.quote_or_summary, c.verified, c.url)
                for k, c in spec.citations.items()
            },
            first=questions[spec.questions[0].id],
            adult_questions=adult_questions,
            _outcomes=outcomes,
            _adult_outcomes=adult_outcomes,
            _validators=self.validators(questions),
            _catalogue=self.cat,
            sign_off_before_final=before_final,
            review_after=review_after,
        )

    # Sign-off ----------------------------------------------------------------------------

    def sign_off(self) -> tuple[tuple[SignOffRule, ...], tuple[SignOffRule, ...]]:
        section = self.spec.sign_off
        if section is None:
            return (), ()
        before = tuple(
            self.sign_off_rule(r, f"sign_off.before_final[{i}]")
            for i, r in enumerate(section.before_final)
        )
        after = tuple(
            self.sign_off_rule(r, f"sign_off.review_after[{i}]", r.within_working_days)
            for i, r in enumerate(section.review_after)
        )
        return before, after

    def sign_off_rule(
        self, r: SignOffRuleSpec, where: str, within_working_days: int | None = None
    ) -> SignOffRule:
        if "incomplete" in r.outcomes:
            self.problem(
                f"{where}.outcomes",
                "incomplete is not a decision: a rule covers decided outcomes only",
            )
        for key in ("outcomes", "consent", "urgency"):
            values: list[str] | None = getattr(r, key)
            if values is not None and len(set(values)) != len(values):
                self.problem(f"{where}.{key}", "a value is listed twice")
        return SignOffRule(
            where=where,
            outcomes=self.selectors(r.outcomes) - {"incomplete"},
            consent=frozenset(r.consent) if r.consent is not None else None,
            in_response_to_request=r.in_response_to_request,
            urgency=frozenset(r.urgency) if r.urgency is not None else None,
            reason=Reason(r.reason, self.citation(r.cite, f"{where}.cite")),
            within_working_days=within_working_days,
        )

    # Questions ---------------------------------------------------------------------------

    def check_questions(self) -> None:
        seen: set[str] = set()
        for i, q in enumerate(self.spec.questions):
            where = f"questions[{i}]"
            if q.id in seen:
                self.problem(f"{where}.id", f"duplicate question id {q.id!r}")
            seen.add(q.id)
            if q.id in FLAG_KEYS:
                self.problem(f"{where}.id", f"{q.id!r} is reserved for the unsure flag")
            if q.id in CONTEXT_DEFAULTS and q.id not in CONTEXT_QUESTIONS:
                self.problem(
                    f"{where}.id", f"{q.id!r} is an answer the service fills, not a question"
                )
            standard = STANDARD_QUESTIONS.get(q.id) or CONTEXT_QUESTIONS.get(q.id)
            if standard is not None:
                kind, values = standard
                if q.kind != kind:
                    self.problem(f"{where}.kind", f"{q.id} must be a {kind} question")
                elif kind != "bases":
                    given = [o.value for o in q.options or ()]
                    if sorted(given) != sorted(values):
                        self.problem(
                            f"{where}.options",
                            f"{q.id} must offer exactly these values: {', '.join(values)}",
                        )
            elif q.kind == "bases":
                self.problem(f"{where}.kind", "only lawful_bases can be a bases question")
        for name in STANDARD_QUESTIONS:
            if name not in seen:
                self.problem("questions", f"missing the standard question {name!r}")
        if self.spec.questions[0].id != "immediate_risk":
            # Immediate risk is checked first at evaluation anyway; asking it first keeps
            # the wizard honest about that.
            self.problem("questions[0].id", "the first question must be immediate_risk")

    def route(self, r: RouteSpec | None, i: int, where: str, q: QuestionSpec) -> Route | None:
        if r is None:
            return None
        if r.next is not None:
            target = self.index.get(r.next)
            if target is None:
                self.problem(f"{where}.next", f"unknown question {r.next!r}")
            elif target <= i:
                # Forward-only routes mean the flow can never loop.
                self.problem(f"{where}.next", f"{r.next!r} must come after {q.id!r}")
        if (
            r.outcome is not None
            and q.id not in STANDARD_QUESTIONS
            and r.outcome not in EXTRA_QUESTION_OUTCOMES
        ):
            self.problem(
                f"{where}.outcome",
                "a question of your own can only lead to another question, "
                "do_not_share or seek_advice",
            )
        reason = None
        if r.reason is not None:
            reason = Reason(r.reason, self.citation(r.cite, f"{where}.cite"))
        return Route(r.outcome, r.next, reason)

    def question(self, i: int, q: QuestionSpec) -> Question:
        where = f"questions[{i}]"
        following = self.spec.questions[i + 1].id if i + 1 < len(self.spec.questions) else None
        default = Route(None, following, None)
        routes: dict[object, Route] = {}
        labels: dict[object, str] = {}
        options: list[Option] = []
        if q.kind == "bases":
            offered: list[tuple[str, str | None, str | None]]
            if q.options is None:
                offered = [(b.id, None, None) for b in self.cat.bases.values()]
            else:
                offered = [(o.value, o.label, o.hint) for o in q.options]
            for j, (value, label, hint) in enumerate(offered):
                basis = self.cat.bases.get(value)
                if basis is None:
                    self.problem(f"{where}.options[{j}].value", f"unknown lawful basis {value!r}")
                    continue
                options.append(Option(value, label or basis.title, hint or basis.explanation))
            for b in self.cat.bases.values():
                labels[b.id] = b.title
            for name in ("valid", "invalid"):
                r = self.route(getattr(q, name), i, f"{where}.{name}", q)
                if r is None:
                    self.problem(f"{where}.{name}", "a bases question needs this route")
                routes[name] = r or default
            if q.unsure_label is not None and UNSURE_VALUE in {o.value for o in options}:
                self.problem(f"{where}.unsure_label", "clashes with an option valued 'unsure'")
        else:
            if q.valid is not None or q.invalid is not None:
                self.problem(where, "valid and invalid are only for the lawful_bases question")
            if not q.options:
                self.problem(f"{where}.options", "a question needs options")
            values_seen: set[str] = set()
            for j, o in enumerate(q.options or ()):
                owhere = f"{where}.options[{j}]"
                if o.value in values_seen:
                    self.problem(f"{owhere}.value", f"duplicate option {o.value!r}")
                values_seen.add(o.value)
                if q.kind == "yes_no" and o.value not in YES_NO:
                    self.problem(f"{owhere}.value", "a yes_no question offers yes and no")
                    continue
                if o.value == UNSURE_VALUE and q.unsure_label is not None:
                    self.problem(f"{owhere}.value", "'unsure' clashes with unsure_label")
                key: object = (o.value == "yes") if q.kind == "yes_no" else o.value
                label = o.label or o.value.capitalize()
                options.append(Option(o.value, label, o.hint))
                labels[key] = label
                r = self.route(o.then, i, f"{owhere}.then", q)
                if r is None and following is None:
                    self.problem(f"{owhere}.then", "the last question needs an outcome")
                routes[key] = r or default
            if q.kind == "yes_no" and values_seen != set(YES_NO):
                self.problem(f"{where}.options", "a yes_no question offers yes and no")
        return Question(
            id=q.id,
            text=q.text,
            hint=q.hint,
            kind=q.kind,
            options=tuple(options),
            unsure_label=q.unsure_label,
            citation=self.citation(q.cite, f"{where}.cite"),
            error=q.error,
            routes=routes,
            labels=labels,
            standard=q.id in STANDARD_QUESTIONS,
        )

    def adult_question(self, i: int, q: QuestionSpec, child: Question) -> Question:
        """The question as an adult's path asks it: the file's `adult` wording and reasons."""
        where = f"questions[{i}]"
        reasons: dict[object, Route] = {}
        specs: list[tuple[object, RouteSpec | None]] = []
        if q.kind == "bases":
            specs = [("valid", q.valid), ("invalid", q.invalid)]
        else:
            specs = [
                ((o.value == "yes") if q.kind == "yes_no" else o.value, o.then)
                for o in q.options or ()
            ]
        for key, r in specs:
            if r is not None and r.adult_reason is not None and key in child.routes:
                route = child.routes[key]
                cite = self.citation(r.adult_cite or r.cite, f"{where}.adult_cite")
                reasons[key] = dataclasses.replace(route, reason=Reason(r.adult_reason, cite))
        if q.adult is None and not reasons:
            return child
        adult = q.adult
        return dataclasses.replace(
            child,
            text=(adult.text if adult and adult.text else child.text),
            hint=(adult.hint if adult and adult.hint else child.hint),
            error=(adult.error if adult and adult.error else child.error),
            routes={**child.routes, **reasons},
        )

    def check_flow(self, questions: dict[str, Question]) -> None:
        if self.problems:
            return  # the graph is not trustworthy until the routes are
        for (qid, answer), outcome in REQUIRED_ROUTES.items():
            q = questions[qid]
            key: object = (answer == "yes") if q.kind == "yes_no" else answer
            got = q.routes[key].outcome
            if got != outcome:
                i = self.index[qid]
                self.problem(
                    f"questions[{i}]",
                    f"the answer {answer!r} to {qid} must lead to {outcome}, "
                    f"not {got or 'another question'}",
                )
        owners = {outcome: qid for (qid, _a), outcome in REQUIRED_ROUTES.items()}
        for qid, q in questions.items():
            for key, r in q.routes.items():
                if r.outcome in SHARING_OUTCOMES and owners[r.outcome] != qid:
                    self.problem(
                        f"questions[{self.index[qid]}]",
                        f"{r.outcome} can only follow {owners[r.outcome]}, not {qid} ({key})",
                    )
        first = self.spec.questions[0].id
        reachable = _reach(questions, first, avoid=None)
        for qid in questions:
            if qid not in reachable:
                self.problem(f"questions[{self.index[qid]}]", f"{qid} can never be reached")
        # Each sharing route must be guarded by the questions the rules depend on.
        guards = [
            ("legitimate_purpose", {"outcome:share", "outcome:share_with_consent", "lawful_bases"}),
            ("special_category", {"lawful_bases"}),
            ("consent", {"lawful_bases"}),
        ]
        if "criminal_offence_data" in questions:
            # Asked, it must be asked before the bases are weighed (UK GDPR Art 10).
            guards.append(("criminal_offence_data", {"lawful_bases"}))
        for guard, targets in guards:
            leaks = targets & _reach(questions, first, avoid=guard)
            if leaks:
                self.problem(
                    "questions",
                    f"every route to {', '.join(sorted(leaks))} must pass through {guard}",
                )

    # Outcomes and their guidance ---------------------------------------------------------

    def selectors(self, outcomes: list[OutcomeSelector] | None) -> frozenset[str]:
        if outcomes is None:
            return DECIDED_OUTCOMES
        chosen: set[str] = set()
        for o in outcomes:
            if o == "sharing":
                chosen |= SHARING_OUTCOMES
            elif o == "decided":
                chosen |= DECIDED_OUTCOMES
            else:
                chosen.add(o)
        return frozenset(chosen)

    def match(self, when: WhenSpec | None, where: str, questions: dict[str, Question]) -> Match:
        if when is None or not when.answers:
            return ()
        out = []
        for key, values in when.answers.items():
            q = questions.get(key)
            if key == "unsure" or (key in CONTEXT_DEFAULTS and q is None):
                allowed: dict[object, object] = {True: True, False: False}
            elif q is None or q.kind == "bases":
                self.problem(
                    f"{where}.when.answers.{key}",
                    "only question answers, unsure and the service's answers",
                )
                continue
            else:
                allowed = {k: k for k in q.labels}
            typed: set[object] = set()
            for v in values:
                # YAML's `yes` is already a bool; "yes"/"no" strings are accepted too.
                value: object = v
                if (
                    isinstance(v, str)
                    and v in YES_NO
                    and (
                        key == "unsure"
                        or key in CONTEXT_DEFAULTS
                        or (q is not None and q.kind == "yes_no")
                    )
                ):
                    value = v == "yes"
                if value not in allowed or type(value) is not type(next(iter(allowed))):
                    self.problem(f"{where}.when.answers.{key}", f"{v!r} is not an answer to {key}")
                typed.add(value)
            out.append((key, frozenset(typed)))
        return tuple(out)

    def resolve(self, match: Match, adult: bool) -> Match | None:
        """`subject_is_adult` is settled when the texts are compiled, once for a child's path
        and once for an adult's: None if the item never applies on this path."""
        out = []
        for key, values in match:
            if key == "subject_is_adult":
                if adult not in values:
                    return None
            else:
                out.append((key, values))
        return tuple(out)

    def entries(
        self,
        name: str,
        specs: list[ItemSpec],
        outcome: str,
        questions: dict[str, Question],
        adult: bool,
    ) -> list[tuple[Match, Item]]:
        """The items for this outcome on this path, in the file's order, with when they apply."""
        out: list[tuple[Match, Item]] = []
        for i, s in enumerate(specs):
            where = f"{name}[{i}]"
            if outcome not in self.selectors(s.when.outcomes if s.when else None):
                continue
            match = self.resolve(self.match(s.when, where, questions), adult)
            if match is not None:
                out.append((match, Item(s.text, self.citation(s.cite, f"{where}.cite"))))
        return out

    def items(
        self,
        name: str,
        specs: list[ItemSpec],
        outcome: str,
        questions: dict[str, Question],
        adult: bool,
    ) -> tuple[tuple[Item, ...], tuple[tuple[Match, Item], ...]]:
        found = self.entries(name, specs, outcome, questions, adult)
        static = tuple(i for m, i in found if not m)
        return static, tuple((m, i) for m, i in found if m)

    def outcome_texts(
        self, outcome: str, questions: dict[str, Question], adult: bool = False
    ) -> OutcomeTexts:
        spec = self.spec
        o = spec.outcomes[outcome]  # type: ignore[index]
        warnings: list[WarningNote] = []
        warnings_if: list[tuple[Match, WarningNote]] = []
        for i, w in enumerate(spec.warnings):
            where = f"warnings[{i}]"
            if outcome not in self.selectors(w.when.outcomes if w.when else None):
                continue
            note = WarningNote(w.code, w.text, self.citation(w.cite, f"{where}.cite"))
            match = self.resolve(self.match(w.when, where, questions), adult)
            if match is None:
                continue
            if match:
                warnings_if.append((match, note))
            else:
                warnings.append(note)
        how, how_if = self.items("how_to_share", spec.how_to_share, outcome, questions, adult)
        rec, rec_if = self.items("must_record", spec.must_record, outcome, questions, adult)
        # Principles keep the file's order, conditional or not.
        found = self.entries("principles", spec.principles, outcome, questions, adult)
        principles: tuple[Item, ...] = ()
        principles_if: tuple[tuple[Match, Item], ...] = ()
        if any(match for match, _item in found):
            principles_if = tuple(found)
        else:
            principles = tuple(i for _m, i in found)
        tell_static, tell_if = self.items(
            "tell_subject", spec.tell_subject, outcome, questions, adult
        )
        # The first matching entry wins, so a static entry ends the list.
        tell = tuple(tell_if) + tuple(((), t) for t in tell_static[:1])
        summary = Reason(o.summary, self.citation(o.cite, f"outcomes.{outcome}.cite"))
        if adult and o.adult_summary:
            cite = o.adult_cite or o.cite
            summary = Reason(o.adult_summary, self.citation(cite, f"outcomes.{outcome}.adult_cite"))
        return OutcomeTexts(
            title=o.title or OUTCOME_TITLES[outcome],
            summary=summary,
            warnings=tuple(warnings),
            warnings_if=tuple(warnings_if),
            how_to_share=how,
            how_to_share_if=how_if,
            must_record=rec,
            must_record_if=rec_if,
            principles=principles,
            principles_if=principles_if,
            tell_subject=tell,
        )

    # Answers -----------------------------------------------------------------------------

    def validators(self, questions: dict[str, Question]) -> dict[str, Validator]:
        bases = self.cat.bases
        question_ids = frozenset(questions)

        def yes_no(key: str) -> Validator:
            def check(value: object) -> object:
                if value is True or value is False:
                    return value
                raise AnswerError(key, f"expected true or false, got {value!r}")

            return check

        def choice(key: str, values: frozenset[str]) -> Validator:
            allowed = ", ".join(sorted(values))

            def check(value: object) -> object:
                if isinstance(value, str) and value in values:
                    return value
                raise AnswerError(key, f"expected one of {allowed}, got {value!r}")

            return check

        ids = frozenset(bases)

        def lawful_bases(value: object) -> object:
            if isinstance(value, list | tuple):
                try:
                    known = ids.issuperset(value)
                except TypeError:  # an unhashable item: the slow path names it
                    known = False
                if known:
                    return tuple(dict.fromkeys(value))
            if not isinstance(value, list | tuple):
                raise AnswerError(
                    "lawful_bases", f"expected a list of lawful basis ids, got {value!r}"
                )
            seen: dict[str, None] = {}
            for v in value:
                if not isinstance(v, str):
                    raise AnswerError("lawful_bases", f"expected a lawful basis id, got {v!r}")
                if v not in bases:
                    raise AnswerError("lawful_bases", f"unknown lawful basis id {v!r}")
                seen[v] = None
            return tuple(seen)

        def unsure_at(value: object) -> object:
            if isinstance(value, str) and value in question_ids:
                return value
            raise AnswerError("unsure_at", f"expected a question id, got {value!r}")

        out: dict[str, Validator] = {"unsure": yes_no("unsure"), "unsure_at": unsure_at}
        for key in CONTEXT_DEFAULTS:
            out[key] = yes_no(key)
        for qid, q in questions.items():
            if q.kind == "yes_no":
                out[qid] = yes_no(qid)
            elif q.kind == "choice":
                out[qid] = choice(qid, frozenset(o.value for o in q.options))
            else:
                out[qid] = lawful_bases
        return out


def _reach(questions: dict[str, Question], start: str, avoid: str | None) -> set[str]:
    """Question ids and `outcome:<name>` nodes reachable from start without entering avoid."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node in seen or node == avoid:
            continue
        seen.add(node)
        if node.startswith("outcome:"):
            continue
        for r in questions[node].routes.values():
            stack.append(f"outcome:{r.outcome}" if r.outcome else str(r.next))
    return seen
