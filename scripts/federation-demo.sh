#!/usr/bin/env bash
# `make federation-demo` (issue 19): two safeshare deployments on loopback, with demo data,
# whose ledgers witness each other. A serves http://127.0.0.1:8000 and B
# http://127.0.0.1:8001; each has a folder of its own under var/federation/ (SQLite
# database, secret key, ledger signing key, witness key, logs), a jobs runner whose
# `ledger.witness` job sends its checkpoints to the other, and the other's log key, so it
# cosigns the other's checkpoints. Ctrl+C (or SIGTERM) stops all four processes.
#
#   FEDERATION_DEMO_PORT_A, FEDERATION_DEMO_PORT_B   the ports (default 8000 and 8001)
#   FEDERATION_DEMO_VAR                              the folder (default var/federation)
#   BIN                                              the virtualenv's bin (default .venv/bin)
#
# The set-up happens once: a second run reuses the folders, with the same ports (delete
# the folder to start again). The databases are SQLite files whatever DATABASE_URL says.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
VAR=${FEDERATION_DEMO_VAR:-$root/var/federation}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
cd "$root"
BIN=${BIN:-.venv/bin}
PORT_A=${FEDERATION_DEMO_PORT_A:-8000}
PORT_B=${FEDERATION_DEMO_PORT_B:-8001}
# Seconds to wait for a server to answer, and for the first cosignatures.
WAIT=60

port() { if [ "$1" = a ]; then echo "$PORT_A"; else echo "$PORT_B"; fi; }
other() { if [ "$1" = a ]; then echo b; else echo a; fi; }
upper() { tr a-z A-Z <<<"$1"; }
origin() { echo "safeshare.local/federation-$1"; }
witness_name() { echo "witness-$1.safeshare.local"; }
base() { echo "http://127.0.0.1:$(port "$1")"; }

partnership() { echo "$(upper "$1") partnership"; }

# The settings a deployment's own, set here whatever the caller's environment holds (the
# test suite's, say); the rest (SAFESHARE_WORKERS, ...) the caller may set.
settings() {
  local dir=$VAR/$1
  unset SECRET_KEY SAFESHARE_LEDGER_SIGNING_KEY SAFESHARE_LEDGER_SIGNING_KEY_FILE \
    SAFESHARE_WITNESS_KEY SAFESHARE_WITNESS_KEY_FILE SAFESHARE_LEDGER_CHECKPOINT_LOG \
    SAFESHARE_FEDERATION_KEY SAFESHARE_FEDERATION_KEY_FILE
  export DATABASE_URL="sqlite:///$dir/db.sqlite3" SAFESHARE_VAR_DIR="$dir" \
    STATIC_ROOT="$VAR/static" SECRET_KEY_FILE="$dir/secret_key" \
    SAFESHARE_LEDGER_ORIGIN="$(origin "$1")" SAFESHARE_DEMO=true \
    SAFESHARE_BIND="127.0.0.1:$(port "$1")" SAFESHARE_BASE_URL="$(base "$1")" \
    SAFESHARE_WORKERS="${SAFESHARE_WORKERS:-2}" SAFESHARE_WITNESS_TIMEOUT=10
}

# become a|b ARGS...: become `safeshare ARGS` as deployment a or b (`become a serve &`: $! is the
# server's own process, so stopping it stops the server).
become() {
  settings "$1"
  export SAFESHARE_LEDGER_SIGNING_KEY_FILE="$VAR/$1/ledger_key" \
    SAFESHARE_WITNESS_KEY_FILE="$VAR/$1/witness_key" \
    SAFESHARE_FEDERATION_KEY_FILE="$VAR/$1/federation_key"
  shift
  exec "$BIN/safeshare" "$@"
}

# on a|b ARGS...: run `safeshare ARGS` as deployment a or b.
on() { (become "$@"); }

# keygen a|b FILE KEYGEN-ARGS...: make a key once; its public half goes in FILE.pub.
keygen() {
  local name=$1 file=$VAR/$1/$2
  shift 2
  [ -s "$file" ] && [ -s "$file.pub" ] && return 0
  local out
  out=$(settings "$name" && "$BIN/safeshare" ledger keygen --out "$file.new" --force "$@")
  # The last line of keygen's output is the verifier key.
  printf '%s\n' "${out##*$'\n'}" >"$file.pub"
  mv "$file.new" "$file"
}

# prepare a|b: keys, database and demo data (each only the first time), static files.
prepare() {
  local name=$1 dir=$VAR/$1
  mkdir -p "$dir"
  if [ ! -s "$dir/secret_key" ]; then
    (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' \
      >"$dir/secret_key.new")
    mv "$dir/secret_key.new" "$dir/secret_key"
  fi
  keygen "$name" ledger_key --name "$(origin "$name")"
  keygen "$name" witness_key --witness --name "$(witness_name "$name")"
  if [ ! -s "$dir/federation_key" ] || [ ! -s "$dir/federation_key.pub" ]; then
    (settings "$name" && "$BIN/safeshare" federation keygen --out "$dir/federation_key" \
      --public-out "$dir/federation_key.pub" --force >/dev/null)
  fi
  on "$name" migrate --no-input -v 0
  on "$name" demo --if-empty
  if [ "$name" = a ]; then
    on "$name" collectstatic --no-input -v 0
  fi
}

# Ports are part of the set-up: each deployment holds the other's witness URL.
if [ -s "$VAR/ports" ] && [ "$(cat "$VAR/ports")" != "$PORT_A $PORT_B" ]; then
  echo "$VAR was set up for ports $(cat "$VAR/ports") (A B): run with" \
    "FEDERATION_DEMO_PORT_A and FEDERATION_DEMO_PORT_B set to those, or delete $VAR" >&2
  exit 1
fi
echo "$PORT_A $PORT_B" >"$VAR/ports"
# A port in use (`make run` serves on 8000) would otherwise show only in serve.log.
for name in a b; do
  if ! "$BIN/python" -c '
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))' "$(port $name)" 2>/dev/null; then
    echo "Port $(port $name) on 127.0.0.1 is in use (\`make run\` uses 8000): stop what" \
      "listens there, or set FEDERATION_DEMO_PORT_$(upper $name)" >&2
    exit 1
  fi
