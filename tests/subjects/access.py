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
    # The organisation's administrator imports people; no case role may (the access table
    # signs in the owning organisation's roles; another organisation's administrator is
    # tests/subjects/test_people_import.py's). With no file waiting, confirm goes back.
    "subjects:import": [
        Rule("get", lambda w: reverse("subjects:import"), 403, 403, roles={"administrator": 200})
    ],
    "subjects:import_confirm": [
        Rule(
            "get",
            lambda w: reverse("subjects:import_confirm"),
            403,
            403,
            roles={"administrator": 302},
        )
    ],
    "subjects:show": [
        Rule("get", lambda w: reverse("subjects:show", args=[w.person.pk]), 200, 404)
    ],
    "subjects:chronology_csv": _download("subjects:chronology_csv"),
    "subjects:chronology_pdf": _download("subjects:chronology_pdf"),
}
