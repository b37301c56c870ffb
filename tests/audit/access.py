from django.urls import reverse

from tests.access import Rule

# Only the owning organisation's information governance lead; the person page answers 404
# outside the organisation's case roles, so its existence is not revealed.
RULES = {
    "audit:report": [
        Rule("get", lambda w: reverse("audit:report"), 403, 403, roles={"ig_lead": 200}),
        Rule(
            "get",
            lambda w: reverse("audit:report"),
            403,
            403,
            roles={"ig_lead": 200},
            data=lambda w: {"date_from_0": "1", "date_from_1": "1", "date_from_2": "2020"},
        ),
    ],
    "audit:person_views": [
        Rule(
            "get",
            lambda w: reverse("audit:person_views", args=[w.person.pk]),
            403,
            404,
            roles={"ig_lead": 200},
        )
    ],
}
