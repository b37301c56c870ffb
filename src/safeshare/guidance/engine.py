"""Load policy files and evaluate a practitioner's answers against them.

The flow (questions, their order, where each answer leads, and all wording) is data in a
policy file. What is code here is what must hold for every policy, whoever wrote it:

* a child at immediate risk of significant harm wins over any other answer (checked first
  at evaluation, and a file must also ask `immediate_risk` first);
* an `unsure` answer leads to `seek_advice` unless there is immediate risk;
* the lawful-basis rules (an Article 6 basis that can work without consent, an Article 9
  condition for special category data, ...) read the catalogue, never the policy;
* validation refuses a file that opens a route to sharing the guidance does not allow.

Everything that depends only on the file is worked out once at load time, so that
`evaluate` is a short walk over dictionaries (see bench/bench_guidance.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import ValidationError

from .catalogue import NONE_VALUE, Catalogue, Citation, catalogue
from .schema import (
    ItemSpec,
    OutcomeSelector,
    PolicyError,
    PolicySpec,
    Problem,
    QuestionSpec,
    RouteSpec,
    WhenSpec,
    problems_from,
    read_yaml,
)

OUTCOMES: tuple[str, ...] = (
    "share_urgently",
    "share",
    "share_with_consent",
    "share_without_consent",
    "do_not_share",
    "seek_advice",
    "incomplete",
)
OUTCOME_TITLES: dict[str, str] = {
    "share_urgently": "Share urgently",
    "share": "Share",
    "share_with_consent": "Share with consent",
    "share_without_consent": "Share without consent",
    "do_not_share": "Do not share",
    "seek_advice": "Seek advice",
    "incomplete": "More answers needed",
}
SHARING_OUTCOMES = frozenset(
    {"share_urgently", "share", "share_with_consent", "share_without_consent"}
)
DECIDED_OUTCOMES = frozenset(OUTCOMES) - {"incomplete"}

DEFAULT_POLICY_ID = "hmg-2024"
SHIPPED_POLICY_DIR = Path(__file__).with_name("policies")
POLICY_DIRS_ENV = "SAFESHARE_POLICY_DIRS"

# The form value of the "I'm not sure" choice that a question may offer.
UNSURE_VALUE = "unsure"

YES_NO = ("yes", "no")
# The answer keys every policy has, with the kind and option values they must offer, so
# that the command-line contract and the engine's rules mean the same in every file.
STANDARD_QUESTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "immediate_risk": ("yes_no", YES_NO),
    "legitimate_purpose": ("choice", ("yes", "no", "unsure")),
    "identifiable": ("yes_no", YES_NO),
    "consent": ("choice", ("given", "refused", "not_sought", "not_appropriate", "withdrawn")),
    "special_category": ("yes_no", YES_NO),
    "lawful_bases": ("bases", ()),
}
# Keys that are not questions: `unsure` (the practitioner is not sure) and `unsure_at`
# (the question they were not sure about, so that answering it clears the flag).
FLAG_KEYS = ("unsure", "unsure_at")

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
REFUSED_CONSENT = frozenset({"refused", "withdrawn"})


# --- What a policy is made of -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    hint: str | None = None


class Reason(NamedTuple):
    text: str
    citation: Citation


class Item(NamedTuple):
    """A line of guidance: a how-to-share step, something to record, what to tell the subject."""

    text: str
    citation: Citation


class WarningNote(NamedTuple):
    code: str
    text: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class Route:
    outcome: str | None
    next: str | None
    reason: Reason | None


@dataclass(frozen=True, slots=True, eq=False)
class Question:
    id: str
    text: str
    hint: str | None
    kind: Literal["yes_no", "choice", "bases"]
    options: tuple[Option, ...]
    unsure_label: str | None
    citation: Citation
    error: str
    # Keyed by the typed answer (bool for yes_no, str for choice, "valid"/"invalid" for bases).
    routes: Mapping[object, Route] = field(repr=False)
    labels: Mapping[object, str] = field(repr=False)
    standard: bool = True

    def label_for(self, answer: object) -> str:
        if self.kind == "bases" and isinstance(answer, tuple | list):
            if not answer:
                return "None of these"
            return "; ".join(self.labels.get(a, str(a)) for a in answer)
        return self.labels.get(answer, str(answer))


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    notes: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "role": self.role,
            "phone": self.phone,
            "email": self.email,
            "url": self.url,
            "notes": self.notes,
        }


class PolicyRef(NamedTuple):
    id: str
    version: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


_Match = tuple[tuple[str, frozenset[object]], ...]


@dataclass(frozen=True, slots=True)
class _OutcomeTexts:
    """Everything about one outcome that can be worked out from the file alone."""

    title: str
    summary: Reason
    warnings: tuple[WarningNote, ...]
    warnings_if: tuple[tuple[_Match, WarningNote], ...]
    how_to_share: tuple[Item, ...]
    how_to_share_if: tuple[tuple[_Match, Item], ...]
    must_record: tuple[Item, ...]
    must_record_if: tuple[tuple[_Match, Item], ...]
    principles: tuple[Item, ...]
    tell_subject: tuple[tuple[_Match, Item], ...]


_Validator = Callable[[object], object]


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    id: str
    version: str
    title: str
    description: str | None
    source_title: str
    source_edition: str
    date: dt.date
    source_url: str | None
    sha256: str
    path: str
    questions: dict[str, Question]
    contacts: tuple[Contact, ...]
    answer_keys: frozenset[str]
    citations: dict[str, Citation] = field(repr=False)
    first: Question = field(repr=False)
    _outcomes: dict[str, _OutcomeTexts] = field(repr=False)
    _validators: dict[str, _Validator] = field(repr=False)
    _catalogue: Catalogue = field(repr=False)

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(self.id, self.version, self.sha256)

    @property
    def version_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))

    def outcome_title(self, outcome: str) -> str:
        texts = self._outcomes.get(outcome)
        return texts.title if texts else OUTCOME_TITLES[outcome]

    def outcome_summary(self, outcome: str) -> Reason | None:
        texts = self._outcomes.get(outcome)
        return texts.summary if texts else None


# --- Results ------------------------------------------------------------------------------


class Step(NamedTuple):
    question_id: str
    answer: object
    answer_label: str
    citation: Citation


class BasisCheck(NamedTuple):
    id: str
    title: str
    family: str
    accepted: bool
    note: str


class AnswerError(ValueError):
    """An answer that the policy does not accept; `key` names the answer key or question."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


