from django.urls import reverse

from tests.access import Rule

# Administrators only, as the directory's import and export: every other role gets 403.
ADMIN_ONLY = {"administrator": 200}

RULES = {
    "policies:index": [
        Rule("get", lambda w: reverse("policies:index"), 403, 403, roles=ADMIN_ONLY)
    ],
    "policies:activate": [
        Rule(
            "get",
            lambda w: reverse("policies:activate", args=["hmg-2018", "3"]),
            403,
            403,
            roles=ADMIN_ONLY,
        ),
        # An empty reason is answered with the error, and nothing is activated.
        Rule(
            "post",
            lambda w: reverse("policies:activate", args=["hmg-2018", "3"]),
            403,
            403,
            roles=ADMIN_ONLY,
        ),
        Rule(
            "get",
            lambda w: reverse("policies:activate", args=["no-such-policy", "1"]),
            403,
            403,
            roles={"administrator": 404},
        ),
    ],
}
