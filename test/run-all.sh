#!/usr/bin/env bash
# The README's test command: set-up, build, typecheck, lint and format, unit, integration and
# end-to-end tests (headless Chromium), for the adapter and the Grafana plugin workspace. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup.sh --for tests
# One command per line: under `set -e` a failure on the left of `&&` does not stop the script.
echo "==> build"
npm run build
echo "==> typecheck"
npx tsc -p tsconfig.test.json --noEmit
npm run typecheck -w grafana-plugin
echo "==> lint"
npm run lint
npm run lint -w grafana-plugin
echo "==> unit tests"
npm run test:unit -- --ci
npm test -w grafana-plugin
echo "==> integration"
npm run test:integration -- --ci
echo "==> end to end"
npm run test:e2e -- --ci
echo "==> all tests passed"