class Evaluation(NamedTuple):
    # A NamedTuple rather than a frozen dataclass: just as immutable, and builds in a third
    # of the time, which matters at the benchmark's 100,000 evaluations a second.
    outcome: str
    outcome_title: str
    next_question: Question | None
    path: tuple[Step, ...]
    reasons: tuple[Reason, ...]
    warnings: tuple[WarningNote, ...]
    lawful_bases: tuple[BasisCheck, ...]
    how_to_share: tuple[Item, ...]
    tell_subject: Item | None
    must_record: tuple[Item, ...]
    principles: tuple[Item, ...]
    contacts: tuple[Contact, ...]
    policy: PolicyRef

    def to_json(self) -> dict[str, Any]:
        """The command-line output: plain JSON types only; dump it with sort_keys=True."""

        def item(i: Item | Reason) -> dict[str, Any]:
            return {"text": i.text, "citation": i.citation.to_json()}

        return {
            "outcome": self.outcome,
            "outcome_title": self.outcome_title,
            "next_question": self.next_question.id if self.next_question else None,
            "path": [
                {
                    "question": s.question_id,
                    "answer": list(s.answer) if isinstance(s.answer, tuple) else s.answer,
                    "answer_label": s.answer_label,
                    "citation": s.citation.to_json(),
                }
                for s in self.path
            ],
            "reasons": [item(r) for r in self.reasons],
            "warnings": [
                {"code": w.code, "text": w.text, "citation": w.citation.to_json()}
                for w in self.warnings
            ],
            "lawful_bases": [b._asdict() for b in self.lawful_bases],
            "how_to_share": [item(i) for i in self.how_to_share],
            "tell_subject": item(self.tell_subject) if self.tell_subject else None,
            "must_record": [item(i) for i in self.must_record],
            "principles": [item(i) for i in self.principles],
            "contacts": [c.to_json() for c in self.contacts],
            "policy": self.policy.to_json(),
        }


