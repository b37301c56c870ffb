from typing import Any

from django.urls import reverse

from safeshare.decisions import actions
from safeshare.decisions.models import Decision
from tests.access import Rule, World
from tests.factories.decisions import ConsentWithdrawalFactory, DecisionFactory

# An IG lead can read case records but does not record decisions (docs/permissions.md).
CANNOT_RECORD = {"ig_lead": 403}


def extra(world: World) -> dict[str, Any]:
    item = actions.save_item(
        actor=world.decision.started_by,
        decision=world.decision,
        values={
            "text": "Lily was late",
            "nature": "fact",
            "currency": "current",
            "source": "Register",
        },
    )
    return {"item": item}


def _consented(w: World) -> Decision:
    """A finalised decision that relied on consent, made when a rule first needs it (most
    rules do not, and finalising is the slow part of the matrix)."""
    if "consented" not in w.extra:
        w.extra["consented"] = DecisionFactory.create(
            started_by=w.decision.started_by,
            subject=w.person,
            share_with_consent=True,
            finalised=True,
        )
    return w.extra["consented"]  # type: ignore[no-any-return]


def _withdrawn(w: World) -> Decision:
    decision = _consented(w)
    if decision.withdrawal is None:
        ConsentWithdrawalFactory.create(
            decision=decision,
            next_steps="Sharing stops; the recipient has been asked to delete what was sent.",
        )
        decision = Decision.objects.get(pk=decision.pk)
        w.extra["consented"] = decision
    return decision


def _awaiting(w: World) -> Decision:
    """A share without consent finalised by the practitioner, waiting for sign-off."""
    if "awaiting" not in w.extra:
        w.extra["awaiting"] = DecisionFactory.create(
            started_by=w.decision.started_by, subject=w.person, awaiting_sign_off=True
        )
    return w.extra["awaiting"]  # type: ignore[no-any-return]


def _urgent(w: World) -> Decision:
    """An urgent share, final at once, with its review after the event to come."""
    if "urgent" not in w.extra:
        w.extra["urgent"] = DecisionFactory.create(
            started_by=w.decision.started_by, subject=w.person, share_urgently=True, finalised=True
        )
    return w.extra["urgent"]  # type: ignore[no-any-return]


# Sign-off and reviews are managers' work: every other role is refused.
MANAGERS_ONLY = {"manager": 200, "ig_lead": 403}


def _on(name: str, decision: Any):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"decisions:{name}", args=[decision(w).pk])


def _url(name: str, *extra: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(f"decisions:{name}", args=[w.decision.pk, *extra])


RULES = {
    "decisions:index": [Rule("get", lambda w: reverse("decisions:index"), 200, 200)],
    "decisions:sign_off_queue": [
        Rule("get", lambda w: reverse("decisions:sign_off_queue"), 403, 403, roles=MANAGERS_ONLY)
    ],
    "decisions:reviews": [
        Rule("get", lambda w: reverse("decisions:reviews"), 403, 403, roles=MANAGERS_ONLY)
    ],
    "decisions:sign_off": [
        Rule("get", _on("sign_off", _awaiting), 403, 403, roles=MANAGERS_ONLY),
        # No button pressed: the page again, and nothing is signed off or returned.
        Rule("post", _on("sign_off", _awaiting), 403, 403, roles=MANAGERS_ONLY),
    ],
    "decisions:review": [
        Rule("get", _on("review", _urgent), 403, 403, roles=MANAGERS_ONLY),
        # An empty review is answered with its error, and nothing is recorded.
        Rule("post", _on("review", _urgent), 403, 403, roles=MANAGERS_ONLY),
    ],
    "decisions:start": [
        Rule(
            "post",
            lambda w: reverse("decisions:start", args=[w.person.pk]),
            302,
            404,
            roles=CANNOT_RECORD,
        )
    ],
    # A draft: its record page sends its own organisation to the task list.
    "decisions:show": [Rule("get", _url("show"), 302, 404)],
    "decisions:print": [Rule("get", _url("print"), 404, 404)],
    "decisions:amend": [Rule("post", _url("amend"), 302, 404, roles=CANNOT_RECORD)],
    "decisions:reconsider": [Rule("get", _url("reconsider"), 404, 404)],
    "decisions:tasks": [Rule("get", _url("tasks"), 200, 404)],
    "decisions:people": [
        Rule("get", _url("people"), 200, 404),
        Rule("post", _url("people"), 200, 404, roles=CANNOT_RECORD),
    ],
    "decisions:section": [
        Rule("get", _url("section", "about"), 200, 404),
        Rule("post", _url("section", "about"), 200, 404, roles=CANNOT_RECORD),
        Rule("get", _url("section", "principles"), 200, 404),
    ],
    "decisions:question": [
        Rule("get", _url("question", "immediate_risk"), 200, 404),
        Rule("post", _url("question", "immediate_risk"), 200, 404, roles=CANNOT_RECORD),
    ],
    "decisions:outcome": [Rule("get", _url("outcome"), 302, 404)],
    "decisions:items": [Rule("get", _url("items"), 200, 404)],
    "decisions:item_new": [
        Rule("get", _url("item_new"), 200, 404),
        Rule("post", _url("item_new"), 200, 404, roles=CANNOT_RECORD),
    ],
    "decisions:item": [
        Rule(
            "get",
            lambda w: reverse("decisions:item", args=[w.decision.pk, w.extra["item"].pk]),
            200,
            404,
        )
    ],
    "decisions:item_remove": [
        Rule(
            "post",
            lambda w: reverse("decisions:item_remove", args=[w.decision.pk, w.extra["item"].pk]),
            302,
            404,
            roles=CANNOT_RECORD,
        )
    ],
    "decisions:check": [
        Rule("get", _url("check"), 200, 404),
        Rule("post", _url("check"), 200, 404, roles=CANNOT_RECORD),
    ],
    # Consent withdrawn: any case role of the organisation records it (the IG lead too);
    # a draft, or a decision without consent given, has no consent to withdraw (404).
    "decisions:withdraw_consent": [
        Rule("get", _on("withdraw_consent", _consented), 200, 404),
        Rule("post", _on("withdraw_consent", _consented), 200, 404),
        Rule("get", _url("withdraw_consent"), 404, 404),
        # Already recorded: refused, with the reason.
        Rule("get", _on("withdraw_consent", _withdrawn), 409, 404),
    ],
    # Nothing answered yet in this session: back to the questions.
    "decisions:withdraw_consent_check": [
        Rule("get", _on("withdraw_consent_check", _consented), 302, 404),
        Rule("post", _on("withdraw_consent_check", _consented), 302, 404),
    ],
    "decisions:consent_withdrawn": [
        Rule("get", _on("consent_withdrawn", _withdrawn), 200, 404),
        Rule("get", _on("consent_withdrawn", _consented), 404, 404),
    ],
    # Only the person who started a draft may discard it.
    "decisions:discard": [
        Rule("post", _url("discard"), 302, 404, roles={"manager": 403, "ig_lead": 403})
    ],
}
