"""Logs hold events and opaque ids: never a name or an NHS number, whatever was typed."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.core.logging import DropRequestData
from safeshare.subjects.models import Person

pytestmark = pytest.mark.django_db

PERSONAL = ["Lily", "Morgan", "9434765919"]


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the service's configured console handler writes."""
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    stream = io.StringIO()
    old = handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    handler.setStream(old)  # type: ignore[attr-defined]


def test_a_failed_sign_in_logs_no_personal_data(client: Client, console: io.StringIO) -> None:
    for _ in range(6):
        client.post(
            reverse("accounts:sign_in"),
            {"username": "Lily Morgan 9434765919", "password": "Morgan"},
        )
    output = console.getvalue()
    assert "AXES" in output  # the failures and the lockout are logged...
    for word in PERSONAL:
        assert word not in output  # ...without what was typed


def test_a_not_found_logs_no_personal_data(
    client: Client, practitioner: User, person: Person, console: io.StringIO
) -> None:
    logging.getLogger("django.request").setLevel(logging.WARNING)
    try:
        client.force_login(practitioner)
        client.get("/people/missing/?name=Lily+Morgan&nhs=9434765919")
    finally:
        logging.getLogger("django.request").setLevel(logging.ERROR)
    output = console.getvalue()
    assert "Not Found" in output
    for word in PERSONAL:
        assert word not in output


def test_the_filter_drops_the_request_and_query_strings() -> None:
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Error at %s", ("/x/?q=Lily",), None
    )
    # Django attaches the request to django.request records.
    record.__dict__["request"] = object()
    DropRequestData().filter(record)
    assert record.__dict__["request"] is None
    assert "Lily" not in record.getMessage()
