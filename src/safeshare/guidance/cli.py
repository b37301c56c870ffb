"""`safeshare guidance ...`: the engine on the command line, for agencies that script against it.

    safeshare guidance evaluate [--policy ID] FILE    answers (JSON object, - for stdin) -> JSON
    safeshare guidance bases [--json]                 the lawful-basis catalogue
    safeshare guidance check FILE...                  validate policy files
    safeshare guidance policies [--json]              the policies this installation knows

Exit status: 0 done; 1 `check` found problems; 2 bad input, with one line on stderr that
names the key (`error: lawful_bases: unknown lawful basis id 'foo'`). Extra policy
directories come from SAFESHARE_POLICY_DIRS (separated by os.pathsep). This module must not
import Django: `safeshare.cli` calls it before any settings exist.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .catalogue import catalogue
from .evaluate import evaluate
from .loading import available_policies, check_policy_file, load_policy, policy_dirs_from_env
from .model import AnswerError
from .schema import PolicyError


class _UsageError(Exception):
    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


class _Parser(argparse.ArgumentParser):
    # argparse prints a usage block over several lines; the contract is one line.
    def error(self, message: str) -> NoReturn:
        raise _UsageError("usage", message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="safeshare guidance", description="Information sharing guidance.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ev = commands.add_parser("evaluate", help="evaluate a JSON object of answers")
    ev.add_argument("--policy", metavar="ID", help="policy id (default: hmg-2024)")
    ev.add_argument("file", metavar="FILE", help="JSON file of answers, or - for standard input")
    bases = commands.add_parser("bases", help="list the lawful-basis catalogue")
    bases.add_argument("--json", action="store_true", help="print JSON")
    check = commands.add_parser("check", help="validate policy files")
    check.add_argument("files", metavar="FILE", nargs="+")
    policies = commands.add_parser("policies", help="list the available policies")
    policies.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _dump(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _UsageError(key, "given more than once")
        out[key] = value
    return out


def _read_answers(name: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise _UsageError(name, f"cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise _UsageError(name, "the file is not UTF-8 text") from exc
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise _UsageError(name, f"not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise _UsageError("answers", "expected a JSON object of answers")
    return data


def _policy_error(exc: PolicyError) -> _UsageError:
    lines = exc.lines()
    more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
    return _UsageError("policy", f"{lines[0]}{more}")


def _evaluate(args: argparse.Namespace) -> int:
    answers = _read_answers(args.file)
    try:
        policy = load_policy(args.policy, extra_dirs=policy_dirs_from_env())
    except PolicyError as exc:
        if not exc.problems and not exc.path:
            raise _UsageError("--policy", str(exc)) from exc
        raise _policy_error(exc) from exc
    try:
        evaluation = evaluate(policy, answers)
    except AnswerError as exc:
        raise _UsageError(exc.key, exc.message) from exc
    _dump(evaluation.to_json(), sys.stdout)
    return 0


def _bases(args: argparse.Namespace) -> int:
    bases = list(catalogue().bases.values())
    if args.json:
        _dump([b.to_json() for b in bases], sys.stdout)
        return 0
    width = max(len(b.id) for b in bases)
    for b in bases:
        without = "without consent" if b.without_consent else "not without consent"
        sys.stdout.write(f"{b.id:<{width}}  {b.family:<17}  {without:<19}  {b.title}\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        problems = check_policy_file(name)
        for problem in problems:
            sys.stdout.write(f"{name}: {problem}\n")
        if problems:
            status = 1
        else:
            sys.stdout.write(f"{name}: ok\n")
    return status


def _policies(args: argparse.Namespace) -> int:
    try:
        policies = available_policies(policy_dirs_from_env())
    except PolicyError as exc:
        raise _policy_error(exc) from exc
    rows = [
        {
            "id": p.id,
            "version": p.version,
            "title": p.title,
            "source_edition": p.source_edition,
            "date": p.date.isoformat(),
            "sha256": p.sha256,
            "path": p.path,
        }
        for p in policies
    ]
    if args.json:
        _dump(rows, sys.stdout)
    else:
        for row in rows:
            sys.stdout.write(f"{row['id']}  version {row['version']}  {row['title']}\n")
    return 0


def main(argv: Sequence[str]) -> int:
    try:
        args = _parser().parse_args(list(argv))
        if args.command == "evaluate":
            return _evaluate(args)
        if args.command == "bases":
            return _bases(args)
        if args.command == "check":
            return _check(args)
        return _policies(args)
    except _UsageError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the message held
        sys.stderr.write(f"error: {exc.key}: {message}\n")
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
