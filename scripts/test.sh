#!/usr/bin/env bash
# Sets up (Debian packages, npm ci, build) and runs the whole test suite. The tests start their own
# PostgreSQL, S3-protocol server and HTTP servers on 127.0.0.1 and stop them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --with-test-services
report="$(mktemp -t threadline-vitest-XXXXXX.json)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$report" || status=$?
node -e 'const r=require(process.argv[1]); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests+r.numTodoTests} skipped`)' "$report" || true
rm -f "$report"
exit $status
