#!/usr/bin/env bash
# The whole test suite, as README and CI run it: tools, build, every test, then one summary line.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-tools.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent build
npm run --silent typecheck
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json "$@" || status=$?
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const r = require("./.tmp/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$status"
