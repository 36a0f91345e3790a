#!/usr/bin/env bash
# Installs what only the benchmarks need, idempotently: Debian's python3-dnspython, which the
# update and transfer benchmarks compare against (bench/update-dnspython.py,
# bench/xfr-dnspython.py). `npm run bench` and the bench:update / bench:xfr scripts run this first;
# scripts/setup.sh (the quick start, CI) does not.
set -euo pipefail
if /usr/bin/python3 -c 'import dns.update, dns.query, dns.tsigkeyring' >/dev/null 2>&1; then exit 0; fi
echo "setup-bench: installing python3-dnspython from Debian's packages…" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-dnspython >/dev/null
