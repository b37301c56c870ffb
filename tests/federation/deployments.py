"""Two deployments of their own for the federation tests: each a database, a ledger key,
a federation key and `safeshare serve` on a free loopback port (the witnesses' helper,
tests/witness/test_two_deployments.make, plus the federation key), each holding the demo
partnership. The practitioners' steps run through the actions in `safeshare shell` on
that deployment's database, as the pages call them; delivery between the two is over
HTTP, signed, as in production."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeshare.federation import keys
from tests.ledger.deployments import Databases, query
from tests.witness.test_two_deployments import Deployment, make


@dataclass
class Partnership:
    deployment: Deployment
    public_key: Path

    @property
    def url(self) -> str:
        return self.deployment.url

    @property
    def base(self) -> str:
        return self.deployment.base

    def run(self, *args: str) -> str:
        return self.deployment.run(*args)

    def step(self, code: str) -> Any:
        """Python run in `safeshare shell` on this deployment; its last printed line, as JSON."""
        out = self.run("shell", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def organisation_code(self, name: str) -> str:
        out = self.run("federation", "show-key")
        for line in out.splitlines():
            if line.strip().startswith(f"{name}: "):
                return line.split(": ", 1)[1].strip()
        raise AssertionError(f"{name} not in show-key: {out}")

    def count(self, table: str) -> int:
        return int(query(self.url, f"SELECT COUNT(*) FROM {table}")[0][0])


def partnership(name: str, databases: Databases, tmp_path: Path) -> Partnership:
    deployment = make(name, databases, tmp_path)
    pem = keys.generate()
    public = tmp_path / name / "federation.pub"
    public.write_text(keys.public_pem(keys.load_private(pem).public_key()))
    deployment.env["SAFESHARE_FEDERATION_KEY"] = pem
    deployment.env["SAFESHARE_FEDERATION_TIMEOUT"] = "10"
    deployment.run("demo")
    return Partnership(deployment, public)


TABLES = (
    "federation_message",
    "federation_nonce",
    "federation_inboundrequest",
    "federation_receiveddisclosure",
    "federation_receivedevent",
    "federation_sentevent",
    "requests_informationrequest",
    "ledger_entry",
)


def counts(side: Partnership) -> dict[str, int]:
    return {table: side.count(table) for table in TABLES}


RAISE_REQUEST = """
import json
from safeshare.accounts.models import Organisation, User
from safeshare.requests.actions import raise_request
from safeshare.vocabulary.models import Purpose
actor = User.objects.get(username="csc.sw")
to = Organisation.objects.get(name={to!r})
request = raise_request(actor=actor, to_organisation=to, details={{
    "subject_details": "Ava Example, born 4 May 2016, moved from the area in September",
    "purpose_category": Purpose.objects.filter(active=True).first(),
    "purpose": "Section 47 enquiry: bruising seen at the new school",
    "information_needed": "Attendance and any safeguarding concerns recorded last year",
    "why_needed": "To assess the risk of significant harm",
    "urgency": "urgent",
    "statutory_basis": "ca1989_s47",
    "statutory_basis_detail": "",
}})
print(json.dumps({{"id": str(request.pk), "reference": request.reference}}))
"""

ANSWER_AND_SEND = """
import datetime, json
from django.utils import timezone
from safeshare.accounts.models import User
from safeshare.federation.actions import send_remote_disclosure
from safeshare.requests.actions import assign_request
from safeshare.requests.models import InformationRequest
from tests.factories import PersonFactory
from tests.factories.decisions import DecisionFactory
actor = User.objects.get(username="school.dsl")
request = InformationRequest.objects.get(federated__remote_request_id={remote_id!r})
assign_request(actor=actor, request=request, assignee=actor)
person = PersonFactory.create(organisation=actor.organisation, given_names="Ava")
decision = DecisionFactory.create(started_by=actor, subject=person, request=request, leads_to="share", finalised=True)
sent = send_remote_disclosure(actor=actor, decision=decision, items=list(decision.items.all()),
    message="Call me if you need more", expires_on=timezone.localdate() + datetime.timedelta(days=30))
print(json.dumps({{"id": str(sent.pk), "reference": sent.reference, "request": str(request.pk)}}))
"""

RECIPIENT = """
import json
from safeshare.accounts.models import User
from safeshare.federation import actions
from safeshare.federation.models import ReceivedDisclosure
actor = User.objects.get(username="csc.sw")
received = ReceivedDisclosure.objects.get(remote_id={remote_id!r})
{action}
print(json.dumps({{"id": str(received.pk), "status": ReceivedDisclosure.objects.get(pk=received.pk).status()}}))
"""

REVOKE = """
import json
from safeshare.accounts.models import User
from safeshare.federation import actions
from safeshare.federation.models import SentDisclosure
actor = User.objects.get(username="school.dsl")
sent = SentDisclosure.objects.get(pk={sent_id!r})
actions.revoke(actor=actor, disclosure=sent, reason="Sent before the family were told")
print(json.dumps({{"status": SentDisclosure.objects.get(pk=sent.pk).status()}}))
"""