# --- Compiling a policy file --------------------------------------------------------------


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


def load_policy_file(path: Path | str) -> Policy:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    return parse_policy(data, str(path))


def check_policy_file(path: Path | str) -> list[Problem]:
    """Every problem with a policy file, including a clash with a shipped policy."""
    try:
        policy = load_policy_file(path)
    except PolicyError as exc:
        return list(exc.problems) or [Problem(location="", message=str(exc))]
    shipped_dir = SHIPPED_POLICY_DIR.resolve()
    if Path(path).resolve().parent != shipped_dir:
        for shipped in _available(()):
            if (shipped.id, shipped.version) == (policy.id, policy.version):
                return [
                    Problem(
                        location="version",
                        message=f"{policy.id} version {policy.version} is already shipped; "
                        "use your own id or a new version",
                    )
                ]
    return []


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
        self.check_flow(questions)
        answer_keys = frozenset(questions) | frozenset(FLAG_KEYS)
        for outcome in OUTCOMES:
            if outcome != "incomplete" and outcome not in spec.outcomes:
                self.problem(f"outcomes.{outcome}", "missing: every outcome needs its wording")
        outcomes: dict[str, _OutcomeTexts] = {
            name: self.outcome_texts(name, questions) for name in OUTCOMES if name in spec.outcomes
        }
        if self.problems:
            raise PolicyError("the policy is not valid", self.problems, self.path)
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
            _outcomes=outcomes,
            _validators=self.validators(questions),
            _catalogue=self.cat,
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
            standard = STANDARD_QUESTIONS.get(q.id)
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

    def match(self, when: WhenSpec | None, where: str, questions: dict[str, Question]) -> _Match:
        if when is None or not when.answers:
            return ()
        out = []
        for key, values in when.answers.items():
            q = questions.get(key)
            if key == "unsure":
                allowed: dict[object, object] = {True: True, False: False}
            elif q is None or q.kind == "bases":
                self.problem(f"{where}.when.answers.{key}", "only question answers and unsure")
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
                    and (key == "unsure" or (q is not None and q.kind == "yes_no"))
                ):
                    value = v == "yes"
                if value not in allowed or type(value) is not type(next(iter(allowed))):
                    self.problem(f"{where}.when.answers.{key}", f"{v!r} is not an answer to {key}")
                typed.add(value)
            out.append((key, frozenset(typed)))
        return tuple(out)

    def items(
        self, name: str, specs: list[ItemSpec], outcome: str, questions: dict[str, Question]
    ) -> tuple[tuple[Item, ...], tuple[tuple[_Match, Item], ...]]:
        static: list[Item] = []
        conditional: list[tuple[_Match, Item]] = []
        for i, s in enumerate(specs):
            where = f"{name}[{i}]"
            if outcome not in self.selectors(s.when.outcomes if s.when else None):
                continue
            match = self.match(s.when, where, questions)
            entry = Item(s.text, self.citation(s.cite, f"{where}.cite"))
            if match:
                conditional.append((match, entry))
            else:
                static.append(entry)
        return tuple(static), tuple(conditional)

    def outcome_texts(self, outcome: str, questions: dict[str, Question]) -> _OutcomeTexts:
        spec = self.spec
        o = spec.outcomes[outcome]  # type: ignore[index]
        warnings: list[WarningNote] = []
        warnings_if: list[tuple[_Match, WarningNote]] = []
        for i, w in enumerate(spec.warnings):
            where = f"warnings[{i}]"
            if outcome not in self.selectors(w.when.outcomes if w.when else None):
                continue
            note = WarningNote(w.code, w.text, self.citation(w.cite, f"{where}.cite"))
            match = self.match(w.when, where, questions)
            if match:
                warnings_if.append((match, note))
            else:
                warnings.append(note)
        how, how_if = self.items("how_to_share", spec.how_to_share, outcome, questions)
        rec, rec_if = self.items("must_record", spec.must_record, outcome, questions)
        principles, _ = self.items("principles", spec.principles, outcome, questions)
        tell_static, tell_if = self.items("tell_subject", spec.tell_subject, outcome, questions)
        # The first matching entry wins, so a static entry ends the list.
        tell = tuple(tell_if) + tuple(((), t) for t in tell_static[:1])
        return _OutcomeTexts(
            title=o.title or OUTCOME_TITLES[outcome],
            summary=Reason(o.summary, self.citation(o.cite, f"outcomes.{outcome}.cite")),
            warnings=tuple(warnings),
            warnings_if=tuple(warnings_if),
            how_to_share=how,
            how_to_share_if=how_if,
            must_record=rec,
            must_record_if=rec_if,
            principles=principles,
            tell_subject=tell,
        )

    # Answers -----------------------------------------------------------------------------

    def validators(self, questions: dict[str, Question]) -> dict[str, _Validator]:
        bases = self.cat.bases
        question_ids = frozenset(questions)

        def yes_no(key: str) -> _Validator:
            def check(value: object) -> object:
                if value is True or value is False:
                    return value
                raise AnswerError(key, f"expected true or false, got {value!r}")

            return check

        def choice(key: str, values: frozenset[str]) -> _Validator:
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

        out: dict[str, _Validator] = {"unsure": yes_no("unsure"), "unsure_at": unsure_at}
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


