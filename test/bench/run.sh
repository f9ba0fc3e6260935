#!/usr/bin/env bash
# `npm run bench`: set-up, build, then every benchmark script in this folder, one after another.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/setup.sh --for bench
npm run build >/dev/null
for script in test/bench/*.js; do
  echo "==> $script"
  node "$script"
  echo
done
