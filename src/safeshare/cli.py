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


def _serve(argv: list[str]) -> NoReturn:
    bind = os.environ.get("SAFESHARE_BIND", "127.0.0.1:8000")
    workers = os.environ.get("SAFESHARE_WORKERS", "2")
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        bind,
        "--workers",
        workers,
        "--access-logfile",
        "-",
        # The access log holds the request line only: safeshare URLs carry opaque ids.
        "--access-logformat",
        '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss',
        "safeshare.wsgi:application",
        *argv,
    ]
    os.execv(sys.executable, args)  # noqa: S606 — replaces this process with gunicorn


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