# --- Finding policies ---------------------------------------------------------------------


def _policy_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


@lru_cache(maxsize=16)
def _available(extra_dirs: tuple[str, ...]) -> tuple[Policy, ...]:
    shipped = [load_policy_file(p) for p in _policy_files(SHIPPED_POLICY_DIR)]
    seen = {(p.id, p.version): p.path for p in shipped}
    extra: list[Policy] = []
    for directory in extra_dirs:
        d = Path(directory)
        if not d.is_dir():
            raise PolicyError("not a directory", path=directory)
        for path in _policy_files(d):
            policy = load_policy_file(path)
            key = (policy.id, policy.version)
            if key in seen:
                raise PolicyError(
                    f"{policy.id} version {policy.version} is already defined in {seen[key]}",
                    [Problem(location="version", message="use your own id or a new version")],
                    str(path),
                )
            seen[key] = policy.path
            extra.append(policy)
    return tuple(sorted(shipped, key=lambda p: (p.id, p.version_key)) + extra)


def _dirs_key(extra_dirs: Iterable[Path | str]) -> tuple[str, ...]:
    return tuple(str(Path(d)) for d in extra_dirs)


def available_policies(extra_dirs: Sequence[Path | str] = ()) -> list[Policy]:
    """The shipped policies and those in the partnership directories, parsed once."""
    return list(_available(_dirs_key(extra_dirs)))


@lru_cache(maxsize=64)
def _load(policy_id: str, version: str | None, extra_dirs: tuple[str, ...]) -> Policy:
    matches = [
        p
        for p in _available(extra_dirs)
        if p.id == policy_id and (version is None or p.version == version)
    ]
    if not matches:
        wanted = policy_id if version is None else f"{policy_id} version {version}"
        raise PolicyError(f"unknown policy {wanted!r}")
    return max(matches, key=lambda p: p.version_key)


