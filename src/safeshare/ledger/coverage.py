"""Which records must have a ledger entry: the rule `safeshare ledger verify` checks the
other way round (every entry has its record, and every such record has an entry).

Every model that any action appends an entry about is listed here once, with the rows of
it that must have one and why. The list lives beside the ledger, not on each model, so
the whole rule reads on one screen and is reviewed as one; `append_entry` refuses a model
that is not listed, so a new kind of event cannot be added without deciding here whether
its records must have entries (docs/adr/0009-ledger-coverage-and-backups.md).

Models are named by label, not imported: the ledger sits below the apps that log to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q

__all__ = ["ALL", "LABELS", "RULES", "Rule", "required", "unlisted"]

# Every row of the model.
ALL = Q()


@dataclass(frozen=True)
class Rule:
    label: str  # "<app>.<model>", as entries name it (Entry.object_type)
    rows: Q | None  # the rows that must have an entry; None: no row has to
    why: str


RULES: tuple[Rule, ...] = (
    # Written once, by the one action that also appends their entry.
    Rule(
        "decisions.decision",
        Q(status="finalised"),
        "finalise_decision appends decisions.decision.finalised (or .amended) in the "
        "transaction that freezes it; a draft is not an event yet",
    ),
    Rule("decisions.consentwithdrawal", ALL, "record_consent_withdrawal; never changed"),
    # Changed once (approved or returned, reviewed), each with an entry; then never.
    Rule(
        "decisions.signoff",
        ALL,
        "finalise_decision appends decisions.decision.sign_off_requested; approve and "
        "return_for_changes append theirs (decisions/signoff.py)",
    ),
    Rule(
        "decisions.review",
        ALL,
        "make_final appends decisions.decision.review_due; record_review appends "
        "decisions.decision.reviewed",
    ),
    Rule("disclosures.disclosure", ALL, "send_disclosure; never changed"),
    Rule("disclosures.receipt", ALL, "record_opened and acknowledge; never changed"),
    Rule("disclosures.revocation", ALL, "revoke; never changed"),
    Rule(
        "outside.outsidelink",
        ALL,
        "send_to_outside appends outside.link.issued; each later change (code phoned, "
        "wrong code, locked, opened, acknowledged, downloaded) appends its own",
    ),
    Rule("consent.consententry", ALL, "record_entry; never changed"),
    Rule("consent.consentevent", ALL, "withdraw_entry and review_entry; never changed"),
    Rule("consent.reliance", ALL, "rely_on_entry; never changed"),
    Rule("policies.policyactivation", ALL, "activate_policy; never changed"),
    Rule("api.apitoken", ALL, "create_token; only revoke_token changes one, with an entry"),
    Rule(
        "subject_access.extension",
        ALL,
        "extend_subject_access_request, with the request's own entry; never changed",
    ),
    Rule("subject_access.redaction", ALL, "redact_item; never changed"),
    Rule("families.told", ALL, "record_told appends families.told.recorded; never changed"),
    Rule("families.review", ALL, "record_review appends families.review.deferred; never changed"),
    # Changed later, but made only by actions that append an entry, so a row without
    # one was written behind the application or lost its entries.
    Rule(
        "requests.informationrequest",
        ALL,
        "raise_request, log_external_request and receive_federated_request append "
        "requests.request.received",
    ),
    Rule(
        "subject_access.subjectaccessrequest",
        ALL,
        "log_subject_access_request appends subject_access.request.logged; extending and "
        "signing off append theirs",
    ),
    Rule(
        "advice.advicerequest",
        ALL,
        "ask_advice appends advice.request.asked; answer_advice and withdraw_open_advice "
        "append theirs",
    ),
    Rule("agreements.agreement", ALL, "add_agreement appends agreements.agreement.added"),
    Rule("directory.organisationprofile", ALL, "update_profile is the only way one is made"),
    Rule("directory.contactpoint", ALL, "add_contact_point and import_directory"),
    Rule("directory.directorypractitioner", ALL, "add_practitioner and import_directory"),
    # Logged when they change, but also made where no action runs: these rows need not
    # have an entry; once one has, its latest entry's digest is checked as for any record.
    Rule("ledger.witness", ALL, "ledger add-witness appends ledger.witness.added; never changed"),
    Rule("ledger.cosignature", None, "written by the ledger.witness job; write-once by trigger"),
    Rule("ledger.witnessfailure", None, "written by the ledger.witness job; write-once"),
    Rule(
        "witness.witnessedlog",
        ALL,
        "witness add-log appends witness.log.added; only the latest size and root (not in "
        "the digest) change after",
    ),
    Rule(
        "witness.refusal",
        None,
        "a refusal is written by an unauthenticated request (a log's add-checkpoint) and "
        "is write-once by trigger; the refused checkpoint's size is in the row",
    ),
    # Federation (issue 19; docs/federation.md). Messages change once, when delivered or
    # refused, each with its entry; the rest are written once by the action with theirs.
    Rule(
        "federation.message",
        ALL,
        "queueing appends federation.message.sent, receiving federation.message.received; "
        "delivered and refused append theirs",
    ),
    Rule("federation.peer", ALL, "add_peer and pin_key append theirs"),
    Rule("federation.remoteorganisation", ALL, "add_remote appends federation.remote.added"),
    Rule("federation.sentdisclosure", ALL, "send_remote_disclosure; never changed"),
    Rule("federation.sentevent", ALL, "revoke, or a receipt reported back; never changed"),
    Rule("federation.receiveddisclosure", ALL, "received from a peer; never changed"),
    Rule("federation.receivedevent", ALL, "opened, acknowledged, or a revocation received"),
    Rule(
        "federation.inboundrequest",
        None,
        "written with the request it links, whose entry (requests.request.received) and "
        "the message's (federation.message.received) record it",
    ),
    Rule(
        "federation.nonce",
        None,
        "replay protection only; pruned once older than a signature may be",
    ),
    Rule(
        "subjects.person",
        None,
        "the demo loads people without entries (deployments hold such rows), and a "
        "person record is not itself evidence: the decisions and disclosures about them are",
    ),
    Rule(
        "accounts.user",
        None,
        "createsuperuser (Django's own, run before any administrator exists) and the demo "
        "make users without an entry; the admin's additions and every change of access append one",
    ),
    Rule(
        "accounts.organisation",
        None,
        "the demo and a new deployment's first organisations are made before any "
        "administrator exists; the admin's additions and changes append an entry",
    ),
)

LABELS = frozenset(rule.label for rule in RULES)


def unlisted(label: str) -> str:
    """Why an entry about `label` is refused: no rule says whether its records need one."""
    return (
        f"the ledger has no rule for records of type {label}: add one to "
        "safeshare/ledger/coverage.py saying whether each of them must have an entry"
    )


def required() -> Iterator[tuple[Rule, type[models.Model], Q]]:
    """(rule, model, rows) for every model some of whose rows must have an entry."""
    for rule in RULES:
        if rule.rows is not None:
            yield rule, apps.get_model(rule.label), rule.rows
