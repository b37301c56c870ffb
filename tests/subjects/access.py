from django.urls import reverse

from tests.access import Rule

RULES = {
    "subjects:search": [Rule("get", lambda w: reverse("subjects:search"), 200, 200)],
    "subjects:new": [Rule("get", lambda w: reverse("subjects:new"), 200, 200)],
    "subjects:show": [
        Rule("get", lambda w: reverse("subjects:show", args=[w.person.pk]), 200, 404)
    ],
}
