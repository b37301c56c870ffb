"""`safeshare jobs run [--once] | list`: the scheduled jobs (docs/operations.md)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safeshare.jobs import queries, runner
from safeshare.jobs.models import JobRun
from safeshare.jobs.registry import all_jobs, get


class Command(BaseCommand):
    help = (
        "Scheduled jobs: `run` runs them in the foreground (safe on every app server: each "
        "job runs once per slot), `run --once` runs what is due and exits, `list` shows them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        run = sub.add_parser("run", help="run the jobs as they fall due, until stopped")
        run.add_argument(
            "--once",
            action="store_true",
            help="run what is due now, print a line for each job run, and exit (for cron); "
            "exit 1 if a job failed",
        )
        run.add_argument(
            "--job",
            action="append",
            metavar="NAME",
            help="only this job (repeat for more; default: all)",
        )
        sub.add_parser("list", help="each job, its schedule and its last run")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list()
            return
        jobs = all_jobs()
        if options["job"]:
            try:
                jobs = [get(name) for name in options["job"]]
            except KeyError as exc:
                raise CommandError(
                    f"No job named {exc.args[0]!r}: see `safeshare jobs list`"
                ) from exc
        if options["once"]:
            self._once(jobs)
        else:
            self._forever()

    def _report(self, ran: runner.Ran) -> None:
        self.stdout.write(ran.line())
        self.stdout.flush()

    def _once(self, jobs: list[Any]) -> None:
        ran = runner.run_due(jobs=jobs, report=self._report)
        if not ran:
            self.stdout.write("No job is due.")
        failed = [r.job for r in ran if r.outcome == JobRun.Outcome.FAILED]
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}", returncode=1)

    def _forever(self) -> None:
        stop = threading.Event()

        def stopping(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, stopping)
        signal.signal(signal.SIGINT, stopping)
        names = ", ".join(job.name for job in all_jobs()) or "none"
        self.stderr.write(f"safeshare jobs: running {names} (SIGTERM or Ctrl+C stops it)")
        runner.run_forever(stop, report=self._report)
        self.stderr.write("safeshare jobs: stopped")

    def _list(self) -> None:
        last = queries.last_runs()
        rows = []
        for job in all_jobs():
            run = last.get(job.name)
            seen = (
                "never run"
                if run is None
                else f"last {timezone.localtime(run.slot):%Y-%m-%d %H:%M} {run.outcome}"
                f" {run.count}" + (f" ({run.error_class})" if run.error_class else "")
            )
            rows.append(f"{job.name}  {job.schedule}  {seen}\n    {job.description}")
        self.stdout.write("\n".join(rows) if rows else "No job is registered.")
