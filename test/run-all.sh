#!/usr/bin/env bash
# The README's test command: set-up, build, typecheck, lint and format, unit, integration and
# end-to-end tests. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup.sh --for tests
echo "==> build";        npm run build
echo "==> typecheck";    npx tsc -p tsconfig.test.json --noEmit
echo "==> lint";         npm run lint
echo "==> unit tests";   npm run test:unit -- --ci
echo "==> integration";  npm run test:integration -- --ci
echo "==> all tests passed"