def load_policy(
    policy_id: str | None = None,
    *,
    version: str | None = None,
    extra_dirs: Sequence[Path | str] = (),
) -> Policy:
    """The newest version of a policy (or the given version, to re-read an old decision)."""
    return _load(policy_id or DEFAULT_POLICY_ID, version, _dirs_key(extra_dirs))


def policy_dirs_from_env(environ: Mapping[str, str] = os.environ) -> list[Path]:
    return [Path(p) for p in environ.get(POLICY_DIRS_ENV, "").split(os.pathsep) if p]


def clear_caches() -> None:
    """Forget parsed policies, for example after an administrator edits a file."""
    _load.cache_clear()
    _available.cache_clear()
    catalogue.cache_clear()


# --- Evaluation ---------------------------------------------------------------------------

_MISSING = object()


def normalise_answers(policy: Policy, answers: Mapping[str, object]) -> dict[str, object]:
    """Check keys and types; drop unanswered (None) keys; lawful_bases becomes a tuple."""
    if not isinstance(answers, Mapping):
        raise AnswerError("answers", "expected an object of answers")
    validators = policy._validators
    out: dict[str, object] = {}
    for key, value in answers.items():
        check = validators.get(key)
        if check is None:
            raise AnswerError(str(key), f"unknown answer key {key!r}")
        if value is not None:
            out[key] = check(value)
    return out


def evaluate(policy: Policy, answers: Mapping[str, object]) -> Evaluation:
    """The next question or the outcome for these answers, with everything that explains it."""
    a = normalise_answers(policy, answers)
    questions = policy.questions

    if a.get("immediate_risk") is True:
        # Whatever else was answered, and wherever a file puts the question.
        q = questions["immediate_risk"]
        route = q.routes[True]
        step = Step(q.id, True, q.labels[True], q.citation)
        return _finish(policy, a, "share_urgently", (step,), [route.reason], None, None)

    unsure = a.get("unsure") is True
    unsure_at = a.get("unsure_at") if unsure else None
    steps: list[Step] = []
    reasons: list[Reason | None] = []
    bases_result: _BasesResult | None = None
    q = policy.first
    while True:
        if q.id == unsure_at:
            steps.append(Step(q.id, UNSURE_VALUE, q.unsure_label or "Not sure", q.citation))
            return _finish(policy, a, "seek_advice", tuple(steps), reasons, None, None)
        value = a.get(q.id, _MISSING)
        if value is _MISSING:
            if unsure:
                # The practitioner was unsure and the flow has not reached a decision.
                return _finish(policy, a, "seek_advice", tuple(steps), reasons, None, None)
            return _finish(policy, a, "incomplete", tuple(steps), reasons, q, None)
        if q.kind == "bases":
            assert isinstance(value, tuple)  # normalise_answers made it one
            bases_result = _check_bases(policy._catalogue, value, a)
            route = q.routes["valid" if bases_result.valid else "invalid"]
        else:
            route = q.routes[value]
        label = q.labels.get(value) if q.kind != "bases" else None
        steps.append(Step(q.id, value, label or q.label_for(value), q.citation))
        reasons.append(route.reason)
        if route.outcome is not None:
            # An `unsure` given without naming a question stands wherever the flow ends;
            # one tied to a question the answers no longer reach is stale.
            outcome = "seek_advice" if unsure and unsure_at is None else route.outcome
            return _finish(policy, a, outcome, tuple(steps), reasons, None, bases_result)
        q = questions[route.next]  # type: ignore[index]


def _matches(match: _Match, a: Mapping[str, object]) -> bool:
    return all(a.get(key, _MISSING) in values for key, values in match)


