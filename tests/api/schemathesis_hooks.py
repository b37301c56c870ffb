"""Schemathesis hooks for fuzzing the API (SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks;
tests/api/fuzzing.py sets it).

A client sends a new Idempotency-Key with each new request (docs/api.md). The fuzzer draws
keys at random, often the same short one ("0") for different bodies, which the API rightly
refuses with 422 (the key was used for a different request): a stateful rule the document
cannot state. So a valid drawn key becomes a fresh one for each case; an invalid one (a
negative case testing the header itself) is sent as drawn. Repeating and reusing keys are
tested in tests/api/test_idempotency.py.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import schemathesis

# New for each run, so that a run against a database an earlier run used repeats no key.
_RUN = secrets.token_hex(4)
_fresh = itertools.count(1)


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = case.headers
    if not headers or "Idempotency-Key" not in headers:
        return
    meta = case.meta
    if meta is not None and meta.generation.mode.is_negative:
        return
    headers["Idempotency-Key"] = f"fuzz-{_RUN}-{next(_fresh)}"
