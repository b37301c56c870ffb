from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.messaging import notify_stub


@pytest.fixture(autouse=True)
def queued_not_sent(settings: Any) -> None:
    """Here messages wait for the job, as in production (the suite sends them at once)."""
    settings.SAFESHARE_DELIVER_IMMEDIATELY = False
    settings.SAFESHARE_BASE_URL = "https://safeshare.example.org"


@pytest.fixture
def stub() -> Iterator[notify_stub.NotifyStub]:
    yield from notify_stub.running()


@pytest.fixture
def notify(settings: Any, stub: notify_stub.NotifyStub) -> notify_stub.NotifyStub:
    """Notify configured, pointing at the stub."""
    settings.SAFESHARE_NOTIFY_API_KEY = notify_stub.API_KEY
    settings.SAFESHARE_NOTIFY_BASE_URL = stub.base_url
    settings.SAFESHARE_NOTIFY_EMAIL_TEMPLATE_ID = "aaaaaaaa-0000-4000-8000-000000000001"
    settings.SAFESHARE_NOTIFY_SMS_TEMPLATE_ID = "aaaaaaaa-0000-4000-8000-000000000002"
    return stub
