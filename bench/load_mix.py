"""What the load test's users do (bench/load.py, bench/locustfile.py): the pages, how often
each role asks for each, and the pages left out, with the reason.

Plain data, importing neither locust nor Django, so that tests/core/test_load_mix.py can
check it against the service's URL patterns: every URL name is either in PAGES, with its
route exactly as urls.py has it, or in NOT_LOADED. A page added later fails that test until
it is given a weight here or a reason not to be loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROLES = ("practitioner", "manager", "ig_lead", "auditor")

# The bare view every page's p95 is compared with (bench/load.py).
BASELINE_ROUTE = "/health/"
BASELINE_NAME = f"GET {BASELINE_ROUTE} (baseline)"


@dataclass(frozen=True)
class Page:
    url_name: str  # "subjects:show"
    route: str  # "/people/<uuid:person_id>/", as the URL patterns join it
    weights: dict[str, int]  # role -> relative frequency among that role's requests
    method: str = "GET"
    # Parameters are filled from links the user's own pages showed (see `pattern`).
    params: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(re.findall(r"<(?:\w+:)?(\w+)>", self.route)))

    @property
    def label(self) -> str:
        """The name in the statistics: the pattern, never an id."""
        return f"{self.method} {self.route}"

    @property
    def pattern(self) -> re.Pattern[str]:
        """Matches this page's paths in the links of other pages."""
        return route_pattern(self.route)


_CONVERTERS = {
    "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "slug": "[-a-zA-Z0-9_]+",
    "int": "[0-9]+",
    "str": "[^/]+",
}


def route_pattern(route: str) -> re.Pattern[str]:
    parts = re.split(r"(<(?:\w+:)?\w+>)", route)
    out = []
    for part in parts:
        converter = re.fullmatch(r"<(?:(\w+):)?\w+>", part)
        if converter:
            out.append(f"(?:{_CONVERTERS[converter.group(1) or 'str']})")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "$")


def _w(
    practitioner: int = 0, manager: int = 0, ig_lead: int = 0, auditor: int = 0
) -> dict[str, int]:
    weights = {
        "practitioner": practitioner,
        "manager": manager,
        "ig_lead": ig_lead,
        "auditor": auditor,
    }
    return {role: weight for role, weight in weights.items() if weight}


# Relative weights per role: a practitioner's day is mostly home, people, their
# chronologies, decisions and requests; a manager's the team's queue; an IG lead's the
# access report and who viewed a record; the auditor's the public ledger and their account.
PAGES: tuple[Page, ...] = (
    Page("site:home", "/", _w(10, 10, 8, 6)),
    Page("core:about", "/about/", _w(1, 1, 1, 1)),
    Page("core:accessibility", "/accessibility/", _w(1, 1, 1, 1)),
    Page("subjects:search", "/people/", _w(3, 2, 2)),
    # The search words go in the body, never the URL (a name is personal data).
    Page("subjects:search", "/people/", _w(8, 5, 5), method="POST"),
    Page("subjects:show", "/people/<uuid:person_id>/", _w(10, 6, 6)),
    Page("subjects:new", "/people/new/", _w(1, 1)),
    Page("decisions:index", "/decisions/", _w(6, 6, 3)),
    Page("decisions:show", "/decisions/<uuid:decision_id>/", _w(8, 8, 5)),
    Page("decisions:print", "/decisions/<uuid:decision_id>/print/", _w(1, 1, 1)),
    Page("requests:incoming", "/requests/", _w(4, 8, 2)),
    Page("requests:outgoing", "/requests/outgoing/", _w(2, 3, 1)),
    Page("requests:show", "/requests/<uuid:request_id>/", _w(3, 5, 1)),
    Page("requests:new", "/requests/new/", _w(1, 1)),
    Page("requests:log", "/requests/log/", _w(1, 1)),
    Page("disclosures:received", "/disclosures/", _w(3, 2, 1)),
    Page("disclosures:show", "/disclosures/<uuid:disclosure_id>/", _w(3, 2, 1)),
    Page("disclosures:sent", "/disclosures/<uuid:disclosure_id>/sent/", _w(1, 1, 1)),
    Page("audit:report", "/access-records/", _w(ig_lead=6)),
    Page("audit:person_views", "/access-records/people/<uuid:person_id>/", _w(ig_lead=4)),
    Page("directory:index", "/directory/", _w(2, 2, 2)),
    Page(
        "directory:organisation",
        "/directory/organisations/<uuid:organisation_id>/",
        _w(1, 1, 2),
    ),
    Page("agreements:index", "/agreements/", _w(1, 1, 3)),
    Page("agreements:show", "/agreements/<uuid:agreement_id>/", _w(1, 1, 2)),
    Page("ledger:proof", "/ledger/proof/<uuid:entry_id>/", _w(1, 1, 1)),
    Page("ledger:checkpoint", "/ledger/checkpoint", _w(auditor=3)),
    Page("ledger:key", "/ledger/key", _w(auditor=1)),
    Page("accounts:password_change", "/account/password/", _w(1, 1, 1, 1)),
    Page("api_tokens:index", "/account/api-tokens/", _w(1, 1, 1)),
)

