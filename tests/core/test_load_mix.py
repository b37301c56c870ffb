"""The load test's mix (bench/load_mix.py) covers every page: each URL name is loaded, with
its route as urls.py has it, or left out with a reason. A new page fails here until the
load test knows what to do with it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import load_mix  # bench/ is not a package: on sys.path above


def _routes(resolver: URLResolver, prefix: str = "/", namespace: str = "") -> dict[str, set[str]]:
    """URL name -> the routes it answers at, joined as Django joins them."""
    found: dict[str, set[str]] = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, routes in _routes(pattern, route, inner).items():
                found.setdefault(name, set()).update(routes)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.setdefault(namespace + pattern.name, set()).add(route)
    return found


ROUTES = {
    name: routes
    for name, routes in _routes(get_resolver()).items()
    if name.split(":")[0] not in {"admin", *load_mix.NOT_LOADED_NAMESPACES}
}


def test_every_page_is_loaded_or_left_out_with_a_reason() -> None:
    loaded = {page.url_name for page in (*load_mix.PAGES, *load_mix.DRAFT_PAGES)}
    assert not loaded & set(load_mix.NOT_LOADED), "a page cannot be both loaded and left out"
    assert sorted(loaded | set(load_mix.NOT_LOADED)) == sorted(ROUTES)
    assert all(reason.strip() for reason in load_mix.NOT_LOADED.values())


@pytest.mark.parametrize("page", (*load_mix.PAGES, *load_mix.DRAFT_PAGES), ids=lambda p: p.label)
def test_each_loaded_page_has_the_route_urls_py_gives_it(page: load_mix.Page) -> None:
    assert page.route in ROUTES[page.url_name]
    assert page.weights and set(page.weights) <= set(load_mix.ROLES)


def test_the_api_is_the_namespace_left_out() -> None:
    names = _routes(get_resolver())
    assert any(name.startswith("api:") for name in names)


def test_a_route_pattern_matches_paths_with_ids_only() -> None:
    page = next(p for p in load_mix.PAGES if p.url_name == "subjects:show")
    assert page.pattern.match("/people/6f1c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/")
    assert not page.pattern.match("/people/new/")
    assert not page.pattern.match("/people/6f1c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/extra/")
    assert page.label == "GET /people/<uuid:person_id>/"


@pytest.mark.parametrize(
    ("users", "expected"),
    [
        (50, {"practitioner": 29, "manager": 10, "ig_lead": 10, "auditor": 1}),
        (4, {"practitioner": 1, "manager": 1, "ig_lead": 1, "auditor": 1}),
    ],
)
def test_users_are_split_across_the_roles(users: int, expected: dict[str, int]) -> None:
    assert load_mix.role_counts(users) == expected
    assert sum(load_mix.role_counts(users).values()) == users


def test_every_role_reaches_some_page_and_discovers_from_pages_it_may_see() -> None:
    for role in load_mix.ROLES:
        assert load_mix.pages_for(role)
        assert load_mix.DISCOVERY[role][0] == "/"
