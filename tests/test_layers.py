"""The apps of src/safeshare form layers that only point down (docs/adr/0013-layers.md).

This is the one place the order is written. An app may import an app of a lower layer, never
one of its own layer or a higher one, and there is no cycle between apps. Every import
counts: at module level, inside functions (lazy imports) and under TYPE_CHECKING, because
each is a dependency all the same. The modules at the package's top (settings, urls, cli,
wsgi) wire the apps together and sit above them all.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "safeshare"

# Lowest first. Apps in one layer may not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("guidance",),  # the pure engine: no Django, no other app
    ("core",),  # the shared kernel: forms, pagination, immutability, http, middleware
    ("jobs",),  # scheduled jobs, each once per slot; the apps above register theirs
    ("vocabulary",),  # purposes, urgency, contact methods, outcome codes
    ("accounts",),  # organisations, users, roles and what each role may do
    ("messaging",),  # queued emails and text messages, sent by a job (GOV.UK Notify)
    ("ledger",),  # the tamper-evident log every action appends to
    ("witness",),  # cosigning other deployments' ledger checkpoints (tlog-witness)
    ("subjects",),  # people and their identifiers
    ("audit",),  # who read which person's record
    ("signin",),  # signing in, the second factor, account changes
    ("directory", "agreements", "policies"),
    ("requests",),  # requests for information; answered through requests/answering.py
    ("decisions",),  # the decision record, which may answer a request
    ("advice",),  # advice asked from a manager, IG lead or colleague, answered into a draft
    ("families",),  # the people not yet told of a decision, their reviews and "told on ..."
    ("disclosures",),  # in-system sharing of a finalised decision's items
    ("outside",),  # disclosures to verified directory contacts with no account (ADR 0021)
    ("federation",),  # requests and signed disclosures with other partnerships (ADR 0023)
    ("consent",),  # the consent register: one consent relied on by several decisions
    ("figures",),  # counts for assurance, suppressed: no personal data
    ("subject_access",),  # subject access requests and their packs, over all of the above
    ("api",),  # the partner API over all of the above
    ("site",),  # pages across apps: home, header counts, people pages, demo data
)
TOP = "<project>"  # settings.py, urls.py, cli.py, wsgi.py


def _rank() -> dict[str, int]:
    rank = {app: level for level, apps in enumerate(LAYERS) for app in apps}
    rank[TOP] = len(LAYERS)
    return rank


def _app_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else TOP


def _imported_apps(path: Path, source: str | None = None) -> set[str]:
    module_parts = ["safeshare", *path.relative_to(PACKAGE).with_suffix("").parts]
    found: set[str] = set()
    text = path.read_text() if source is None else source
    for node in ast.walk(ast.parse(text, filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_parts[: len(module_parts) - node.level]
                names = [".".join([*base, node.module] if node.module else base)]
            elif node.module:
                names = [node.module]
            if names == ["safeshare"]:
                names = [f"safeshare.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "safeshare" and len(parts) > 1:
                target = parts[1]
                found.add(target if (PACKAGE / target).is_dir() else TOP)
    return found


def import_graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the files that import it."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PACKAGE.rglob("*.py")):
        app = _app_of(path)
        for target in _imported_apps(path):
            if target != app:
                graph[app][target].append(str(path.relative_to(PACKAGE)))
    return graph


def _apps() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def test_every_app_has_a_layer() -> None:
    placed = {app for layer in LAYERS for app in layer}
    assert _apps() - placed == set(), "place the new app in LAYERS"
    assert placed - _apps() == set(), "LAYERS names an app that no longer exists"


def test_no_import_points_up_or_across() -> None:
    rank = _rank()
    wrong = [
        f"{app} (layer {rank[app]}) imports {target} (layer {rank[target]}) in {', '.join(files)}"
        for app, targets in import_graph().items()
        for target, files in targets.items()
        if rank[target] >= rank[app]
    ]
    assert wrong == []


def test_no_cycle_between_apps() -> None:
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(app: str, path: list[str]) -> None:
        state[app] = "open"
        for target in sorted(graph.get(app, {})):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[app] = "done"

    for app in sorted(graph):
        if app not in state:
            visit(app, [app])
    assert cycles == []


def test_the_reader_counts_every_kind_of_import() -> None:
    # A lazy import inside a function, one under TYPE_CHECKING, a relative one and
    # `from safeshare import app` are all dependencies; read as if they were in core/forms.py.
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from safeshare.decisions.models import Decision\n"
        "def f():\n    from safeshare.requests import actions\n"
        "from ..site import views\n"
        "from . import http\n"
        "from safeshare import api\n"
        "import safeshare.settings\n"
    )
    found = _imported_apps(PACKAGE / "core" / "forms.py", source)
    assert found == {"decisions", "requests", "site", "core", "api", TOP}