# A draft decision started from a person's page, its pages read in this order, then
# discarded (a draft leaves no record: decisions.actions.discard_draft). One journey counts
# as one pick among the role's pages, with this weight.
DRAFT_WEIGHTS = _w(practitioner=2, manager=1)
DRAFT_PAGES: tuple[Page, ...] = (
    Page("decisions:start", "/decisions/start/<uuid:person_id>/", DRAFT_WEIGHTS, method="POST"),
    Page("decisions:section", "/decisions/<uuid:decision_id>/<slug:section>/", DRAFT_WEIGHTS),
    Page("decisions:tasks", "/decisions/<uuid:decision_id>/tasks/", DRAFT_WEIGHTS),
    Page(
        "decisions:question",
        "/decisions/<uuid:decision_id>/questions/<slug:question_id>/",
        DRAFT_WEIGHTS,
    ),
    Page("decisions:people", "/decisions/<uuid:decision_id>/people/", DRAFT_WEIGHTS),
    Page("decisions:items", "/decisions/<uuid:decision_id>/items/", DRAFT_WEIGHTS),
    Page("decisions:check", "/decisions/<uuid:decision_id>/check/", DRAFT_WEIGHTS),
    Page("decisions:discard", "/decisions/<uuid:decision_id>/discard/", DRAFT_WEIGHTS, "POST"),
)

# The pages every user reads once after signing in, before the measured time, to find the
# links the pages with parameters need (list pages link to their records).
DISCOVERY = {
    "practitioner": ("/", "/decisions/", "/requests/", "/requests/outgoing/", "/disclosures/"),
    "manager": ("/", "/decisions/", "/requests/", "/requests/outgoing/", "/disclosures/"),
    "ig_lead": ("/", "/decisions/", "/access-records/", "/requests/", "/disclosures/"),
    "auditor": ("/",),
}
# Also read once by case roles for their links: the directory and the agreements.
DISCOVERY_CASE_EXTRA = ("/directory/", "/agreements/")

