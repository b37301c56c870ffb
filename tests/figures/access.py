from django.urls import reverse

from tests.access import Rule

# The auditor (the whole partnership), and an IG lead or manager (their own organisation's):
# no one else, outsiders included. The figures show no person, so nothing is a 404.
FIGURES = {"manager": 200, "ig_lead": 200, "auditor": 200}

RULES = {
    "figures:index": [
        Rule("get", lambda w: reverse("figures:index"), 403, 403, roles=FIGURES),
        Rule(
            "get",
            lambda w: reverse("figures:index"),
            403,
            403,
            roles=FIGURES,
            data=lambda w: {"date_from_0": "1", "date_from_1": "1", "date_from_2": "2026"},
        ),
    ],
    "figures:csv": [
        Rule("get", lambda w: reverse("figures:csv", args=["outcome"]), 403, 403, roles=FIGURES),
        Rule("get", lambda w: reverse("figures:csv", args=["month"]), 403, 403, roles=FIGURES),
    ],
}
