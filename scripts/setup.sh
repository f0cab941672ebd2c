#!/usr/bin/env bash
# Installs what Threadline needs on a fresh Debian machine with Node.js >= 20.19:
# the Debian packages (git; a C++ toolchain for better-sqlite3; PostgreSQL for the tests with
# and an OCI registry, skopeo, promtool, debootstrap and chromium with --with-test-services, and kubectl from
# the Kubernetes project's apt repository), then the npm packages from package-lock.json, then the build
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
  command -v debootstrap >/dev/null || need+=(debootstrap)           # the Debian base of `threadline image self`
  command -v chromium >/dev/null || need+=(chromium)                 # the web UI's tests drive it (playwright-core)
  /usr/bin/python3 -c 'import fastapi, uvicorn, httpx' 2>/dev/null || need+=(python3-fastapi python3-uvicorn python3-httpx) # the ASGI middleware's tests
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: apt-get install ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# kubectl renders deploy/kubernetes (kubectl kustomize). Debian's kubernetes-client is 1.20, whose
# kustomize has no components: the Kubernetes project's own apt repository has a current one.
if [ "${1:-}" = "--with-test-services" ] && ! command -v kubectl >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: kubectl from pkgs.k8s.io (v1.34)" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends curl gpg ca-certificates >/dev/null
  $sudo mkdir -p /etc/apt/keyrings
  curl -fsSL https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key | $sudo gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg
  echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /' | $sudo tee /etc/apt/sources.list.d/kubernetes.list >/dev/null
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends kubectl >/dev/null
fi

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("setup: Node.js >= 20.19 is required, found "+process.version); process.exit(1) }'
echo "setup: npm ci" >&2
# onnxruntime-node ships its CPU binaries; its install script would try to download more.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
echo "setup: build" >&2
npm run --silent build
