from django.urls import reverse

from tests.access import Rule

NO_CASE_ROLE = {"auditor": 403, "administrator": 403}

RULES = {
    "subjects:search": [
        Rule("get", lambda w: reverse("subjects:search"), 200, 200, roles=NO_CASE_ROLE)
    ],
    # Adding people is for those who record decisions; an IG lead advises and audits.
    "subjects:new": [
        Rule(
            "get",
            lambda w: reverse("subjects:new"),
            200,
            200,
            roles={**NO_CASE_ROLE, "ig_lead": 403},
        )
    ],
    "subjects:show": [
        Rule("get", lambda w: reverse("subjects:show", args=[w.person.pk]), 200, 404)
    ],
}
