"""Every URL the service has, tried as each role of the owning organisation, as another
organisation, as the recipient of a disclosure (before and after it is revoked) and
anonymously, and as the recipient outside safeshare (link and code; revoked; expired).
A new URL without a rule in `tests/<app>/access.py` fails
`test_every_url_has_an_access_rule`. Every response that shows the person must have
written an access record for it in the same request."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import tests
from safeshare.accounts.models import Role, User
from safeshare.audit.models import AccessRecord, Outcome
from safeshare.decisions import actions as decision_actions
from safeshare.disclosures import actions as disclosure_actions
from safeshare.subjects.models import Person
from tests.access import Rule, World
from tests.factories import UserFactory, api_token_headers

pytestmark = pytest.mark.django_db

# Roles of the owning organisation, then the outsider and an anonymous visitor.
WHO = [
    "practitioner",
    "manager",
    "ig_lead",
    "auditor",
    "administrator",
    "other",
    "recipient",
    "revoked_recipient",
    "anonymous",
]


def _walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin: administrators only, tested in tests/accounts
            names += _walk(
                pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(prefix + pattern.name)
    return names


def _modules() -> list[ModuleType]:
    modules = []
    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:
            continue
        try:
            modules.append(importlib.import_module(f"tests.{package.name}.access"))
        except ModuleNotFoundError:
            continue
    return modules


def _collect() -> dict[str, list[Rule]]:
    rules: dict[str, list[Rule]] = {}
    for module in _modules():
        for name, entries in module.RULES.items():
            assert name not in rules, f"{name} has rules in two places"
            rules[name] = entries
    return rules


RULES = _collect()
# An app's access.py may define `extra(world) -> dict` to add records its rules point at
# (World.extra), made by the owning organisation's practitioner.
EXTRAS: list[Callable[[World], dict[str, Any]]] = [
    module.extra for module in _modules() if callable(getattr(module, "extra", None))
]


def test_every_url_has_an_access_rule() -> None:
    assert sorted(set(_walk(get_resolver()))) == sorted(RULES)


CASES = [(name, i) for name, rules in RULES.items() for i in range(len(rules))]


def _shown_to(visitor: User | None) -> int:
    """Access records of people shown to this visitor so far."""
    if visitor is None:
        return 0
    return AccessRecord.objects.filter(user=visitor, outcome=Outcome.SHOWN).count()


def _visitor(who: str, practitioner: User, outsider: User) -> User | None:
    if who == "practitioner":
        return practitioner
    if who == "other":
        return outsider
    if who == "anonymous":
        return None
    return UserFactory.create(
        organisation=practitioner.organisation,
        username=f"matrix-{who}",
        role=Role(who),
        is_staff=who == "administrator",
    )


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n}-{i}" for n, i in CASES])
@pytest.mark.parametrize("who", WHO)
def test_access(
    client: Client,
    practitioner: User,
    outsider: User,
    person: Person,
    name: str,
    index: int,
    who: str,
) -> None:
    rule = RULES[name][index]
    world = World(
        person=person, decision=decision_actions.start_decision(actor=practitioner, subject=person)
    )
    for extra in EXTRAS:
        world.extra.update(extra(world))
    if who == "revoked_recipient":
        world.extra["revoke_disclosure"]()
    visitor = (
        world.extra["recipient"]
        if who in {"recipient", "revoked_recipient"}
        else _visitor(who, practitioner, outsider)
    )
    # An API operation is called with the visitor's own token; a page, signed in.
    api: dict[str, Any] = {"headers": {}} if rule.auth == "token" else {}
    if visitor is not None and rule.auth == "token":
        api["headers"] = api_token_headers(visitor)
    elif visitor is not None:
        client.force_login(visitor)
    url = rule.url(world)
    data = rule.data(world) if rule.data else {}
    if api and rule.method != "get":
        api["content_type"] = "application/json"
    shown_before = _shown_to(visitor)
    response = getattr(client, rule.method)(url, data, **api)
    expected = rule.expected(who)
    assert response.status_code == expected, f"{rule.method.upper()} {name} as {who}"
    if who == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    # A streamed download (a CSV export) is read whole, as the no-leak checks need it.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content = body.decode(errors="replace")
    if who in {"other", "auditor", "administrator", "anonymous", "revoked_recipient"} or (
        who == "recipient" and not rule.shows_shared_subject
    ):
        # No leak: nobody outside the owning organisation's case roles sees the person,
        # except the named recipient of a disclosure, on its content page, until revoked.
        assert "Lily" not in content, f"{name} as {who}"
    if rule.hides is not None:
        assert rule.hides(world) not in content, f"{name} as {who} shows what it must not"
    if "Lily" in content:
        # Read audit completeness: whatever shows the person records that it did, in the
        # same request (issue 6).
        assert _shown_to(visitor) > shown_before, f"{name} as {who} shows Lily unrecorded"


OUTSIDE = ["outside_recipient", "revoked_outside_recipient", "expired_outside_recipient"]


@pytest.mark.parametrize("who", OUTSIDE)
def test_access_as_the_outside_recipient(
    client: Client, practitioner: User, person: Person, who: str
) -> None:
    """The recipient outside safeshare (tests/outside/access.py's disclosure to a directory
    contact with no account) at every URL: its browser session entered the link's code,
    then the disclosure is revoked, or the clock passes the link's end with the session
    kept alive. It gets only what its rules give it and otherwise what an anonymous visitor
    gets; nothing shows the person but its own content page, recorded as read. One world
    serves every URL (a world per URL, as above, would add minutes to each database's
    run); each request carries a fresh copy of that session, so an earlier URL (signing
    out) cannot change what a later one sees."""
    world = World(
        person=person, decision=decision_actions.start_decision(actor=practitioner, subject=person)
    )
    for extra in EXTRAS:
        world.extra.update(extra(world))
    issued = world.extra["outside_issued"]
    entered = client.post(reverse("outside:code", args=[issued.token]), {"code": issued.code})
    assert entered.status_code == 302, "the link and code open it"
    session = client.session
    if who == "expired_outside_recipient":
        session.set_expiry(datetime.timedelta(days=60))
        session.save()
    held = dict(session.items())
    expiry = session.get_expiry_date()
    if who == "revoked_outside_recipient":
        disclosure_actions.revoke(actor=practitioner, disclosure=issued.disclosure, reason="Wrong")
    later = timezone.now() + datetime.timedelta(days=15)  # past the link's 14 days at most
    clock = (
        mock.patch.object(timezone, "now", lambda: later)
        if who == "expired_outside_recipient"
        else contextlib.nullcontext()
    )

    def reader_records() -> int:
        return AccessRecord.objects.exclude(outside_reader="").count()

    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore
    visitor = Client()  # one client: each builds its own handler, which takes ~1 s
    wrong: list[str] = []
    with clock:
        for name, rules in RULES.items():
            for rule in rules:
                copy = store()
                copy.update(held)
                copy.set_expiry(expiry)
                copy.save()
                visitor.cookies[settings.SESSION_COOKIE_NAME] = copy.session_key
                url = rule.url(world)
                data = rule.data(world) if rule.data else {}
                api: dict[str, Any] = {}
                if rule.auth == "token" and rule.method != "get":
                    api["content_type"] = "application/json"
                before = reader_records()
                response = getattr(visitor, rule.method)(url, data, **api)
                expected = rule.expected(who)
                if response.status_code != expected:
                    wrong.append(f"{rule.method.upper()} {name}: {response.status_code}")
                    continue
                to_sign_in = expected == 302 and who not in rule.roles
                if to_sign_in and not response["Location"].startswith(reverse("accounts:sign_in")):
                    wrong.append(f"{name}: sent to {response['Location']}")
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                content = body.decode(errors="replace")
                if "Lily" in content:
                    if who != "outside_recipient" or not rule.shows_outside_recipient:
                        wrong.append(f"{name} shows the person")
                    elif reader_records() <= before:
                        wrong.append(f"{name} shows the person unrecorded")
                if rule.hides is not None and rule.hides(world) in content:
                    wrong.append(f"{name} shows what it must not")
    assert wrong == [], f"as {who}"
