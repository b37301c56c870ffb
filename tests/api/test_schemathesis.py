"""Schemathesis against the API on a live server (issue 13): the document states every
status an operation answers, every constraint on its input, and links that reach every
operation's logic, so a run of every check in every phase finds nothing.

The server thread runs on this test's own committed data (the demo partnership and a real
API token, tests/api/fuzzing.py), emptied afterwards as for the browser tests, so what
the fuzzer creates stays here. bench/fuzz_api.sh runs the same at 1,000 examples.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import fuzzing

OPERATIONS = 11


def test_every_check_in_every_phase_finds_nothing(
    live_server: Any, immutable_tables_emptied_after: None, settings: Any
) -> None:
    # One token makes thousands of calls a minute here: this tests the API, not its limit
    # (tests/api/test_rate_limit.py does).
    settings.SAFESHARE_API_CALLS_PER_MINUTE = 10**9
    token = fuzzing.seed()
    result = fuzzing.run(live_server.url, token, examples=fuzzing.SUITE_EXAMPLES, timeout=600)
    # Shown with `pytest -s` (or -rP): what ran, for docs/performance.md.
    print(result.output[-3000:])
    assert result.passed, result.output
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in result.output, result.output
    assert f"Selected: {OPERATIONS}/{OPERATIONS}" in result.output
    assert result.cases >= OPERATIONS * fuzzing.SUITE_EXAMPLES


FAILED_RUN = """
Failures:
  ❌ ST202 Schema-valid request rejected: 1
  ❌ ST103 Undocumented status code: 1

Test cases:
  1981 generated, 2 found 2 unique failures, 16 skipped

======================= 2 failures, 1 warning in 88.18s ========================
"""
PASSED_RUN = """
Test cases:
  1865 generated, 1865 passed, 22 skipped

========================== No issues found in 143.72s ==========================
"""


@pytest.mark.parametrize(
    ("returncode", "output", "cases", "failures", "passed"),
    [
        (1, FAILED_RUN, 1981, 2, False),
        (0, PASSED_RUN, 1865, 0, True),
        # A run that never got going (st could not load the document, say) is no pass.
        (1, "Error: Failed to load specification", 0, 0, False),
        (0, "", 0, 0, False),
    ],
)
def test_a_run_passes_only_when_it_tested_and_found_nothing(
    returncode: int, output: str, cases: int, failures: int, passed: bool
) -> None:
    result = fuzzing.parse(returncode, output)
    assert (result.cases, result.failures, result.passed) == (cases, failures, passed)
