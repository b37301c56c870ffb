from __future__ import annotations

from collections.abc import Callable

import pytest
from django.template.loader import render_to_string

from safeshare.ledger.actions import sign_checkpoint
from safeshare.ledger.models import Entry
from safeshare.ledger.queries import receipt_for
from safeshare.subjects.models import Person

pytestmark = pytest.mark.django_db


def test_a_record_without_entries_has_no_receipt(person: Person) -> None:
    assert receipt_for(person) is None
    assert render_to_string("ledger/includes/receipt.html", {"receipt": None}).strip() == ""


def test_the_receipt_names_the_latest_entry_and_its_checkpoint(
    append: Callable[..., Entry], person: Person
) -> None:
    append(obj=person)
    latest = append(obj=person, event_type="subjects.person.renamed")
    receipt = receipt_for(person)
    assert receipt is not None
    assert (receipt.sequence, receipt.leaf_hash) == (1, bytes(latest.leaf_hash).hex())
    assert not receipt.covered
    html = render_to_string("ledger/includes/receipt.html", {"receipt": receipt})
    assert "Not yet covered by a signed checkpoint" in html
    assert f"/ledger/proof/{latest.uuid}/" in html
    sign_checkpoint()
    receipt = receipt_for(person)
    assert receipt is not None and receipt.checkpoint_size == 2
    html = render_to_string("ledger/includes/receipt.html", {"receipt": receipt})
    assert "Covered by the checkpoint of 2 entries" in html
    assert bytes(latest.leaf_hash).hex() in html