def _finish(
    policy: Policy,
    a: Mapping[str, object],
    outcome: str,
    path: tuple[Step, ...],
    route_reasons: list[Reason | None],
    next_question: Question | None,
    bases: _BasesResult | None,
) -> Evaluation:
    reasons = [r for r in route_reasons if r is not None]
    texts = policy._outcomes.get(outcome)
    if texts is None:  # incomplete: nothing to advise yet
        return Evaluation(
            outcome=outcome,
            outcome_title=OUTCOME_TITLES[outcome],
            next_question=next_question,
            path=path,
            reasons=tuple(reasons),
            warnings=(),
            lawful_bases=(),
            how_to_share=(),
            tell_subject=None,
            must_record=(),
            principles=(),
            contacts=(),
            policy=policy.ref,
        )
    reasons.append(texts.summary)
    warnings = texts.warnings
    if texts.warnings_if:
        warnings += tuple(w for m, w in texts.warnings_if if _matches(m, a))
    how = texts.how_to_share
    if texts.how_to_share_if:
        how += tuple(i for m, i in texts.how_to_share_if if _matches(m, a))
    record = texts.must_record
    if texts.must_record_if:
        record += tuple(i for m, i in texts.must_record_if if _matches(m, a))
    tell = next((i for m, i in texts.tell_subject if _matches(m, a)), None)
    checks: tuple[BasisCheck, ...] = ()
    if bases is not None:
        checks = bases.checks
        reasons.extend(bases.reasons)
        warnings += bases.warnings
        if outcome == "share_without_consent":
            record = bases.records + record
    return Evaluation(
        outcome=outcome,
        outcome_title=texts.title,
        next_question=None,
        path=path,
        reasons=tuple(reasons),
        warnings=warnings,
        lawful_bases=checks,
        how_to_share=how,
        tell_subject=tell,
        must_record=record,
        principles=texts.principles,
        contacts=policy.contacts if outcome == "seek_advice" else (),
        policy=policy.ref,
    )


class _BasesResult(NamedTuple):
    valid: bool
    checks: tuple[BasisCheck, ...]
    reasons: tuple[Reason, ...]
    warnings: tuple[WarningNote, ...]
    records: tuple[Item, ...]


def _check_bases(cat: Catalogue, ids: tuple[str, ...], a: Mapping[str, object]) -> _BasesResult:
    """Rule 5: the catalogue's fields, not the policy, decide whether the bases hold."""
    return _check_bases_cached(
        cat, ids, a.get("special_category") is True, a.get("consent") in REFUSED_CONSENT
    )


