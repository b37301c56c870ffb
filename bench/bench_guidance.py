"""Evaluations per second of the guidance engine, in one process.

    .venv/bin/python bench/bench_guidance.py [--seconds N]

Runs a fixed mix of answer sets (every outcome, short and long paths, with and without
lawful bases) against both shipped policies, after loading them once as the web service
does. Goal: at least 100,000 evaluations a second on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Mapping

from safeshare.guidance import evaluate, load_policy

GOAL_PER_SECOND = 100_000

NO_RISK = {"immediate_risk": False, "legitimate_purpose": "yes", "identifiable": True}
ANSWER_SETS: list[Mapping[str, object]] = [
    {},
    {"immediate_risk": True},
    {"immediate_risk": True, "legitimate_purpose": "no", "unsure": True},
    {"immediate_risk": False},
    {"immediate_risk": False, "legitimate_purpose": "no"},
    {"immediate_risk": False, "legitimate_purpose": "unsure"},
    {"immediate_risk": False, "legitimate_purpose": "yes", "identifiable": False},
    {**NO_RISK, "consent": "given"},
    {**NO_RISK, "consent": "refused", "special_category": False},
    {
        **NO_RISK,
        "consent": "refused",
        "special_category": False,
        "lawful_bases": ["art6-e-public-task", "ca1989-s47", "confidentiality-public-interest"],
    },
    {
        **NO_RISK,
        "consent": "not_appropriate",
        "special_category": True,
        "lawful_bases": ["art6-e-public-task", "dpa-sch1-para18"],
    },
    {
        **NO_RISK,
        "consent": "withdrawn",
        "special_category": True,
        "lawful_bases": ["art6-a-consent", "art9-g-substantial-public-interest"],
    },
    {**NO_RISK, "consent": "not_sought", "special_category": False, "lawful_bases": []},
    {**NO_RISK, "unsure": True, "unsure_at": "consent"},
]


def run(seconds: float) -> tuple[int, float]:
    policies = [load_policy("hmg-2018"), load_policy("hmg-2024")]
    work = [(p, a) for p in policies for a in ANSWER_SETS]
    for policy, answers in work:  # warm the caches, as a running service would have
        evaluate(policy, answers)
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for policy, answers in work:
            evaluate(policy, answers)
        count += len(work)
        now = time.perf_counter()
        if now >= deadline:
            return count, now - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    count, elapsed = run(args.seconds)
    rate = count / elapsed
    print(f"python {platform.python_version()} on {platform.machine()}, 1 process")
    print(f"{count} evaluations in {elapsed:.2f} s: {rate:,.0f} evaluations/s")
    print(f"goal {GOAL_PER_SECOND:,}/s: {'met' if rate >= GOAL_PER_SECOND else 'NOT met'}")
    return 0 if rate >= GOAL_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
