// Writes prometheusrule.yaml from alerts/costscale.rules.yaml: the rule groups unchanged, wrapped in a
// PrometheusRule that kube-prometheus's Prometheus selects (labels prometheus: k8s, role: alert-rules).
//   node deploy/overlays/monitoring/generate-rule.mjs && npx prettier --write deploy/overlays/monitoring/prometheusrule.yaml
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { parse, stringify } from 'yaml';

export function prometheusRule(rulesText) {
  const { groups } = parse(rulesText);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'costscale',
      namespace: 'costscale',
      labels: {
        'app.kubernetes.io/name': 'costscale',
        'app.kubernetes.io/part-of': 'costscale',
        prometheus: 'k8s',
        role: 'alert-rules',
      },
    },
    spec: { groups },
  };
}

const HEADER =
  '# Generated from alerts/costscale.rules.yaml by generate-rule.mjs in this folder: edit the rules there.\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rules = new URL('../../../alerts/costscale.rules.yaml', import.meta.url);
  const out = new URL('prometheusrule.yaml', import.meta.url);
  writeFileSync(out, HEADER + stringify(prometheusRule(readFileSync(rules, 'utf8')), { lineWidth: 0 }));
}
