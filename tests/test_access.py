"""Every URL the service has, tried as its own organisation, another organisation and
anonymously. A new URL without a rule in `tests/<app>/access.py` fails
`test_every_url_has_an_access_rule`."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from safeshare.accounts.models import User
from safeshare.decisions import actions as decision_actions
from safeshare.subjects.models import Person
from tests.access import Rule, World

pytestmark = pytest.mark.django_db


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


def _collect() -> dict[str, list[Rule]]:
    rules: dict[str, list[Rule]] = {}
    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{package.name}.access")
        except ModuleNotFoundError:
            continue
        for name, entries in module.RULES.items():
            assert name not in rules, f"{name} has rules in two places"
            rules[name] = entries
    return rules


RULES = _collect()


def test_every_url_has_an_access_rule() -> None:
    assert sorted(set(_walk(get_resolver()))) == sorted(RULES)


CASES = [(name, i) for name, rules in RULES.items() for i in range(len(rules))]


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n}-{i}" for n, i in CASES])
@pytest.mark.parametrize("who", ["own", "other", "anonymous"])
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
    if who == "own":
        client.force_login(practitioner)
    elif who == "other":
        client.force_login(outsider)
    url = rule.url(world)
    data = rule.data(world) if rule.data else {}
    response = getattr(client, rule.method)(url, data)
    assert response.status_code == getattr(rule, who), f"{rule.method.upper()} {name} as {who}"
    if who == "anonymous" and rule.anonymous == 302:
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    if who == "other" and rule.other == 404:
        assert "Lily" not in response.content.decode()