done

# Stopping stops the servers and runners started, and waits for the set-up under way to end
# (Ctrl+C reaches its commands too; each migration is a transaction, so a re-run carries on).
pids=()
setting_up=()
stop() {
  trap - INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}" "${setting_up[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Setting up deployments A and B in $VAR ..."
prepare a >"$VAR/setup-a.log" 2>&1 &
prepare_a=$!
prepare b >"$VAR/setup-b.log" 2>&1 &
prepare_b=$!
setting_up=("$prepare_a" "$prepare_b")
for name in a b; do
  pid=$prepare_a
  [ "$name" = b ] && pid=$prepare_b
  if ! wait "$pid"; then
    echo "Setting up deployment $(upper $name) failed ($VAR/setup-$name.log):" >&2
    tail -n 20 "$VAR/setup-$name.log" >&2
    exit 1
  fi
done
setting_up=()

# Mutual witnessing, once: each witnesses the other's log (witness add-log) and knows the
# other as its witness (ledger add-witness). A marker file records each step done.
for name in a b; do
  peer=$(other $name)
  if [ ! -e "$VAR/$name/witnesses-$peer" ]; then
    on $name witness add-log --origin "$(origin $peer)" --key "$VAR/$peer/ledger_key.pub"
    touch "$VAR/$name/witnesses-$peer"
  fi
  if [ ! -e "$VAR/$name/witnessed-by-$peer" ]; then
    on $name ledger add-witness --name "$(witness_name $peer)" --url "$(base $peer)/witness" \
      --key "$VAR/$peer/witness_key.pub"
    touch "$VAR/$name/witnessed-by-$peer"
  fi
done

# Requests and signed disclosures between them, once: A's directory gets B's school and B's
# gets A's children's social care, each pinning the other's deployment (URL and key).
remote() {
  local name=$1 peer=$2 organisation=$3 kind=$4 code
  [ -e "$VAR/$name/remote-$peer" ] && return 0
  code=$(on "$peer" federation show-key | sed -n "s/^  $organisation: //p")
  on "$name" federation add-remote --name "$organisation ($(partnership "$peer"))" \
    --url "$(base "$peer")" --key "$VAR/$peer/federation_key.pub" --organisation-code "$code" \
    --kind "$kind" --peer-name "$(partnership "$peer")"
  touch "$VAR/$name/remote-$peer"
}
remote a b "Riverside Primary School" school
remote b a "Northshire Children's Social Care" childrens_social_care

# answers URL [TEXT]: the URL answers 200 (and its body contains TEXT).
answers() {
  "$BIN/python" - "$@" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
        body = response.read().decode()
except OSError:
    sys.exit(1)
sys.exit(0 if response.status == 200 and (len(sys.argv) < 3 or sys.argv[2] in body) else 1)
EOF
}

# until_true WHAT COMMAND...: run COMMAND until it succeeds, for at most $WAIT seconds,
# while every process started is still running.
until_true() {
  local what=$1 deadline=$((SECONDS + WAIT))
  shift
  until "$@"; do
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "A process stopped while waiting for $what: see the logs in $VAR/a and $VAR/b" >&2
        exit 1
      fi
    done
    if [ $SECONDS -ge $deadline ]; then
      echo "Gave up after $WAIT s waiting for $what" >&2
      exit 1
    fi
    sleep 0.5
  done
}

for name in a b; do
  become $name serve >>"$VAR/$name/serve.log" 2>&1 &
  pids+=($!)
done
for name in a b; do
  until_true "$(upper $name) to answer on $(base $name)" answers "$(base $name)/health/"
done
# The runners one after the other, so the demo starts with each checkpoint cosigned.
for name in a b; do
  become $name jobs run >>"$VAR/$name/jobs.log" 2>&1 &
  pids+=($!)
  until_true "$(upper $(other $name)) to cosign $(upper $name)'s checkpoint" \
    answers "$(base $name)/ledger/checkpoint" "— $(witness_name "$(other $name)") "
done

echo
on a demo --sign-ins
cat <<EOF

safeshare federation demo (Ctrl+C stops both deployments and their jobs runners):
  A  $(base a)   log $(origin a), witness $(witness_name a)
  B  $(base b)   log $(origin b), witness $(witness_name b)
A and B witness each other: each one's /ledger/checkpoint carries the other's cosignature
line after its own signature, and /ledger/witnesses/ (sign in as csc.admin) shows the
other as its witness with its latest cosignature.
They also exchange requests and signed disclosures: on A, csc.sw raises a request to
"Riverside Primary School ($(partnership b))"; on B, school.dsl assigns it, responds with
a decision to share and sends the information from the request's page; on A, csc.sw
opens it under "Shared with you from other partnerships" (/federation/received/).
Browsers keep one set of cookies for 127.0.0.1 whatever the port: to be signed in to both
at once, open B as http://localhost:$PORT_B.
Logs: $VAR/a and $VAR/b (serve.log, jobs.log).
EOF

# Until Ctrl+C, or until one of the four stops (then the others are stopped too).
set +e
wait -n "${pids[@]}"
status=$?
echo "A process of the demo stopped (exit $status): stopping the others; see $VAR/a and $VAR/b" >&2
exit 1
