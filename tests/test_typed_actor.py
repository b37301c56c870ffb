"""Every action, permission and query names who acts: `actor: User` or `user: User` (or
`User | None` where nobody may be signed in), never `Any`, so that mypy (strict) holds each
rule to a real user. Read from the source with ast, across src/safeshare."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "safeshare"
WHO = {"actor", "user"}
# The modules that hold actions, rules and reads (docs/modules.md), and every view.
RULE_MODULES = {"actions", "permissions", "queries", "presenters", "answering", "views", "people"}
ALLOWED = {"User", "User | None", "AbstractBaseUser | AnonymousUser"}


def _untyped_actors(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        for argument in arguments:
            if argument.arg not in WHO:
                continue
            annotation = ast.unparse(argument.annotation) if argument.annotation else ""
            if annotation.strip("'\"") not in ALLOWED:
                found.append(f"{filename}:{node.lineno} {node.name}({argument.arg}: {annotation})")
    return found


def test_no_any_actor() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.stem not in RULE_MODULES and "views" not in path.parts:
            continue
        found += _untyped_actors(path.read_text(), str(path.relative_to(PACKAGE)))
    assert found == []


def test_the_reader_sees_an_untyped_actor() -> None:
    source = "def f(*, actor: Any) -> None: ...\ndef g(user): ...\ndef h(user: User): ...\n"
    assert _untyped_actors(source, "x.py") == ["x.py:1 f(actor: Any)", "x.py:2 g(user: )"]
