"""The API's bookkeeping under simultaneous calls from several processes, as several app
servers would make them (not a benchmark; tests/api/test_concurrency.py runs it).

    python bench/api_concurrency.py rate-limit  --processes 4 --calls 50
    python bench/api_concurrency.py idempotency --processes 4 --rounds 5

rate-limit: every process counts calls of one token at once (actions.count_call); each
call must get its own number, and the count must be the sum. idempotency: every process
raises "the same" request with one Idempotency-Key at once (actions.once around the real
action); one request must be made, and every process must answer with it.

Each runs in a scratch database (ledger_scratch.py): a SQLite file, or a new database on
the PostgreSQL server DATABASE_URL names. Processes start together at a moment agreed in
advance, so that their calls overlap.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

from ledger_scratch import environment, migrate, scratch_database, setup_django

# The processes wait until this long after they are started, so all are ready to go.
START_DELAY = 4.0


def _wait(start: float) -> None:
    time.sleep(max(0.0, start - time.time()))


def _fixtures() -> dict[str, str]:
    from safeshare.accounts.models import Organisation, Role, User
    from safeshare.api.actions import create_token
    from safeshare.vocabulary.purposes import seed_purposes

    seed_purposes()
    school = Organisation.objects.create(name="Riverside Primary School", kind="school")
    police = Organisation.objects.create(name="Northshire Police", kind="police")
    user = User.objects.create(username="practitioner", organisation=school, role=Role.PRACTITIONER)
    token, _secret = create_token(actor=user, name="Concurrency")
    return {"user": str(user.pk), "token": str(token.pk), "to": str(police.pk)}


def _workers(url: str, mode: str, args: list[str], processes: int) -> list[str]:
    start = time.time() + START_DELAY
    script = os.path.abspath(__file__)
    running = [
        subprocess.Popen(  # noqa: S603 — this script itself, with arguments it made
            [sys.executable, script, "worker", mode, url, str(start), *args],
            env=environment(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    outputs = []
    for process in running:
        out, err = process.communicate(timeout=300)
        if process.returncode != 0:
            raise SystemExit(f"a worker failed:\n{err}")
        outputs.append(out)
    return outputs


def worker(mode: str, url: str, start: float, args: list[str]) -> int:
    setup_django(url)
    from safeshare.accounts.models import Organisation, User
    from safeshare.api import actions
    from safeshare.api.models import ApiToken
    from safeshare.requests.actions import raise_request
    from safeshare.vocabulary.models import Purpose

    if mode == "count":
        token = ApiToken.objects.get(pk=args[0])
        calls = int(args[1])
        # One window for the whole run, whenever the clock's minute turns: this counts
        # calls; tests/api/test_rate_limit.py moves the clock.
        actions.current_minute = lambda: 1_000
        _wait(start)
        print(json.dumps([actions.count_call(token) for _ in range(calls)]))
        return 0
    user = User.objects.get(pk=args[0])
    to = Organisation.objects.get(pk=args[1])
    key = args[2]
    # Each process would make a request of its own (raise_request returns one still open
    # only when the content is the same), so only the key can make them one.
    details: dict[str, Any] = {
        "subject_details": "A child at Riverside Primary School",
        "purpose_category": Purpose.objects.get(name="Early help assessment"),
        "purpose": f"Early help assessment (process {os.getpid()})",
        "information_needed": "Attendance this term",
        "why_needed": "To plan support",
        "urgency": "standard",
        "statutory_basis": "none",
        "statutory_basis_detail": "",
    }
    fingerprint = actions.request_hash("raiseRequest", "/api/v1/requests", {"key": key})

    def create() -> Any:
        # Slow enough that the other processes arrive while this one holds the key.
        made = raise_request(actor=user, to_organisation=to, details=details)
        time.sleep(0.2)
        return made.pk

    _wait(start)
    print(json.dumps(str(actions.once(actor=user, key=key, request=fingerprint, create=create))))
    return 0


def rate_limit(processes: int, calls: int) -> int:
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        migrate(url)
        setup_django(url)
        from django.db import connection

        from safeshare.api.models import CallCount

        ids = _fixtures()
        connection.close()
        counted = [
            n for out in _workers(url, "count", [ids["token"], str(calls)], processes)
            for n in json.loads(out)
        ]  # fmt: skip
        total = processes * calls
        stored = list(CallCount.objects.values_list("calls", flat=True))
        distinct = sorted(counted) == list(range(1, total + 1))
        ok = distinct and stored == [total]
        print(
            f"{connection.vendor}: {processes} processes x {calls} calls = {len(counted)} counted; "
            f"each its own number: {distinct}; stored count: {stored}"
        )
        connection.close()
    return 0 if ok else 1


def idempotency(processes: int, rounds: int) -> int:
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        migrate(url)
        setup_django(url)
        from django.db import connection

        from safeshare.api.models import IdempotentCall
        from safeshare.ledger.models import Entry
        from safeshare.requests.models import InformationRequest

        ids = _fixtures()
        connection.close()
        ok = True
        for n in range(rounds):
            key = f"round-{n}"
            answers = {
                json.loads(out)
                for out in _workers(url, "once", [ids["user"], ids["to"], key], processes)
            }
            ok = ok and len(answers) == 1
        made = InformationRequest.objects.count()
        entries = Entry.objects.filter(event_type="requests.request.received").count()
        keys = IdempotentCall.objects.count()
        ok = ok and made == entries == keys == rounds
        print(
            f"{connection.vendor}: {rounds} rounds of {processes} processes with one key each: "
            f"{made} requests made, {entries} ledger entries, {keys} keys; "
            f"every process answered with the same request: {ok}"
        )
        connection.close()
    return 0 if ok else 1


def main() -> int:
    if sys.argv[1:2] == ["worker"]:
        mode, url, start, *rest = sys.argv[2:]
        return worker(mode, url, float(start), rest)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    limit = commands.add_parser("rate-limit")
    limit.add_argument("--processes", type=int, default=4)
    limit.add_argument("--calls", type=int, default=50)
    once = commands.add_parser("idempotency")
    once.add_argument("--processes", type=int, default=4)
    once.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.command == "rate-limit":
        return rate_limit(args.processes, args.calls)
    return idempotency(args.processes, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
