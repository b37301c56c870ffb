#!/usr/bin/env bash
# What safeshare needs from the operating system, as Debian packages.
#   scripts/system-deps.sh service   the service itself: WeasyPrint's libraries (Pango,
#                                    HarfBuzz's subsetter) and the DejaVu fonts PDFs use
#   scripts/system-deps.sh           the tests too: also chromium (Playwright drives it;
#                                    Playwright's own browser download cannot work offline)
#                                    and the PostgreSQL server
# As root it installs what is missing; otherwise it says exactly what to install.
set -euo pipefail

service=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for package in "${service[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ "${1:-}" != "service" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fi

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
  echo "safeshare needs these Debian packages, which are not installed: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
