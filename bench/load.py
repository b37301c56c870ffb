"""Load test: signed-in users on `safeshare serve`, with p50/p95/p99 per page, throughput,
and each page's p95 as a ratio to a bare view's (docs/performance.md, "Load test").

    .venv/bin/python bench/load.py                        # the seeded database (bench/seed_scale.py)
    .venv/bin/python bench/load.py --database-url sqlite:////tmp/demo.sqlite3 --load-demo
    scripts/with-postgres.sh .venv/bin/python bench/load.py --load-demo   # DATABASE_URL from it
    options: --users 50 --run-time 90 --spawn-rate 5 --csv OUT --workers N --threads N

It starts `safeshare serve` itself on 127.0.0.1 on a free port against the database given
(`--load-demo` first migrates it and loads the demo partnership into it if it is empty),
waits for it, runs locust headless (bench/locustfile.py) with the users split across the
roles (bench/load_mix.py) plus one anonymous user timing GET /health/, the baseline, then
stops the server. Every request goes to that loopback address.

Users sign in as accounts of their own, with their password and an authenticator code
(bench/load_accounts.py: existing accounts with `--password` first, then loadtest.*
accounts; their authenticators are removed afterwards). The server runs as production
does: DEBUG off, SAFESHARE_DEMO off (a second factor required), hashed and compressed
static files, the access log on.

The pages' figures cover a measured window of `--run-time` seconds, which opens once the
last user has signed in and read its discovery pages (locust's own time limit is only a
bound). Sign-in has rows of its own. The CSV gets the server's access log and locust's
summary beside it. Exits 1 on any failed request or a user that could not sign in.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import load_stats
from ledger_scratch import environment, is_postgres, setup_django
from load_mix import BASELINE_NAME, DRAFT_PAGES, PAGES, role_counts

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
# What bench/seed_scale.py writes at 1,000,000 decisions (issue 14, its default name
# var/scale-N.sqlite3): the default database.
SEEDED = ROOT / "var" / "scale-1000000.sqlite3"
STATIC = ROOT / "var" / "bench" / "static"
DEMO_PASSWORD = "demo-safeshare-2026"  # noqa: S105 — the demo's own, printed by `make run`


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _safeshare(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "import sys; from safeshare.cli import main; sys.exit(main())"]
    return subprocess.Popen([*command, *args], env=env, **kwargs)  # noqa: S603 — fixed arguments


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — loopback only
                return
        except OSError:
            time.sleep(0.2)
    sys.stderr.write(log.read_text(errors="replace")[-3000:])
    raise SystemExit(f"safeshare serve did not answer at {url}")


def _warm_up(base: str) -> None:
    """A few sign-in pages through every worker and thread first: each worker process
    loads its templates and settings on its first requests, which no user should time."""

    def fetch() -> None:
        for _ in range(8):
            with urllib.request.urlopen(f"{base}/sign-in/", timeout=30):  # noqa: S310 — loopback
                pass

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class LoadAverage(threading.Thread):
    """The 1-minute load average every 5 seconds while the test runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.before = float("nan")
        self.done = threading.Event()

    def run(self) -> None:
        self.before = os.getloadavg()[0]
        while not self.done.wait(5):
            self.samples.append(os.getloadavg()[0])


def _prepare(url: str, users: int, password: str, load_demo: bool) -> dict[str, Any]:
    setup_django(url)
    from django.core.management import call_command
    from django.db import connections

    import load_accounts

    if load_demo:
        call_command("migrate", "--no-input", verbosity=0)
        call_command("demo", "--if-empty", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    plan = load_accounts.prepare(role_counts(users), password)
    connections.close_all()
    return plan


def _restore() -> None:
    from django.db import connections

    import load_accounts

    load_accounts.restore()
    connections.close_all()


def _server_environment(url: str, port: int, args: argparse.Namespace) -> dict[str, str]:
    env = environment(url)
    for name in (
        "DEBUG",
        "SAFESHARE_DEMO",
        "SAFESHARE_REQUIRE_MFA",
        "HTTPS",
        "DJANGO_SETTINGS_MODULE",
    ):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "safeshare.settings",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DEBUG": "false",
            "SAFESHARE_DEMO": "false",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SAFESHARE_BIND": f"127.0.0.1:{port}",
            "SAFESHARE_HASHED_STATIC": "true",
            "STATIC_ROOT": str(STATIC),
        }
    )
    if args.workers:
        env["SAFESHARE_WORKERS"] = str(args.workers)
    if args.threads:
        env["SAFESHARE_THREADS"] = str(args.threads)
    return env


