"""Recording reads. Other apps call `record_access` / `record_denied` from their views,
in the request that shows (or refuses) the data, so a page is never shown unrecorded.

The write joins whatever transaction is open: if the view's work rolls back, so does the
record of it, and if the record cannot be written the page is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from safeshare.audit.models import AccessRecord, Outcome
from safeshare.core.http import client_ip
from safeshare.subjects.models import Person

USER_AGENT_LENGTH = 200


def _base(request: Any, what: str) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None  # nothing personal is shown to anonymous visitors; sign-in catches them
    return {
        "user_id": user.pk,
        "organisation_id": user.organisation_id,
        "what": what[:100],
        "ip_address": client_ip(request),
        "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH],
    }


def _target(person: Person | None, obj: models.Model | None) -> dict[str, Any]:
    target = obj if obj is not None else person
    holder = {"person_organisation_id": person.organisation_id if person is not None else None}
    if target is None:
        return {"person": person, **holder}
    return {
        "person": person,
        **holder,
        "object_type": target._meta.label_lower,
        "object_id": str(target.pk),
    }


def record_access(
    request: Any, *, what: str, person: Person | None = None, obj: models.Model | None = None
) -> AccessRecord | None:
    """Record that this request shows `person`'s data (and `obj`, the record on the page,
    when that is not the person: a decision, a disclosure)."""
    base = _base(request, what)
    if base is None:
        return None
    return AccessRecord.objects.create(**base, **_target(person, obj), outcome=Outcome.SHOWN)


def record_access_many(request: Any, *, what: str, people: Iterable[Person]) -> int:
    """One record per person listed (search results, reports)."""
    base = _base(request, what)
    if base is None:
        return 0
    rows = [
        AccessRecord(**base, **_target(person, None), outcome=Outcome.SHOWN) for person in people
    ]
    AccessRecord.objects.bulk_create(rows)
    return len(rows)


def record_access_objects(request: Any, *, what: str, objs: Iterable[models.Model]) -> int:
    """One record per record listed (a queue of requests), in one statement."""
    base = _base(request, what)
    if base is None:
        return 0
    rows = [AccessRecord(**base, **_target(None, obj), outcome=Outcome.SHOWN) for obj in objs]
    AccessRecord.objects.bulk_create(rows)
    return len(rows)


def record_denied(request: Any, *, what: str, object_id: str = "") -> AccessRecord | None:
    """Record a refused attempt: a 403, or a 404 for a record outside the user's scope."""
    base = _base(request, what)
    if base is None:
        return None
    return AccessRecord.objects.create(**base, object_id=object_id[:64], outcome=Outcome.DENIED)


def record_outside_access(
    request: Any,
    *,
    what: str,
    reader: models.Model,
    organisation_id: Any,
    obj: models.Model,
    person: Person | None = None,
) -> AccessRecord:
    """Record that a reader with no account (a directory contact, safeshare.outside) was
    shown `obj`: the reader is named as "<app>.<model>:<id>", with their organisation."""
    return AccessRecord.objects.create(
        user=None,
        outside_reader=f"{reader._meta.label_lower}:{reader.pk}"[:100],
        organisation_id=organisation_id,
        what=what[:100],
        ip_address=client_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH],
        **_target(person, obj),
        outcome=Outcome.SHOWN,
    )
