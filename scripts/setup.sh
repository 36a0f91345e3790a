#!/usr/bin/env bash
# Installs what the demo and the tests need on a Debian machine, idempotently: BIND 9 (named, rndc,
# nsupdate, dig, named-compilezone…) and python3 (some tests run small standard-library scripts:
# a pseudo-terminal, an ACL xattr, a chrooted helper) from Debian's packages, BIND 9.16 and 9.20
# unpacked under /opt/bind (scripts/bind-versions.sh), and node modules. Benchmark-only tools
# (dnspython) are installed by scripts/setup-bench.sh, which `npm run bench` runs.
set -euo pipefail
cd "$(dirname "$0")/.."

need_bind=0
for tool in named rndc nsupdate dig named-compilezone named-journalprint tsig-keygen; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ] && [ ! -x "/usr/bin/$tool" ]; then
    need_bind=1
  fi
done
if ! command -v python3 >/dev/null 2>&1; then need_bind=1; fi
if [ "$need_bind" = 1 ]; then
  echo "setup: installing from Debian's packages: bind9 bind9-utils bind9-dnsutils python3…"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    bind9 bind9-utils bind9-dnsutils python3 >/dev/null
fi
echo "setup: $(/usr/sbin/named -v)"
# Prometheus and promtool (Debian's `prometheus`), for the watcher's test against a real server.
# The package's service is not wanted: invoke-rc.d is kept from starting it, and the tests start
# their own server on a free loopback port.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  echo "setup: installing Debian's prometheus (and promtool)…"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    added_policy=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ "$added_policy" = 1 ]; then $SUDO rm -f "$policy"; fi
  # Where systemd runs, keep the packaged service stopped and disabled all the same.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi
echo "setup: $(prometheus --version 2>&1 | head -n 1)"
# BIND 9.16 and 9.20 beside the machine's 9.18, for the per-version test runs.
bash scripts/bind-versions.sh

# The bind9 package may start a system named on port 53/953; tests never use those ports.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing node modules (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: done"
