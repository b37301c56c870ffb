"""The outside recipient's pages: with link and code (200), after revocation and expiry
(410, no content), tampered token (404), another disclosure's session (403); the
acknowledgement (once) and the PDF (name and time on every page); the sender's page."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.disclosures import actions as disclosure_actions
from safeshare.ledger.models import Entry
from safeshare.outside import actions
from tests.outside.test_actions import Send

pytestmark = pytest.mark.django_db


def _open(client: Client, issued: actions.Issued) -> None:
    response = client.post(reverse("outside:code", args=[issued.token]), {"code": issued.code})
    assert response.status_code == 302
    assert response["Location"] == reverse("outside:show", args=[issued.token])


def test_link_and_code_open_it_and_the_read_is_audited(send_outside: Send) -> None:
    issued = send_outside()
    client = Client()
    assert client.get(reverse("outside:code", args=[issued.token])).status_code == 200
    _open(client, issued)
    response = client.get(reverse("outside:show", args=[issued.token]))
    assert response.status_code == 200
    assert b"Lily" in response.content
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    record = AccessRecord.objects.get(what="outside.disclosure.show")
    assert record.user is None and record.outside_reader.startswith("directory.contactpoint:")
    assert Entry.objects.filter(event_type="outside.disclosure.opened").count() == 1


def test_wrong_code_names_the_field(send_outside: Send) -> None:
    issued = send_outside()
    wrong = f"{(int(issued.code or 0) + 1) % 10**6:06d}"
    response = Client().post(reverse("outside:code", args=[issued.token]), {"code": wrong})
    assert response.status_code == 200
    assert b"4 more tries" in response.content


def test_revoked_then_refused_with_no_content(send_outside: Send, practitioner: User) -> None:
    issued = send_outside()
    client = Client()
    _open(client, issued)
    disclosure_actions.revoke(actor=practitioner, disclosure=issued.disclosure, reason="Wrong")
    response = client.get(reverse("outside:show", args=[issued.token]))
    assert response.status_code == 410
    assert b"withdrawn" in response.content and b"Lily" not in response.content


def test_expired_then_refused(send_outside: Send) -> None:
    issued = send_outside()
    client = Client()
    _open(client, issued)
    later = timezone.now() + datetime.timedelta(days=15)
    # The session itself has timed out by then: the link's own page says it has expired.
    with mock.patch.object(timezone, "now", lambda: later):
        response = client.get(reverse("outside:code", args=[issued.token]))
    assert response.status_code == 410
    assert b"expired" in response.content and b"Lily" not in response.content


def test_tampered_token_and_other_session(send_outside: Send) -> None:
    first, second = send_outside(), send_outside(message="A second disclosure.")
    client = Client()
    _open(client, first)
    assert client.get(reverse("outside:show", args=[first.token + "x"])).status_code == 404
    assert client.get(reverse("outside:show", args=[second.token])).status_code == 403
    assert Client().get(reverse("outside:show", args=[first.token])).status_code == 403


def test_acknowledge_once(send_outside: Send) -> None:
    issued = send_outside()
    client = Client()
    _open(client, issued)
    url = reverse("outside:acknowledge", args=[issued.token])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Entry.objects.filter(event_type="outside.disclosure.acknowledged").count() == 1


def test_pdf_has_marking_name_and_time_on_every_page(send_outside: Send) -> None:
    from pypdf import PdfReader

    issued = send_outside()
    client = Client()
    _open(client, issued)
    response = client.get(reverse("outside:pdf", args=[issued.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    for page in reader.pages:
        text = page.extract_text()
        assert "OFFICIAL-SENSITIVE" in text
        assert "Downloaded by Housing safeguarding team at" in text
    assert AccessRecord.objects.filter(what="outside.disclosure.pdf").exists()
    assert Entry.objects.filter(event_type="outside.disclosure.downloaded").count() == 1


def test_sender_sees_opened_acknowledged(send_outside: Send, practitioner: User) -> None:
    issued = send_outside()
    client = Client()
    _open(client, issued)
    client.get(reverse("outside:show", args=[issued.token]))
    client.post(reverse("outside:acknowledge", args=[issued.token]))
    sender = Client()
    sender.force_login(practitioner)
    response = sender.get(reverse("disclosures:sent", args=[issued.disclosure.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sent outside safeshare" in body
    assert "Phone call, not yet recorded" in body
    assert body.count("Not yet") == 0
