from django.urls import reverse

from tests.access import Rule

RULES = {
    "accounts:sign_in": [
        Rule("get", lambda w: reverse("accounts:sign_in"), 302, 302, anonymous=200)
    ],
    "accounts:sign_out": [
        Rule("post", lambda w: reverse("accounts:sign_out"), 200, 200, anonymous=302)
    ],
}