@lru_cache(maxsize=4096)
def _check_bases_cached(
    cat: Catalogue, ids: tuple[str, ...], special: bool, consent_refused: bool
) -> _BasesResult:
    # Cached because the answer sets a service sees repeat, and the result is immutable.
    selected = frozenset(ids)
    checks: list[BasisCheck] = []
    warnings: list[WarningNote] = []
    art6: list[str] = []
    art6_public_authority_unavailable: list[str] = []
    art9: list[str] = []
    gateways: list[str] = []
    confidentiality: list[str] = []
    conditions: list[Item] = []
    for basis_id in ids:
        b = cat.bases[basis_id]
        if b.consent_based and consent_refused:
            accepted, (note, _c) = False, cat.message("consent_refused", title=b.title)
        elif not b.without_consent:
            accepted, (note, _c) = False, cat.message("not_without_consent", title=b.title)
        elif b.requires_one_of and not selected.intersection(b.requires_one_of):
            required = ", ".join(cat.bases[r].title for r in b.requires_one_of)
            accepted, (note, _c) = (
                False,
                cat.message("needs_schedule_1", title=b.title, required=required),
            )
        elif b.requires_one_of:
            required = ", ".join(cat.bases[r].title for r in b.requires_one_of if r in selected)
            accepted, (note, _c) = (
                True,
                cat.message("accepted_with_condition", title=b.title, required=required),
            )
        else:
            accepted, (note, _c) = True, cat.message("accepted", title=b.title)
        checks.append(BasisCheck(b.id, b.title, b.family, accepted, note))
        if not accepted:
            continue
        if b.family == "uk-gdpr-art6":
            art6.append(b.title)
            if b.public_authority_unavailable:
                art6_public_authority_unavailable.append(b.title)
        elif b.family in ("uk-gdpr-art9", "dpa-2018-sch1"):
            art9.append(b.title)
        elif b.family == "statutory-gateway":
            gateways.append(b.title)
        elif b.family == "confidentiality":
            confidentiality.append(b.title)
        if b.conditions:
            text, citation = cat.message(
                "record_conditions", title=b.title, conditions=" ".join(b.conditions)
            )
            conditions.append(Item(text, citation))

    if art6 and art6 == art6_public_authority_unavailable:
        # Flagged only when legitimate interests is the sole Article 6 basis: with public
        # task or a legal obligation beside it, the share stands on those.
        text, citation = cat.message("legitimate_interests_public_authority")
        warnings.append(WarningNote("legitimate_interests_public_authority", text, citation))

    reasons: list[Reason] = []
    if not art6:
        reasons.append(Reason(*cat.message("art6_missing")))
    if special and not art9:
        reasons.append(Reason(*cat.message("art9_missing")))
    valid = not reasons
    records: list[Item] = []
    if valid:
        titles = art6 + art9 + gateways + confidentiality
        reasons.append(Reason(*cat.message("valid_without_consent", titles="; ".join(titles))))
        records.append(Item(*cat.message("record_art6", titles="; ".join(art6))))
        if special:
            records.append(Item(*cat.message("record_art9", titles="; ".join(art9))))
        records.extend(conditions)
        if gateways:
            records.append(Item(*cat.message("record_gateways", titles="; ".join(gateways))))
        if confidentiality:
            records.append(
                Item(*cat.message("record_confidentiality", titles="; ".join(confidentiality)))
            )
        else:
            text, citation = cat.message("no_confidentiality")
            warnings.append(WarningNote("no_confidentiality_justification", text, citation))
    return _BasesResult(valid, tuple(checks), tuple(reasons), tuple(warnings), tuple(records))


# --- Web forms ----------------------------------------------------------------------------


def apply_form_answer(
    policy: Policy,
    answers: Mapping[str, object],
    question_id: str,
    submitted: str | list[str],
) -> dict[str, object]:
    """A new answers dict with one question answered from raw form values.

    "yes"/"no" become booleans; a choice keeps its option value; lawful bases become a list
    of ids ("none" alone means none apply); the question's "I'm not sure" option sets
    `unsure` and `unsure_at`. Answers to later questions are kept: evaluate ignores the
    ones the path no longer reaches.
    """
    q = policy.questions.get(question_id)
    if q is None:
        raise AnswerError(question_id, "There is no such question in this guidance")
    values = submitted if isinstance(submitted, list) else [submitted]
    values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    new = dict(answers)

    if values == [UNSURE_VALUE] and q.unsure_label is not None:
        new.pop(q.id, None)
        new["unsure"] = True
        new["unsure_at"] = q.id
        return new

    answer: object
    if q.kind == "bases":
        if values == [NONE_VALUE]:
            answer = []
        elif not values or NONE_VALUE in values:
            raise AnswerError(q.id, q.error)
        else:
            unknown = [v for v in values if v not in policy._catalogue.bases]
            if unknown:
                raise AnswerError(q.id, q.error)
            answer = list(dict.fromkeys(values))
    else:
        if len(values) != 1:
            raise AnswerError(q.id, q.error)
        value = values[0]
        if q.kind == "yes_no":
            if value not in YES_NO:
                raise AnswerError(q.id, q.error)
            answer = value == "yes"
        else:
            if value not in {o.value for o in q.options}:
                raise AnswerError(q.id, q.error)
            answer = value

    new[q.id] = answer
    if new.get("unsure_at") == q.id:
        new.pop("unsure", None)
        new.pop("unsure_at", None)
    return new
