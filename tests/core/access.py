from django.urls import reverse

from tests.access import Rule

RULES = {
    "site:home": [Rule("get", lambda w: reverse("site:home"), 200, 200)],
    # Public, for load balancers: answers the same to everyone and shows nothing.
    "core:health": [Rule("get", lambda w: reverse("core:health"), 200, 200, anonymous=200)],
    "core:about": [Rule("get", lambda w: reverse("core:about"), 200, 200, anonymous=200)],
    "core:accessibility": [
        Rule("get", lambda w: reverse("core:accessibility"), 200, 200, anonymous=200)
    ],
}
