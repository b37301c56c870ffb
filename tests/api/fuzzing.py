"""Schemathesis against the API: the data it needs, and one way to run it.

Used by tests/api/test_schemathesis.py (a live server on the suite's database, 50 examples
per operation) and by bench/fuzz_api.sh (`safeshare serve` on a fresh demo database, 1,000).

The token belongs to the school's designated safeguarding lead in the demo partnership, who
has people, decisions and requests, and is sent a disclosure here, so that every operation
can be reached beyond 404: Schemathesis follows the document's links from search results,
lists and creations to the reads.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
FUZZ_USER = "school.dsl"
# Fixed for the suite: the number of cases per operation and phase in CI.
SUITE_EXAMPLES = 50


def seed() -> str:
    """The demo partnership, a disclosure to FUZZ_USER and a request to their school, and
    a new API token of theirs (returned). Everything goes through the service's actions."""
    from django.core.management import call_command
    from django.utils import timezone

    from safeshare.accounts.models import User
    from safeshare.api.actions import create_token
    from safeshare.disclosures.actions import send_disclosure
    from safeshare.requests.actions import raise_request
    from safeshare.subjects.models import Person
    from safeshare.vocabulary.purposes import seed_purposes
    from tests.api.conftest import request_details
    from tests.factories.decisions import DecisionFactory

    seed_purposes()
    call_command("demo", "--if-empty", stdout=StringIO())
    lead = User.objects.get(username=FUZZ_USER)
    assert lead.organisation is not None
    gp = User.objects.get(username="gp.gp")
    ava = Person.objects.get(organisation=gp.organisation, given_names="Ava", family_name="Bennett")
    shared = DecisionFactory.create(started_by=gp, subject=ava, leads_to="share", finalised=True)
    send_disclosure(
        actor=gp,
        decision=shared,
        recipient=lead,
        items=list(shared.items.all()),
        message="For the team around the family meeting.",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    raise_request(
        actor=User.objects.get(username="csc.sw"),
        to_organisation=lead.organisation,
        details=request_details(subject_details="Oliver Novak, born 30 November 2016"),
    )
    _row, token = create_token(actor=lead, name="Schemathesis")
    return token


@dataclass(frozen=True)
class Result:
    returncode: int
    output: str
    cases: int
    failures: int
    seconds: float

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and self.failures == 0 and self.cases > 0


def run(base_url: str, token: str, *, examples: int, timeout: float) -> Result:
    """`st run` on the document at `base_url` with tests/api/schemathesis.toml (every check,
    every phase, derandomised), in a process of its own. The token goes through the
    environment (the config file names it), not the command line and its process list."""
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(examples),
    ]
    environment = {
        **os.environ,
        "SAFESHARE_FUZZ_TOKEN": token,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    completed = subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return parse(completed.returncode, completed.stdout + completed.stderr)


def parse(returncode: int, output: str) -> Result:
    """The counts from st's summary: "Test cases:\\n  1981 generated, 2 found 2 unique
    failures, 16 skipped" and the closing "== 2 failures, 1 warning in 88.18s ==" (or
    "No issues found in 12.3s")."""
    cases = re.search(r"(\d+) generated", output)
    failures = re.search(r"(\d+) unique failures?", output)
    seconds = re.search(r" in ([\d.]+)s =*\s*$", output.strip())
    return Result(
        returncode=returncode,
        output=output,
        cases=int(cases.group(1)) if cases else 0,
        failures=int(failures.group(1)) if failures else 0,
        seconds=float(seconds.group(1)) if seconds else 0.0,
    )


def main(argv: list[str]) -> int:
    """For bench/fuzz_api.sh: `seed` (prints the token; Django configured from the
    environment), or `run BASE_URL EXAMPLES TIMEOUT` (prints st's report and a summary line;
    the token in SAFESHARE_FUZZ_TOKEN)."""
    if argv[:1] == ["seed"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeshare.settings")
        import django

        django.setup()
        # Emails the seeding sends (to the console without EMAIL_HOST) are not the token.
        with contextlib.redirect_stdout(sys.stderr):
            token = seed()
        print(token)
        return 0
    if argv[:1] == ["run"] and len(argv) == 4:
        base_url, examples, timeout = argv[1], int(argv[2]), float(argv[3])
        result = run(
            base_url, os.environ["SAFESHARE_FUZZ_TOKEN"], examples=examples, timeout=timeout
        )
        print(result.output)
        print(
            f"schemathesis: {result.cases} cases, {result.failures} failures, "
            f"{result.seconds:.0f} s, exit {result.returncode}"
        )
        return 0 if result.passed else 1
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