# URL names not in the mix, and why. Signing in is measured separately, as sign-in rows.
NOT_LOADED: dict[str, str] = {
    "core:health": "the baseline itself, requested by its own user without a session",
    "accounts:sign_in": "every user signs in through it once: the sign-in rows",
    "accounts:mfa_verify": "every user enters an authenticator code once: the sign-in rows",
    "accounts:sso_start": "single sign-on goes to an organisation's own provider, not load",
    "accounts:sso_callback": "answers only a sign-in the provider sends back (issue 18)",
    "accounts:signed_out": "shown once after signing out at a provider",
    "accounts:sign_out": "ends every session of the user (issue 6): would sign the user out",
    "accounts:mfa_setup": "replaces the authenticator the load user signs in with",
    "accounts:mfa_recovery_codes": "shown once after setting up an authenticator",
    "accounts:keep_alive": "a script's ping, no page; the session is saved on every request",
    "ledger:checkpoint_at": "witnesses ask for sizes they hold; no page links it",
    "subjects:chronology_csv": "a rare download, not a page; its queries stay flat (tests/subjects/test_chronology_export.py)",
    "subjects:chronology_pdf": "a rare download, laid out whole (seconds: docs/adr/0014-pdf-documents.md); its queries stay flat",
    "decisions:amend": "writes",
    "decisions:reconsider": "a form for a new draft that supersedes; writes",
    "decisions:withdraw_consent": "writes (consent withdrawn is recorded for good)",
    "decisions:withdraw_consent_check": "writes",
    "decisions:consent_withdrawn": "only after a withdrawal, which the mix does not write",
    "decisions:outcome": "a draft's outcome: the draft journey answers no questions",
    "decisions:item_new": "a form that adds an item: the draft journey writes none",
    "decisions:item": "an item of a draft: the draft journey adds none",
    "decisions:item_remove": "writes",
    "requests:assign": "writes",
    "requests:respond": "writes",
    "requests:new_information": "writes",
    "requests:withdraw": "writes",
    "disclosures:new": "the first step of sending, for a finalised decision: a write journey",
    "disclosures:compose": "sends a disclosure: writes",
    "disclosures:acknowledge": "writes (recorded for good)",
    "disclosures:revoke": "writes (recorded for good)",
    "outside:send": "sends to a contact outside safeshare: writes",
    "outside:phoned": "writes (recorded for good)",
    "outside:code": "outside recipients only, by an emailed link with a one-time code: the load users are signed-in staff",
    "outside:show": "outside recipients only (link and code in their own session): the load users are signed-in staff",
    "outside:acknowledge": "writes (recorded for good), outside recipients only",
    "outside:pdf": "outside recipients only; a rare download rendered by WeasyPrint",
    "witness:add_checkpoint": "machine-to-machine: another deployment's ledger.witness job posts a signed checkpoint about once a minute, not a page people load",
    "subjects:import": "administrators only, a rare upload: the load users hold no administrator role",
    "subjects:import_confirm": "administrators only, once per uploaded file: the load users hold no administrator role",
    "directory:import": "administrators only: the load users hold no administrator role",
    "directory:export": "administrators only: the load users hold no administrator role",
    "directory:edit_profile": "writes",
    "directory:new_contact": "writes",
    "directory:new_practitioner": "writes",
    "directory:edit_contact": "writes",
    "directory:verify_contact": "writes",
    "directory:edit_practitioner": "writes",
    "directory:verify_practitioner": "writes",
    "agreements:new": "writes",
    "agreements:edit": "writes",
    "api_tokens:new": "makes an API token: writes",
    "api_tokens:created": "shown once after making a token",
    "api_tokens:revoke": "writes",
    "policies:index": "administrators only: the load users hold no administrator role",
    "policies:activate": "administrators only, and writes",
    "figures:index": "not in the mix yet: its 10 aggregate queries were not timed at 1M (auditor, IG leads and managers; queries flat: tests/figures)",
    "figures:csv": "a rare download of one figure's table; same queries as the page",
    "decisions:sign_off_queue": "not in the mix yet: the scale seed records no decision waiting for sign-off or review (managers only; issue 17; queries flat: tests/test_query_counts.py)",
    "decisions:sign_off": "not in the mix yet: the scale seed records no decision waiting for sign-off or review (managers only; issue 17; queries flat: tests/test_query_counts.py)",
    "decisions:reviews": "not in the mix yet: the scale seed records no decision waiting for sign-off or review (managers only; issue 17; queries flat: tests/test_query_counts.py)",
    "decisions:review": "not in the mix yet: the scale seed records no decision waiting for sign-off or review (managers only; issue 17; queries flat: tests/test_query_counts.py)",
    "messaging:failed": "administrators only: the load users hold no administrator role (queries flat: tests/test_query_counts.py)",
    "advice:queue": "not in the mix yet: the scale seed asks no advice (issue 17; queries flat: tests/test_query_counts.py)",
    "advice:ask": "not in the mix yet: the scale seed asks no advice (issue 17; queries flat: tests/test_query_counts.py)",
    "advice:show": "not in the mix yet: the scale seed asks no advice (issue 17; queries flat: tests/test_query_counts.py)",
    "advice:asked": "not in the mix yet: the scale seed asks no advice (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:due": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:register": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:new": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:show": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:withdraw": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:withdrawn": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:review": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "consent:choose": "not in the mix yet: the scale seed records no consent (issue 17; queries flat: tests/test_query_counts.py)",
    "families:to_tell": "not in the mix yet: the scale seed's decisions are not on a list to tell (issue 17; queries flat: tests/test_query_counts.py)",
    "families:told": "a form for one decision, reached from the list; writes when posted",
    "families:review": "a form for one decision, reached from the list; writes when posted",
    "subject_access:index": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:find_person": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:new": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:show": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:extend": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:redact": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:sign_off": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:pack": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:pack_csv": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "subject_access:pack_pdf": "not in the mix yet: the scale seed logs no subject access requests (IG leads only; queries flat: tests/subject_access/test_query_counts.py)",
    "ledger:witnesses": "administrators only: the load users hold no administrator role (queries flat: tests/test_query_counts.py)",
    "federation:inbox": "machine-to-machine: another deployment's signed messages (requests, disclosures, receipts, revocations), posted by its federation.deliver job, not a page people load",
    "federation:received": "not in the mix yet: the scale seed pins no other deployment and receives nothing from one (issue 19; queries flat: tests/test_query_counts.py)",
    "federation:received_show": "not in the mix yet: the scale seed receives nothing from another deployment; opening writes the read receipt and queues it for the sender (issue 19)",
    "federation:received_acknowledge": "writes (recorded for good) and queues a signed receipt for the other deployment",
    "federation:send": "not in the mix yet: the scale seed has no request from another deployment; sending signs and queues a disclosure (issue 19)",
    "federation:sent_show": "not in the mix yet: the scale seed sends nothing to another deployment (issue 19; queries flat: tests/test_query_counts.py)",
    "federation:sent_revoke": "a form for one disclosure, reached from its page; writes and queues a signed revocation when posted",
}
# The JSON API (namespace api) is not pages: its own load is a separate benchmark.
NOT_LOADED_NAMESPACES = {"api": "the JSON API: token callers, not the pages' users"}


def role_counts(users: int) -> dict[str, int]:
    """How many of `users` signed-in users hold each role: one auditor, then a fifth each
    managers and IG leads, the rest practitioners."""
    if users < 4:
        raise ValueError("the load test needs at least 4 users, one of each role")
    rest = users - 1
    managers = ig_leads = max(1, round(rest * 0.2))
    return {
        "practitioner": rest - managers - ig_leads,
        "manager": managers,
        "ig_lead": ig_leads,
        "auditor": 1,
    }


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if role in page.weights]
