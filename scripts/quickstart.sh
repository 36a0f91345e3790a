#!/usr/bin/env bash
# Quick start: set everything up, then run the demo against a throwaway named.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent demo
