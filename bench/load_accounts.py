"""The load test's accounts (bench/load.py), prepared in the database before the run and
put back after it. Needs Django set up for that database (ledger_scratch.setup_django).

Each load user signs in as an account of its own, with the password and then a code from
an authenticator, as a person does: django-otp accepts a time step's code once per device,
so two users signing in as one account in the same 30 seconds would be refused.

- Existing active accounts of the role whose password is the one given (the demo's and the
  seeded data's, `--password`) are used first, practitioners with most disclosures sent to
  them first, so that "Shared with you" has something in it.
- Then accounts named `loadtest.<role>.<n>`, made in the organisations holding most people,
  with a new random password each run.

Every one gets an authenticator named LOAD_DEVICE with a new random key, written only to
the run's plan file (mode 0600, in a private folder removed afterwards), and any lockout
django-axes holds for it is cleared. `restore` deletes those authenticators and makes the
loadtest accounts' passwords unusable, so neither a known password nor a known key
outlives the run. Nothing else is changed here: people, decisions and requests are only
read (ids are found on the pages; the search words, family names of the organisation's
people, go to the plan file and are only ever sent in the body of the search form). The
pages themselves write what they always do: sessions, access records, and the drafts the
draft journey starts and discards.
"""

from __future__ import annotations

import secrets
from typing import Any

from axes.utils import reset as reset_lockouts
from django.db import transaction
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.accounts.models import Organisation, Role, User
from safeshare.subjects.models import Person

LOAD_DEVICE = "safeshare load test"
PREFIX = "loadtest."
SEARCH_WORDS = 10


def _existing(role: str, password: str, wanted: int) -> list[User]:
    candidates = (
        User.objects.filter(role=role, is_active=True, organisation__isnull=False)
        .exclude(username__startswith=PREFIX)
        .order_by("username")
    )
    if role == Role.PRACTITIONER:
        candidates = candidates.annotate(received=Count("disclosures_received")).order_by(
            "-received", "username"
        )
    chosen: list[User] = []
    # Bounded: each check is an argon2 hash (about 0.1 s and 100 MB).
    for user in candidates[: wanted * 2]:
        if user.check_password(password):
            chosen.append(user)
        if len(chosen) == wanted:
            break
    return chosen


def _organisations() -> list[Organisation]:
    ranked = Organisation.objects.annotate(held=Count("people")).order_by("-held", "name")[:20]
    organisations: list[Organisation] = [o for o in ranked if o.held]
    if not organisations:
        organisations = list(Organisation.objects.all()[:1])
    if not organisations:
        raise SystemExit("The database has no organisations: load demo or seeded data first.")
    return organisations


def _made(role: str, count: int, password_hash: str) -> list[User]:
    organisations = _organisations()
    users = []
    for n in range(1, count + 1):
        username = f"{PREFIX}{role}.{n:03d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name="Load",
                last_name=f"Test {role} {n}",
                job_title="Load test account",
                organisation=organisations[(n - 1) % len(organisations)],
                role=role,
                email=f"{username}@example.invalid",
            )
        user.password = password_hash
        user.is_active = True
        user.save()
        users.append(user)
    return users


def _search_words(organisation_id: Any) -> list[str]:
    names = (
        Person.objects.filter(organisation_id=organisation_id)
        .order_by("pk")
        .values_list("family_name", flat=True)[: SEARCH_WORDS * 20]
    )
    return sorted(set(names))[:SEARCH_WORDS]


def prepare(counts: dict[str, int], password: str) -> dict[str, Any]:
    """Accounts for `counts` users of each role; the plan the locust process reads."""
    run_password = secrets.token_urlsafe(24)
    template = User(username="loadtest.template")
    template.set_password(run_password)  # one argon2 hash, shared by the made accounts
    plan: dict[str, Any] = {"accounts": {}}
    words: dict[str, list[str]] = {}
    with transaction.atomic():
        TOTPDevice.objects.filter(name=LOAD_DEVICE).delete()  # left by a killed run
        for role, count in counts.items():
            existing = _existing(role, password, count) if count else []
            made = _made(role, count - len(existing), template.password)
            accounts = []
            for user in [*existing, *made]:
                device = TOTPDevice.objects.create(user=user, name=LOAD_DEVICE, confirmed=True)
                reset_lockouts(username=user.username)
                org = str(user.organisation_id)
                if org not in words:
                    words[org] = _search_words(user.organisation_id)
                accounts.append(
                    {
                        "username": user.username,
                        "password": password if user in existing else run_password,
                        "totp_key": device.key,
                        "search_words": words[org],
                        "existing": user in existing,
                    }
                )
            plan["accounts"][role] = accounts
    return plan


def restore() -> None:
    """Remove every load authenticator; the loadtest accounts keep no usable password."""
    with transaction.atomic():
        TOTPDevice.objects.filter(name=LOAD_DEVICE).delete()
        for user in User.objects.filter(username__startswith=PREFIX):
            user.set_unusable_password()
            user.save(update_fields=["password"])
