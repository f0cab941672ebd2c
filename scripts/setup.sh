#!/usr/bin/env bash
# Installs what Threadline needs on a fresh Debian machine with Node.js >= 20.19:
# the Debian packages (git; a C++ toolchain for better-sqlite3; PostgreSQL for the tests with
# and an OCI registry, skopeo, promtool and chromium with --with-test-services), then the npm packages from package-lock.json, then the build
# (the server and CLI with tsc and esbuild, the web UI with Vite into dist/web).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v git >/dev/null || need+=(git)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v python3 >/dev/null || need+=(python3)
if [ "${1:-}" = "--with-test-services" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v docker-registry >/dev/null || need+=(docker-registry)   # a real OCI registry
  command -v skopeo >/dev/null || need+=(skopeo)                     # inspects what we push
  command -v promtool >/dev/null || need+=(prometheus)               # promtool checks /metrics
  /usr/bin/python3 -c 'import scipy' 2>/dev/null || need+=(python3-scipy) # drift statistics checked against scipy
  command -v chromium >/dev/null || need+=(chromium)                 # the web UI's tests drive it (playwright-core)
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: apt-get install ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("setup: Node.js >= 20.19 is required, found "+process.version); process.exit(1) }'
echo "setup: npm ci" >&2
# onnxruntime-node ships its CPU binaries; its install script would try to download more.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
echo "setup: build" >&2
npm run --silent build
