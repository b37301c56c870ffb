#!/usr/bin/env bash
# `make federation-demo`: two safeshare deployments on this machine that witness each
# other's ledgers (docs/federation.md, "Witnessing"; docs/adr/0022-witnessing.md).
#
#   deployment "demo": var/       http://127.0.0.1:8000  origin safeshare.local/demo
#   deployment "peer": var/peer/  http://127.0.0.1:8001  origin safeshare.local/peer
#
# Each has its own SQLite database, secret key, ledger signing key and witness key, demo
# data, scheduled-jobs runner (which sends new checkpoints to the other, job ledger.witness)
# and web server. Each is registered as the other's witness (`safeshare witness add-log`
# and `safeshare ledger add-witness`, both ways). Ctrl+C stops all four processes.
# Demo only: SAFESHARE_DEMO=true, loopback only, keys in plain files under var/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/.venv/bin}
export SAFESHARE_DEMO=true
# The job's wait for the other deployment's answer; short, both are on this machine.
export SAFESHARE_WITNESS_TIMEOUT=${SAFESHARE_WITNESS_TIMEOUT:-5}

NAMES=(demo peer)
declare -A VARDIR=([demo]=$ROOT/var [peer]=$ROOT/var/peer)
declare -A PORT=([demo]=8000 [peer]=8001)
declare -A ORIGIN=([demo]=safeshare.local/demo [peer]=safeshare.local/peer)
declare -A OTHER=([demo]=peer [peer]=demo)

py() { "$BIN/python" -c "$@"; }

# Run a safeshare command as deployment $1.
as() {
    local name=$1
    shift
    local dir=${VARDIR[$name]}
    SAFESHARE_VAR_DIR=$dir \
        SECRET_KEY_FILE=$dir/secret_key \
        SAFESHARE_LEDGER_ORIGIN=${ORIGIN[$name]} \
        SAFESHARE_LEDGER_SIGNING_KEY_FILE=$dir/ledger_key \
        SAFESHARE_WITNESS_KEY_FILE=$dir/witness_key \
        SAFESHARE_BIND=127.0.0.1:${PORT[$name]} \
        SAFESHARE_WORKERS=${SAFESHARE_WORKERS:-1} \
        DATABASE_URL= \
        "$@"
}

keys() {
    local name=$1 dir=${VARDIR[$name]}
    mkdir -p "$dir"
    if [[ ! -s $dir/secret_key ]]; then
        (umask 077 && py 'import secrets; print(secrets.token_urlsafe(50))' >"$dir/secret_key")
    fi
    if [[ ! -s $dir/ledger_key ]]; then
        as "$name" "$BIN/safeshare" ledger keygen --name "${ORIGIN[$name]}" --out "$dir/ledger_key" >/dev/null
    fi
    if [[ ! -s $dir/witness_key ]]; then
        # The witness cosigning key (type 0x04), named after the deployment's address.
        as "$name" "$BIN/safeshare" ledger keygen --witness --name "witness.${ORIGIN[$name]%%/*}-${name}" \
            --out "$dir/witness_key" >/dev/null
    fi
    # Public halves, derived from the secret files (what each gives the other).
    py "import sys; from safeshare.ledger.checkpoint import Signer
print(Signer.from_key_string(open(sys.argv[1]).read().strip()).verifier().key_string())" \
        "$dir/ledger_key" >"$dir/ledger_key.pub"
    py "import sys; from safeshare.ledger.cosignature import WitnessSigner
print(WitnessSigner.from_key_string(open(sys.argv[1]).read().strip()).verifier().key_string())" \
        "$dir/witness_key" >"$dir/witness_key.pub"
}

prepare() {
    local name=$1
    as "$name" "$BIN/safeshare" migrate --no-input >/dev/null
    as "$name" "$BIN/safeshare" collectstatic --no-input -v 0
    as "$name" "$BIN/safeshare" demo --if-empty >/dev/null
}

# Register each deployment as the other's witness, once (a marker file per direction).
register() {
    local name=$1 other=${OTHER[$1]}
    local dir=${VARDIR[$name]} odir=${VARDIR[$other]}
    if [[ ! -e $dir/.witnessing-$other ]]; then
        # $name witnesses $other's log ...
        as "$name" "$BIN/safeshare" witness add-log --origin "${ORIGIN[$other]}" --key "$odir/ledger_key.pub"
        touch "$dir/.witnessing-$other"
    fi
    if [[ ! -e $dir/.witnessed-by-$other ]]; then
        # ... and sends its own checkpoints to $other's witness endpoint (the URL is the
        # tlog-witness prefix: the job POSTs to <url>/add-checkpoint).
        as "$name" "$BIN/safeshare" ledger add-witness --name "$other" \
            --url "http://127.0.0.1:${PORT[$other]}/witness" --key "$odir/witness_key.pub"
        touch "$dir/.witnessed-by-$other"
    fi
}

# --- FEDERATION EXCHANGE (issue19-federation adds this) --------------------------------
# Pin each deployment's remote organisation in the other here (the exchange's own
# registration commands, both ways), after `register` and before the servers start.
federation_exchange() {
    :
}
# --- end FEDERATION EXCHANGE -------------------------------------------------------------

for name in "${NAMES[@]}"; do keys "$name"; done
for name in "${NAMES[@]}"; do prepare "$name"; done
for name in "${NAMES[@]}"; do register "$name"; done
federation_exchange

pids=()
stop() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM

for name in "${NAMES[@]}"; do
    as "$name" "$BIN/safeshare" jobs run &
    pids+=($!)
    as "$name" "$BIN/safeshare" serve &
    pids+=($!)
done

echo
echo "Two deployments witnessing each other (Ctrl+C stops both):"
for name in "${NAMES[@]}"; do
    echo "  $name: http://127.0.0.1:${PORT[$name]}/  (data in ${VARDIR[$name]#"$ROOT"/}/, origin ${ORIGIN[$name]})"
    echo "        checkpoint with cosignatures: http://127.0.0.1:${PORT[$name]}/ledger/checkpoint"
    echo "        witnesses and refusals (page still to build): http://127.0.0.1:${PORT[$name]}/ledger/witnesses/"
done
echo
echo "Sign-ins (the same on both):"
as demo "$BIN/safeshare" demo --sign-ins
wait -n "${pids[@]}"