def _run_locust(
    base: str, plan_file: Path, samples: Path, args: argparse.Namespace, users: int, log: Path
) -> tuple[int, float]:
    """locust's exit code and the CPU seconds it used (its own summary goes to `log`)."""
    bound = int(args.run_time + users / args.spawn_rate + 180)
    env = {
        **os.environ,
        "SAFESHARE_LOAD_PLAN": str(plan_file),
        "SAFESHARE_LOAD_SAMPLES": str(samples),
        "SAFESHARE_LOAD_WAIT_MIN": str(args.wait_min),
        "SAFESHARE_LOAD_WAIT_MAX": str(args.wait_max),
        "SAFESHARE_LOAD_SECONDS": str(args.run_time),
        "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(BENCH / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(args.spawn_rate),
        # The locustfile ends the run `--run-time` seconds after the last user has signed
        # in; this is the bound if that never happens.
        "--run-time",
        f"{bound}s",
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    before = os.times()
    with log.open("wb") as locust_out:
        process = subprocess.Popen(  # noqa: S603 — fixed arguments
            command, env=env, stdout=locust_out, stderr=subprocess.STDOUT
        )
    try:
        code = process.wait(timeout=bound + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise SystemExit("locust did not stop in time") from None
    after = os.times()
    return code, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def _server_errors(log: Path) -> list[str]:
    """gunicorn's own complaints (worker timeouts, errors), not the access log's lines."""
    lines = log.read_text("utf-8", errors="replace").splitlines()
    return [line for line in lines if "[ERROR]" in line or "[CRITICAL]" in line]


def _server_shape(log: Path) -> str:
    found = re.search(r"safeshare serve: (\d+) workers x (\d+) threads", log.read_text("utf-8"))
    return f"{found.group(1)} workers x {found.group(2)} threads" if found else "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="signed-in users (default 50)")
    parser.add_argument(
        "--run-time", type=int, default=90, help="measured seconds, once all are signed in"
    )
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started a second")
    parser.add_argument("--csv", type=Path, help="where to write the figures")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else bench/seed_scale.py's")
    parser.add_argument("--load-demo", action="store_true", help="migrate, load the demo if empty")
    parser.add_argument("--workers", type=int, help="SAFESHARE_WORKERS for the server")
    parser.add_argument("--threads", type=int, help="SAFESHARE_THREADS for the server")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="of existing accounts to use")
    parser.add_argument("--wait-min", type=float, default=1.0, help="think time, seconds")
    parser.add_argument("--wait-max", type=float, default=3.0, help="think time, seconds")
    args = parser.parse_args(argv)
    if args.users < 4 or args.run_time < 10 or args.run_time > 3600 or args.spawn_rate <= 0:
        parser.error("--users at least 4, --run-time 10 to 3600 seconds, --spawn-rate above 0")

    url = args.database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{SEEDED}"
    if not is_postgres(url) and not args.load_demo and not Path(url[len("sqlite:///") :]).exists():
        raise SystemExit(f"No database at {url}: run bench/seed_scale.py, or give --load-demo")
    vendor = "postgresql" if is_postgres(url) else "sqlite"
    out = args.csv or ROOT / "var" / "bench" / f"load-{vendor}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    STATIC.mkdir(parents=True, exist_ok=True)

    plan = _prepare(url, args.users, args.password, args.load_demo)
    try:
        with tempfile.TemporaryDirectory(prefix="safeshare-load-") as folder:
            run = Path(folder)
            plan_file = run / "plan.json"
            plan_file.touch(mode=0o600)
            plan_file.write_text(json.dumps(plan), encoding="utf-8")
            port = _free_port()
            env = _server_environment(url, port, args)
            collect = _safeshare("collectstatic", "--no-input", "-v", "0", env=env)
            if collect.wait(timeout=300) != 0:
                raise SystemExit("collectstatic failed")
            log = run / "serve.log"
            with log.open("wb") as server_out:
                server = _safeshare("serve", env=env, stdout=server_out, stderr=subprocess.STDOUT)
            base = f"http://127.0.0.1:{port}"
            load = LoadAverage()
            try:
                _wait_for(f"{base}/health/", server, log, 60)
                _warm_up(base)
                load.start()
                samples = run / "samples.json"
                locust_log = run / "locust.log"
                code, locust_cpu = _run_locust(
                    base, plan_file, samples, args, args.users + 1, locust_log
                )
            finally:
                load.done.set()
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            shape = _server_shape(log)
            errors = _server_errors(log)
            # Beside the CSV: gunicorn's access log (request lines with opaque ids only) and
            # locust's own summary, to read a failure afterwards.
            shutil.copyfile(log, out.with_suffix(".serve.log"))
            if locust_log.exists():
                shutil.copyfile(locust_log, out.with_suffix(".locust.log"))
            if not samples.exists():
                sys.stderr.write(locust_log.read_text(errors="replace")[-3000:])
                raise SystemExit(f"locust wrote no samples (exit {code})")
            result = json.loads(samples.read_text("utf-8"))
    finally:
        _restore()
    return _report(result, out, shape, errors, vendor, load, locust_cpu, args)


def _report(
    result: dict[str, Any],
    out: Path,
    shape: str,
    server_errors: list[str],
    vendor: str,
    load_average: LoadAverage,
    locust_cpu: float,
    args: argparse.Namespace,
) -> int:
    seconds = float(result["seconds"])
    order = list(dict.fromkeys(page.label for page in (*PAGES, *DRAFT_PAGES)))
    rows = load_stats.summarise(result["times"], result["failures"], BASELINE_NAME, seconds, order)
    base_p95 = rows[-1].p95
    # Setup requests: the sign-in steps get rows; reading the discovery pages only counts
    # its failures.
    sign_in = [
        load_stats.row(name, times, result["sign_in_failures"].get(name, 0), seconds=0)
        for name, times in sorted(result["sign_in_times"].items())
        if name.startswith("sign-in ")
    ]
    setup_failures = sum(
        n for name, n in result["sign_in_failures"].items() if not name.startswith("sign-in ")
    )
    for r in sign_in:
        rows.append(
            load_stats.Row(
                **{**r.__dict__, "p95_ratio": r.p95 / base_p95 if r.p95 and base_p95 else None}
            )
        )
    load_stats.write_csv(out, rows)
    print(load_stats.table(rows))
    failures = setup_failures + sum(r.failures for r in rows if r.page != load_stats.ALL_PAGES)
    everything = next(r for r in rows if r.page == load_stats.ALL_PAGES)
    load = load_average.samples
    mean_load = sum(load) / len(load) if load else float("nan")
    print(
        f"\n{vendor}: {args.users} signed-in users + 1 baseline, {shape}, measured "
        f"{seconds:.0f} s once all had signed in; pages {everything.rps or 0:.1f} requests/s; "
        f"failures {failures}; load average {load_average.before:.1f} before, "
        f"{mean_load:.1f} mean, {max(load, default=float('nan')):.1f} max while it ran "
        f"({os.cpu_count()} cores); "
        f"locust used {locust_cpu:.0f} CPU-seconds; {out}"
    )
    for reason, count in sorted(result["reasons"].items()):
        print(f"  failed {count}: {reason}")
    if not result["all_signed_in"]:
        print(f"  only {result['ready']} of {result['expected']} users signed in")
    # A worker gunicorn killed (its timeout) drops its connections: the users send those
    # requests again once (locustfile.RECONNECT), so the server's log is the one to count.
    troubles = [line for line in server_errors if line]
    for line in troubles[:10]:
        print(f"  server: {line}")
    return 1 if failures or troubles or not result["all_signed_in"] else 0


if __name__ == "__main__":
    sys.exit(main())
