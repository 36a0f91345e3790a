#!/usr/bin/env bash
# Checks the package as npm would publish it (run after `npm run build`): packs it without
# rebuilding, then @arethetypeswrong/cli (types resolve for `rndc` and `rndc/testing` under
# node10, node16 from ESM and CJS, and bundlers) and publint (package.json fields, exports,
# files). Any problem fails. Prints the packed and unpacked sizes. Needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/index.js ] || { echo "check-package: dist/ is missing: run npm run build first" >&2; exit 1; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
npm pack --ignore-scripts --silent --pack-destination "$dir" >/dev/null
tarball="$(ls "$dir"/*.tgz)"
npx --no-install attw --no-emoji --no-color --format table-flipped "$tarball"
npx --no-install publint run --strict --pack false "$tarball"
node -e '
const { statSync } = require("node:fs");
console.log(`check-package: packed ${statSync(process.argv[1]).size} bytes`);
' "$tarball"
