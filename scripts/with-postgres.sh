#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temporary folder, start
# it on a private socket and port, export DATABASE_URL, run the command, stop and delete it.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# The cluster runs with fsync=off (fast, for the test suite; it survives a killed process
# but not a crashed machine). SAFESHARE_PG_DURABLE=1 makes it durable instead, for the
# crash harness: initdb syncs its files, and the server runs with fsync=on and
# synchronous_commit=on.
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found. Install them: sudo apt-get install -y postgresql" >&2
  exit 1
fi
PORT=${PGPORT_TEST:-55432}
DIR=$(mktemp -d /tmp/safeshare-pg.XXXXXX)
chmod 755 "$DIR"

if [ "$(id -u)" = "0" ]; then
  RUNAS=(runuser -u postgres --)
  install -d -o postgres -g postgres -m 700 "$DIR/data" "$DIR/run"
  DBUSER=postgres
else
  RUNAS=()
  install -d -m 700 "$DIR/data" "$DIR/run"
  DBUSER=$(id -un)
fi

stop() {
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT

if [ "${SAFESHARE_PG_DURABLE:-0}" = "1" ]; then
  INITDB_SYNC=()
  DURABILITY="-c fsync=on -c synchronous_commit=on"
else
  # fsync=off: a throwaway test cluster; SAFESHARE_PG_DURABLE=1 for durability runs.
  INITDB_SYNC=(--no-sync)
  DURABILITY="-c fsync=off"
fi
"${RUNAS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U "$DBUSER" -A trust -E UTF8 --locale=C.UTF-8 "${INITDB_SYNC[@]}" >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/run/pg.log" -w \
  -o "-p $PORT -k $DIR/run -c listen_addresses='' $DURABILITY -c max_connections=200" start >/dev/null
"${RUNAS[@]}" "$PGBIN/createdb" -h "$DIR/run" -p "$PORT" -U "$DBUSER" safeshare

export DATABASE_URL="postgres://$DBUSER@/safeshare?host=$DIR/run&port=$PORT"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') running for tests on $DIR/run port $PORT ($DURABILITY)"
"$@"
