#!/usr/bin/env bash
# What the test suite needs from the operating system: Debian's chromium (Playwright drives
# it; Playwright's own browser download cannot work offline) and the PostgreSQL server.
# As root it installs what is missing; otherwise it says exactly what to install.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's postgresql package starts a cluster of its own; the tests start their own.
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for c in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster "$c" main stop >/dev/null 2>&1 || true
    done
  fi
else
  echo "The tests need these Debian packages, which are not installed: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
