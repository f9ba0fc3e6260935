#!/usr/bin/env bash
# Installs what the tests and the demo need: npm dependencies, and (as root, when missing) Debian's
# prometheus, postgresql, chromium and kubectl. Usage: test/setup.sh [--for demo|tests|bench]
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${2:-tests}
[ "${1:-}" = "--for" ] || purpose=tests

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  if ! npm ci --no-audit --no-fund; then
    # npm 11 refuses a lockfile without other platforms' optional binaries (@swc/core-*, unrs
    # resolver bindings), and a registry mirror that serves only this platform's cannot record them
    # (npm/cli#4828, #8805). npm install honours the same locked versions; the lockfile must not change.
    echo "==> npm ci refused the lockfile; installing the locked versions with npm install"
    npm install --no-audit --no-fund
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- package-lock.json; then
      echo "npm install changed package-lock.json: the lockfile is not in sync with package.json" >&2
      exit 1
    fi
  fi
fi

need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ "$purpose" = demo ] || need+=(postgresql)
if [ "$purpose" != demo ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v kubectl >/dev/null || need+=(kubernetes-client)
fi
if [ "$purpose" = bench ]; then
  command -v wrk >/dev/null || need+=(wrk)
fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u | sed '/^$/d')

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${need[*]}" >&2
    echo "Install them with: sudo apt-get install ${need[*]}   (or run this command as root)" >&2
    exit 1
  fi
fi
