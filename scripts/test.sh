#!/usr/bin/env bash
# Sets up (Debian packages, npm ci, build) and runs the whole test suite. The tests start their own
# PostgreSQL, S3-protocol server and HTTP servers on 127.0.0.1 and stop them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --with-test-services
# The layering (dependency-cruiser, .dependency-cruiser.cjs) and the linter (eslint.config.js) first:
# they take seconds and name the file and rule that broke.
checked=$SECONDS
npm run --silent lint:typed
npm run --silent depcheck
echo "lint and layering checked in $((SECONDS - checked)) s"
report="$(mktemp -t threadline-vitest-XXXXXX.json)"
status=0
started=$SECONDS
# The CLI tests run the dist/ just built rather than src/ through tsx: half the cost of each
# CLI call. test/global-setup.ts refuses a dist/ older than src/.
THREADLINE_TEST_DIST=1 npx vitest run --reporter=default --reporter=json --outputFile="$report" || status=$?
node -e '
const r = require(process.argv[1]);
const files = r.testResults.map((f) => ({ file: require("node:path").relative(process.cwd(), f.name), s: (f.endTime - f.startTime) / 1000 }));
console.log(`slowest test files (of ${files.length}, test phase ${process.argv[2]} s):`);
for (const f of files.sort((a, b) => b.s - a.s).slice(0, 10)) console.log(`  ${f.s.toFixed(1).padStart(7)} s  ${f.file}`);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" "$((SECONDS - started))" || true
rm -f "$report"
exit $status
