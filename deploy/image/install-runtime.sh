#!/usr/bin/env bash
# Lays out costscale's runtime in DEST from a built checkout SRC (`npm run build` done): the adapter's
# production dependencies only, its compiled code, SQL migrations, gRPC protos and config schema, and
# DEST/bin/costscale on the PATH. The image's Dockerfile runs this; so does
# test/integration/container-image.test.ts, which serves from the result with the tree read-only.
#   deploy/image/install-runtime.sh SRC DEST
set -euo pipefail
src=$(cd "$1" && pwd)
dest=$2
if [ ! -f "$src/adapter/dist/cli/main.js" ]; then
  echo "install-runtime.sh: $src/adapter/dist is missing: run \`npm run build\` in $src first" >&2
  exit 1
fi
mkdir -p "$dest/adapter" "$dest/grafana-plugin" "$dest/bin"
dest=$(cd "$dest" && pwd)
# npm ci checks the lockfile against every workspace's package.json, so the plugin's comes too; only the
# adapter workspace is installed, without devDependencies.
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cp "$src/adapter/package.json" "$dest/adapter/"
cp "$src/grafana-plugin/package.json" "$dest/grafana-plugin/"
(cd "$dest" && npm ci --omit=dev --workspace adapter --no-audit --no-fund --prefer-offline)
cp -R "$src/adapter/dist" "$src/adapter/bin" "$src/adapter/migrations" "$src/adapter/proto" \
  "$src/adapter/config.schema.json" "$dest/adapter/"
ln -sf ../adapter/bin/costscale.js "$dest/bin/costscale"
