#!/usr/bin/env bash
# Installs what the tests and the demo need: npm dependencies, and (as root, when missing) Debian's
# prometheus, postgresql, chromium and kubectl. Usage: test/setup.sh [--for demo|tests|bench]
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${2:-tests}
[ "${1:-}" = "--for" ] || purpose=tests

# The lockfile records every platform's optional binaries (@swc/core-*, @unrs/resolver-binding-*), so
# npm ci installs exactly it anywhere. If it refuses, the lockfile and package.json disagree: fail with
# npm's reason rather than let npm install rewrite the lockfile from whatever the registry answers.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  if ! npm ci --no-audit --no-fund; then
    echo "test/setup.sh: npm ci refused package-lock.json (its reason is above)." >&2
    echo "Regenerate the lockfile with 'npm install --package-lock-only' on a machine whose registry serves" >&2
    echo "every platform's optional packages, check that 'npm ci' accepts it, and commit it." >&2
    exit 1
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
