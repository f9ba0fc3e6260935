#!/usr/bin/env bash
# `npm run bench`: set-up, build, then every benchmark script in this folder, one after another.
# soak.bench.ts runs 30 minutes unless SOAK_MINUTES says otherwise; helpers (-worker.js,
# synthetic-prometheus.ts) are not run on their own.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/setup.sh --for bench
npm run build >/dev/null
for script in test/bench/*.js test/bench/*.bench.ts; do
  case $script in *-worker.js) continue ;; esac
  echo "==> $script"
  node -r ./test/bench/swc-register.cjs "$script"
  echo
done
