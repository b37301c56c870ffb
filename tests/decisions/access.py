from django.urls import reverse

from tests.access import Rule

RULES = {
    "decisions:index": [Rule("get", lambda w: reverse("decisions:index"), 200, 200)],
    "decisions:start": [
        Rule("post", lambda w: reverse("decisions:start", args=[w.person.pk]), 302, 404)
    ],
    "decisions:show": [
        Rule("get", lambda w: reverse("decisions:show", args=[w.decision.pk]), 302, 404)
    ],
    "decisions:purpose": [
        Rule("get", lambda w: reverse("decisions:purpose", args=[w.decision.pk]), 200, 404),
        Rule("post", lambda w: reverse("decisions:purpose", args=[w.decision.pk]), 200, 404),
    ],
    "decisions:question": [
        Rule(
            "get",
            lambda w: reverse("decisions:question", args=[w.decision.pk, "immediate_risk"]),
            200,
            404,
        ),
        Rule(
            "post",
            lambda w: reverse("decisions:question", args=[w.decision.pk, "immediate_risk"]),
            200,
            404,
        ),
    ],
    "decisions:check": [
        Rule("get", lambda w: reverse("decisions:check", args=[w.decision.pk]), 302, 404)
    ],
}
