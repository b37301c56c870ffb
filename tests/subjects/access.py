from django.urls import reverse

from tests.access import Rule

NO_CASE_ROLE = {"auditor": 403, "administrator": 403}


def _download(name: str) -> list[Rule]:
    """The chronology as a file: a case roles' page, so a role without case records is
    refused outright (403) and another organisation's person is not found (404)."""
    return [Rule("get", lambda w: reverse(name, args=[w.person.pk]), 200, 404, roles=NO_CASE_ROLE)]


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
    "subjects:chronology_csv": _download("subjects:chronology_csv"),
    "subjects:chronology_pdf": _download("subjects:chronology_pdf"),
}
