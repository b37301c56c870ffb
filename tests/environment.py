"""Loaded by pytest (`-p tests.environment`) before pytest-django reads the settings.

Tests run as production does (DEBUG off) with a throwaway key; DATABASE_URL comes from the
caller (scripts/with-postgres.sh sets it for the PostgreSQL run).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SAFESHARE_DEMO", "false")
# Pages render with plain static names: the suite never runs collectstatic, except where
# tests/core/test_serve.py serves the hashed files as production does.
os.environ.setdefault("SAFESHARE_HASHED_STATIC", "false")
# No HTTPS redirect under the test client and the live server, which speak plain HTTP.
os.environ.setdefault("HTTPS", "false")
# A throwaway ledger signing key, published here on purpose: it signs test checkpoints only.
os.environ.setdefault("SAFESHARE_LEDGER_ORIGIN", "safeshare.test/ledger")
os.environ.setdefault(
    "SAFESHARE_LEDGER_SIGNING_KEY",
    "PRIVATE+KEY+safeshare.test/ledger+8d31aa4e+AQma055LPNZfZPg3HbYtw7eWSQQYl54XfW/rKzQi4GJP",
)
# Queued messages are sent right after the commit, so tests read django.core.mail.outbox
# as before; tests/messaging runs the delivery job itself with this off.
os.environ.setdefault("SAFESHARE_DELIVER_IMMEDIATELY", "true")
