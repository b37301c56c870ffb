"""Every URL the service has, tried as each role of the owning organisation, as another
organisation, as the recipient of a disclosure (before and after it is revoked) and
anonymously. A new URL without a rule in `tests/<app>/access.py` fails
`test_every_url_has_an_access_rule`. Every response that shows the person must have
written an access record for it in the same request."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from safeshare.accounts.models import Role, User
from safeshare.audit.models import AccessRecord, Outcome
from safeshare.decisions import actions as decision_actions
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
