"""The `safeshare` console command for operators.

`safeshare guidance ...` runs the pure guidance engine without Django (other agencies script
against it), and so does `safeshare ledger check-proof` (partners check proofs offline);
`safeshare serve` runs gunicorn; everything else is a Django management command
(`safeshare migrate`, `safeshare demo`, `safeshare createsuperuser`, `safeshare ledger`, ...).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

# Workers are processes: they run Python in parallel on every core and one crashing takes
# only its own requests. gunicorn's rule of thumb, 2 x cores + 1, keeps a core busy while
# another worker of it waits; the cap bounds memory (about 100 MB a worker) and database
# connections (workers x threads per app server) on large hosts: add app servers instead.
MAX_DEFAULT_WORKERS = 12
# Threads let a worker overlap the waits of a request (the database, the session saved on
# every request, SQLite's fsync) with another request's work; Python runs one thread's code
# at a time, so more than a few only adds queueing inside a worker.
DEFAULT_THREADS = 4


def cpu_count() -> int:
    """The cores this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cpus: int) -> int:
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(
            f"safeshare serve: {name} must be a whole number of 1 or more, not {raw!r}"
        )
    return int(raw)


def serve_settings(cpus: int) -> tuple[str, int, int]:
    """(bind, workers, threads): SAFESHARE_BIND, SAFESHARE_WORKERS and SAFESHARE_THREADS,
    the last two defaulting from the core count."""
    return (
        os.environ.get("SAFESHARE_BIND", "127.0.0.1:8000"),
        _count("SAFESHARE_WORKERS", default_workers(cpus)),
        _count("SAFESHARE_THREADS", DEFAULT_THREADS),
    )


def serve_arguments(argv: list[str], cpus: int) -> list[str]:
    """gunicorn's command line for `safeshare serve`; extra arguments go to gunicorn last."""
    bind, workers, threads = serve_settings(cpus)
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        bind,
        "--workers",
        str(workers),
        # gthread: a pool of threads per worker, and keep-alive connections parked
        # outside it (the sync worker has neither).
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        # The access log holds the request line only: safeshare URLs carry opaque ids.
        "--access-logformat",
        '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss',
        "safeshare.wsgi:application",
        *argv,
    ]


# `safeshare serve` keeps each thread's database connection between requests unless
# DATABASE_CONN_MAX_AGE says otherwise: a new SQLite connection per request re-reads the
# schema and starts with a cold page cache (a sixth of a decisions list page at 1,000,000
# decisions, docs/performance.md); on PostgreSQL it saves a connection's set-up.
SERVE_CONN_MAX_AGE = "60"


def _serve(argv: list[str]) -> NoReturn:
    if not os.environ.get("DATABASE_CONN_MAX_AGE", "").strip():
        os.environ["DATABASE_CONN_MAX_AGE"] = SERVE_CONN_MAX_AGE
    cpus = cpu_count()
    bind, workers, threads = serve_settings(cpus)
    print(
        f"safeshare serve: {workers} workers x {threads} threads on {bind} ({cpus} cores)",
        file=sys.stderr,
        flush=True,
    )
    os.execv(sys.executable, serve_arguments(argv, cpus))  # noqa: S606 — replaces this process with gunicorn


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else "help"
    if command == "guidance":
        from safeshare.guidance.cli import main as guidance_main

        return guidance_main(argv[2:])
    if command == "ledger" and argv[2:3] == ["check-proof"]:
        # Partners check proofs with no settings, secret key or database of ours.
        from safeshare.ledger.bundle import main as check_proof_main

        return check_proof_main(argv[3:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeshare.settings")
    if command == "serve":
        _serve(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeshare", *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
