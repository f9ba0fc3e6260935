// The one-policy set-up of the service-level fault tests (fault matrix, restarts, HA): shop/web at a
// demand of 42 over a capacity of 10, so 5 replicas, and how an HPA reads it.

import { request as httpsRequest } from 'node:https';

/** The `policies:` section: shop/web, demand 42, κ 10, no forecasting. */
export const WEB_POLICY_YAML = `policies:
  - name: web
    namespace: shop
    target: { name: web }
    demand: { query: 'sum(vector(42))' }
    capacityPerReplica: 10
    replicas: { min: 1, max: 20 }
    resources: { cpuCores: 1, memoryGiB: 1 }
    forecast: { enabled: false }
`;

export interface MetricResponse {
  kind: string;
  code?: number;
  items?: Array<{ value: string }>;
}

/** GET costscale_replicas of shop/web over HTTPS (the serving certificate is not what is tested). */
export function webReplicasMetric(port: number): Promise<{ status: number; body: MetricResponse }> {
  const path =
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3Dweb';
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as MetricResponse }));
    });
    req.on('error', reject);
    req.end();
  });
}
