"""Evaluate a practitioner's answers against a compiled policy: pure, no I/O.

What is code here is what must hold for every policy, whoever wrote it:

* a child at immediate risk of significant harm wins over any other answer (checked first,
  wherever the file asks the question);
* an `unsure` answer leads to `seek_advice` unless there is immediate risk;
* the lawful-basis rules (an Article 6 basis that can work without consent, an Article 9
  condition for special category data, a Schedule 1 condition for criminal offence data,
  no (ea) or (f) for a public authority, no Article 9(2)(c) once consent was refused, ...)
  read the catalogue and the answers, never the policy;
* the facts in `model.CONTEXT_DEFAULTS` take their default when absent, and on an adult's
  path (`subject_is_adult`) the questions and texts are the file's adult wording.

The outcome is one of `model.OUTCOMES`, with the path, reasons, warnings and guidance that
explain it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from .catalogue import NONE_VALUE, Catalogue, Citation
from .model import (
    CONTEXT_DEFAULTS,
    OUTCOME_TITLES,
    UNSURE_VALUE,
    YES_NO,
    AnswerError,
    Contact,
    Item,
    Match,
    Policy,
    PolicyRef,
    Question,
    Reason,
    WarningNote,
)

REFUSED_CONSENT = frozenset({"refused", "withdrawn"})

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

    if a.get("subject_is_adult") is True:
        questions = policy.adult_questions
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
    q = questions[policy.first.id]
    while True:
        if q.id == unsure_at:
            steps.append(Step(q.id, UNSURE_VALUE, q.unsure_label or "Not sure", q.citation))
            return _finish(policy, a, "seek_advice", tuple(steps), reasons, None, None)
        value = a.get(q.id, _MISSING)
        if value is _MISSING and q.id in CONTEXT_DEFAULTS:
            # A fact asked as a question (criminal offence data): asked when the flow
            # reaches it, but a caller that answers later questions without it (one written
            # before the question existed) gets its default, false.
            order = list(questions)
            later = order[order.index(q.id) + 1 :]
            if any(k in a for k in later):
                # Not a step of the path: nobody answered it.
                skipped = q.routes[CONTEXT_DEFAULTS[q.id]]
                if skipped.outcome is None:
                    q = questions[skipped.next]  # type: ignore[index]
                    continue
                value = CONTEXT_DEFAULTS[q.id]
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


def _matches(match: Match, a: Mapping[str, object]) -> bool:
    # `subject_is_adult` is settled at compile time; the other facts take their default.
    return all(a.get(key, CONTEXT_DEFAULTS.get(key, _MISSING)) in values for key, values in match)


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
    adult = a.get("subject_is_adult") is True
    texts = (policy._adult_outcomes if adult else policy._outcomes).get(outcome)
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
    principles = texts.principles
    if texts.principles_if:
        principles += tuple(i for m, i in texts.principles_if if _matches(m, a))
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
        principles=principles,
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
        cat,
        ids,
        a.get("special_category") is True,
        a.get("consent") in REFUSED_CONSENT,
        a.get("public_authority", CONTEXT_DEFAULTS["public_authority"]) is True,
        a.get("subject_is_adult") is True,
        a.get("criminal_offence_data") is True,
    )


@lru_cache(maxsize=4096)
def _check_bases_cached(
    cat: Catalogue,
    ids: tuple[str, ...],
    special: bool,
    consent_refused: bool,
    public_authority: bool,
    adult: bool,
    criminal: bool,
) -> _BasesResult:
    # Cached because the answer sets a service sees repeat, and the result is immutable.
    selected = frozenset(ids)
    # Selecting the criminal offence data entry says the information is criminal offence data.
    criminal = criminal or any(cat.bases[i].family == "criminal-offence" for i in ids)
    checks: list[BasisCheck] = []
    warnings: list[WarningNote] = []
    art6: list[str] = []
    art6_public_authority_refused: list[str] = []
    art9: list[str] = []
    article10: list[str] = []
    policy_document: list[str] = []
    gateways: list[str] = []
    confidentiality: list[str] = []
    conditions: list[Item] = []
    for basis_id in ids:
        b = cat.bases[basis_id]
        if b.consent_based and consent_refused:
            accepted, (note, _c) = False, cat.message("consent_refused", title=b.title)
        elif b.requires_incapacity and consent_refused:
            # Art 9(2)(c): a person who could refuse or withdraw consent was capable of it.
            accepted, (note, _c) = False, cat.message("capable_of_consent", title=b.title)
        elif not b.without_consent:
            accepted, (note, _c) = False, cat.message("not_without_consent", title=b.title)
        elif b.public_authority_unavailable and public_authority:
            # Art 6(1), words after point (f): not (ea) or (f) for a public authority's tasks.
            accepted, (note, _c) = (
                False,
                cat.message("public_authority_unavailable", title=b.title),
            )
            art6_public_authority_refused.append(b.title)
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
        elif adult and b.adult_conditions:
            # Sch 1 para 18 for an adult: only an adult at risk (para 18(3)).
            accepted, (note, _c) = True, cat.message("accepted_for_adult", title=b.title)
        else:
            accepted, (note, _c) = True, cat.message("accepted", title=b.title)
        checks.append(BasisCheck(b.id, b.title, b.family, accepted, note))
        if not accepted:
            continue
        if b.family == "uk-gdpr-art6":
            art6.append(b.title)
        elif b.family in ("uk-gdpr-art9", "dpa-2018-sch1"):
            art9.append(b.title)
        elif b.family == "statutory-gateway":
            gateways.append(b.title)
        elif b.family == "confidentiality":
            confidentiality.append(b.title)
        if b.criminal_offence_condition:
            article10.append(b.title)
        if b.appropriate_policy_document:
            policy_document.append(b.title)
        wanted = b.adult_conditions if adult and b.adult_conditions else b.conditions
        if wanted:
            text, citation = cat.message(
                "record_conditions", title=b.title, conditions=" ".join(wanted)
            )
            conditions.append(Item(text, citation))

    reasons: list[Reason] = []
    if not art6:
        reasons.append(Reason(*cat.message("art6_missing")))
        if art6_public_authority_refused:
            reasons.append(Reason(*cat.message("public_authority_no_basis")))
    if special and not art9:
        reasons.append(Reason(*cat.message("art9_missing")))
    if criminal and not article10:
        # UK GDPR Art 10 and DPA 2018 s10(5): a Schedule 1 Part 1, 2 or 3 condition.
        reasons.append(Reason(*cat.message("article10_missing")))
    valid = not reasons
    records: list[Item] = []
    if valid:
        titles = art6 + art9 + gateways + confidentiality
        if criminal:
            titles += [t for t in article10 if t not in titles]
        reasons.append(Reason(*cat.message("valid_without_consent", titles="; ".join(titles))))
        records.append(Item(*cat.message("record_art6", titles="; ".join(art6))))
        if special:
            records.append(Item(*cat.message("record_art9", titles="; ".join(art9))))
        if criminal:
            records.append(Item(*cat.message("record_article10", titles="; ".join(article10))))
        records.extend(conditions)
        if policy_document:
            records.append(
                Item(
                    *cat.message(
                        "record_appropriate_policy_document", titles="; ".join(policy_document)
                    )
                )
            )
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
