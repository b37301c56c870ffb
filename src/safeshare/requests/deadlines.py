"""When a request is due: targets per urgency, counted in working days (core/workdays.py)."""

from __future__ import annotations

import datetime

from django.conf import settings

from safeshare.core.workdays import add_working_time


def due_at(received_at: datetime.datetime, urgency: str) -> datetime.datetime:
    return add_working_time(received_at, urgency, settings.SAFESHARE_URGENCY_TARGETS)
