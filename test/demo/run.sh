#!/usr/bin/env bash
# The README's demo command: costscale on embedded defaults (embedded PostgreSQL) against a real
# Prometheus holding two weeks of a real public trace, with a live exporter. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "The demo needs a real Prometheus (Debian package 'prometheus', which also provides promtool)." >&2
    echo "Install it with: sudo apt-get install prometheus   — or run this command as root." >&2
    exit 1
  fi
fi
bash test/setup.sh --for demo
echo "==> build"; npm run build >/dev/null

work="$root/.demo"
mkdir -p "$work"
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work/prometheus"
  echo "==> stopped (decisions kept in $work/pg)"
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
prom_port=$(free_port); exporter_port=$(free_port)
export DEMO_API_PORT=${DEMO_API_PORT:-6443} DEMO_METRICS_PORT=${DEMO_METRICS_PORT:-8080}
export DEMO_PROMETHEUS_URL="http://127.0.0.1:$prom_port"

echo "==> backfilling two weeks of the NYC taxi trace into a fresh Prometheus TSDB"
rm -rf "$work/prometheus"; mkdir -p "$work/prometheus"
node test/demo/exporter.js backfill "$work/prometheus/history.om" 14
promtool tsdb create-blocks-from openmetrics "$work/prometheus/history.om" "$work/prometheus/data" >/dev/null
cat > "$work/prometheus/prometheus.yml" <<YAML
global: { scrape_interval: 15s, evaluation_interval: 15s }
scrape_configs:
  - job_name: demo-workload
    honor_labels: true
    static_configs: [{ targets: ['127.0.0.1:$exporter_port'] }]
  - job_name: costscale
    static_configs: [{ targets: ['127.0.0.1:$DEMO_METRICS_PORT'] }]
YAML

node test/demo/exporter.js serve "$exporter_port" & pids+=($!)
prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus/data" \
  --storage.tsdb.retention.time=60d --web.listen-address="127.0.0.1:$prom_port" \
  >"$work/prometheus.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -fs "$DEMO_PROMETHEUS_URL/-/ready" >/dev/null 2>&1 && break; sleep 0.2; done

# The embedded database belongs to one process at a time: create the demo's API key before serving.
api_key=$(node adapter/bin/costscale.js apikey create --config test/demo/config.yaml --role admin --name demo --json \
  | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).token))")

echo "==> starting costscale (logs: $work/costscale.log)"
node adapter/bin/costscale.js serve --config test/demo/config.yaml >"$work/costscale.log" 2>&1 & pids+=($!)
for _ in $(seq 150); do curl -fs "http://127.0.0.1:$DEMO_METRICS_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

cat <<TXT

costscale demo is running (Ctrl-C to stop):
  health        curl http://127.0.0.1:$DEMO_METRICS_PORT/readyz?verbose
  metrics       curl http://127.0.0.1:$DEMO_METRICS_PORT/metrics
  Prometheus    $DEMO_PROMETHEUS_URL  (try: costscale_replicas, rate(http_requests_total[5m]))
  HPA metric    curl -sk 'https://127.0.0.1:$DEMO_API_PORT/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3Dcheckout'
  KEDA external scaler  grpc://127.0.0.1:${DEMO_KEDA_PORT:-6000}  (policy shop/checkout)
  KEDA metrics-api  curl -sk -H 'X-API-KEY: $api_key' 'https://127.0.0.1:$DEMO_API_PORT/api/v1/keda/namespaces/shop/policies/checkout'  (valueLocation: replicas)
  decisions     curl -sk -H 'Authorization: Bearer $api_key' 'https://127.0.0.1:$DEMO_API_PORT/api/v1/decisions?namespace=shop&policy=checkout&limit=1'
  REST API      https://127.0.0.1:$DEMO_API_PORT/api/v1/openapi.json  (admin key above; the demo runs with server.auth.mode=local)
TXT
wait -n "${pids[@]}" || true
echo "a demo process exited unexpectedly; see $work/*.log" >&2
exit 1
