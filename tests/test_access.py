"""Every URL the service has, tried as its own organisation, another organisation and
anonymously. A new URL without an entry here fails `test_every_url_has_an_access_rule`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeshare.accounts.models import User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Rule:
    method: str
    url: Callable[[Person, Decision], str]
    own: int  # status for a practitioner of the owning organisation
    other: int  # status for a practitioner of another organisation
    anonymous: int = 302  # sent to sign in


def _walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin: covered by accounts/test_sign_in (administrators only)
            names += _walk(
                pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(prefix + pattern.name)
    return names


RULES: dict[str, list[Rule]] = {
    "core:home": [Rule("get", lambda p, d: reverse("core:home"), 200, 200)],
    "core:about": [Rule("get", lambda p, d: reverse("core:about"), 200, 200, anonymous=200)],
    "core:accessibility": [
        Rule("get", lambda p, d: reverse("core:accessibility"), 200, 200, anonymous=200)
    ],
    "accounts:sign_in": [
        Rule("get", lambda p, d: reverse("accounts:sign_in"), 302, 302, anonymous=200)
    ],
    "accounts:sign_out": [
        Rule("post", lambda p, d: reverse("accounts:sign_out"), 200, 200, anonymous=302)
    ],
    "subjects:search": [Rule("get", lambda p, d: reverse("subjects:search"), 200, 200)],
    "subjects:new": [Rule("get", lambda p, d: reverse("subjects:new"), 200, 200)],
    "subjects:show": [Rule("get", lambda p, d: reverse("subjects:show", args=[p.pk]), 200, 404)],
    "decisions:index": [Rule("get", lambda p, d: reverse("decisions:index"), 200, 200)],
    "decisions:start": [
        Rule("post", lambda p, d: reverse("decisions:start", args=[p.pk]), 302, 404)
    ],
    "decisions:show": [Rule("get", lambda p, d: reverse("decisions:show", args=[d.pk]), 302, 404)],
    "decisions:purpose": [
        Rule("get", lambda p, d: reverse("decisions:purpose", args=[d.pk]), 200, 404),
        Rule("post", lambda p, d: reverse("decisions:purpose", args=[d.pk]), 200, 404),
    ],
    "decisions:question": [
        Rule(
            "get",
            lambda p, d: reverse("decisions:question", args=[d.pk, "immediate_risk"]),
            200,
            404,
        ),
        Rule(
            "post",
            lambda p, d: reverse("decisions:question", args=[d.pk, "immediate_risk"]),
            200,
            404,
        ),
    ],
    "decisions:check": [
        Rule("get", lambda p, d: reverse("decisions:check", args=[d.pk]), 302, 404)
    ],
}


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
    draft = decision_actions.start_decision(actor=practitioner, subject=person)
    if who == "own":
        client.force_login(practitioner)
    elif who == "other":
        client.force_login(outsider)
    url = rule.url(person, draft)
    response = getattr(client, rule.method)(url)
    assert response.status_code == getattr(rule, who), f"{rule.method.upper()} {name} as {who}"
    if who == "anonymous" and rule.anonymous == 302:
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    if who == "other" and rule.other == 404:
        assert "Lily" not in response.content.decode()
