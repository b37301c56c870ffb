#!/usr/bin/env bash
# Schemathesis against the API at 1,000 examples per operation (the suite runs 50): a freshly
# migrated and demo-seeded SQLite database in a temporary folder, served by `safeshare serve`
# on 127.0.0.1 on a free port; every check and every phase (tests/api/schemathesis.toml).
# Prints st's report and a summary line; exits non-zero on any failure. Results go in
# docs/performance.md ("API fuzzing").
#
#   bench/fuzz_api.sh [EXAMPLES] [TIMEOUT_SECONDS]     (defaults: 1000, 3600)
set -euo pipefail

EXAMPLES=${1:-1000}
TIMEOUT=${2:-3600}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin"
DIR=$(mktemp -d /tmp/safeshare-fuzz.XXXXXX)
SERVER=""

stop() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}
trap stop EXIT

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Throwaway settings for this run only; nothing else reads them.
export SAFESHARE_VAR_DIR="$DIR" DATABASE_URL="sqlite:///$DIR/safeshare.sqlite3"
export SECRET_KEY="fuzz-only-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(40))')"
export DEBUG=false HTTPS=false SAFESHARE_DEMO=true SAFESHARE_BIND="127.0.0.1:$PORT"
export SAFESHARE_WORKERS=${SAFESHARE_WORKERS:-2}
# The fuzzer makes thousands of calls a minute with one token: it tests the API, not the limit
# (tests/api/test_rate_limit.py does).
export SAFESHARE_API_CALLS_PER_MINUTE=100000000
# The requests it raises email the receiving managers: not to the console here.
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.dummy.EmailBackend}
"$BIN/safeshare" ledger keygen --out "$DIR/ledger_key" >/dev/null
export SAFESHARE_LEDGER_SIGNING_KEY_FILE="$DIR/ledger_key"

cd "$ROOT"
started=$(date +%s)
"$BIN/safeshare" migrate --no-input -v 0
SAFESHARE_FUZZ_TOKEN=$("$BIN/python" -m tests.api.fuzzing seed)
export SAFESHARE_FUZZ_TOKEN
echo "database migrated and seeded in $(( $(date +%s) - started )) s"

"$BIN/safeshare" serve >"$DIR/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/sign-in/"; then break; fi
  sleep 0.2
done

echo "machine: $(nproc) cores, $(uname -sm); $SAFESHARE_WORKERS gunicorn workers"
"$BIN/python" -m tests.api.fuzzing run "http://127.0.0.1:$PORT" "$EXAMPLES" "$TIMEOUT"
