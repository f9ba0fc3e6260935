import type { KubeObject, ObjectRef } from '../k8s/workloads';
import { ChangeRefused, patchFor } from './apply';

const ref: ObjectRef = { kind: 'Deployment', namespace: 'shop', name: 'web' };
const WEB = { kind: 'Deployment' as const, name: 'web' };

const deployment = (podSpec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', resourceVersion: '7' },
  spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
});

describe('merge patches for recommended changes', () => {
  it('rewrites the container list with only the requests changed', () => {
    const live = deployment({
      containers: [
        {
          name: 'app',
          image: 'a',
          resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2' } },
        },
        { name: 'proxy', image: 'p' },
      ],
    });
    const patch = patchFor(
      { type: 'container-requests', workload: WEB, containers: [{ name: 'app', cpu: '250m' }] },
      live,
      ref,
    );
    expect(patch).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'a',
                resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2' } },
              },
              { name: 'proxy', image: 'p' },
            ],
          },
        },
      },
    });
  });

  it('refuses a request above the limit or for a container that is not there', () => {
    const live = deployment({ containers: [{ name: 'app', resources: { limits: { memory: '512Mi' } } }] });
    expect(() =>
      patchFor(
        { type: 'container-requests', workload: WEB, containers: [{ name: 'app', memory: '1Gi' }] },
        live,
        ref,
      ),
    ).toThrow(new ChangeRefused('Deployment shop/web: app memory request 1Gi would exceed its limit 512Mi'));
    expect(() =>
      patchFor(
        { type: 'container-requests', workload: WEB, containers: [{ name: 'db', cpu: '1' }] },
        live,
        ref,
      ),
    ).toThrow('Deployment shop/web has no container db');
  });

  it('sets HPA bounds and the CPU target, and refuses an HPA that scales something else', () => {
    const hpaRef: ObjectRef = { kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'web' };
    const cpu = {
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
    };
    const live: KubeObject = {
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        minReplicas: 5,
        maxReplicas: 8,
        metrics: [cpu],
      },
    };
    expect(
      patchFor(
        { type: 'hpa', hpa: 'web', workload: WEB, minReplicas: 2, cpuTargetPercent: 70 },
        live,
        hpaRef,
      ),
    ).toEqual({
      spec: {
        minReplicas: 2,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      },
    });
    expect(() => patchFor({ type: 'hpa', hpa: 'web', workload: WEB, minReplicas: 9 }, live, hpaRef)).toThrow(
      'minReplicas 9 would exceed maxReplicas 8',
    );
    const other: KubeObject = { spec: { ...live.spec, scaleTargetRef: { kind: 'Deployment', name: 'api' } } };
    expect(() =>
      patchFor({ type: 'hpa', hpa: 'web', workload: WEB, maxReplicas: 20 }, other, hpaRef),
    ).toThrow('no longer scales Deployment web');
  });

  it('adds a preferred spot node-affinity term and missing tolerations, keeping what is there', () => {
    const existing = {
      weight: 10,
      preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
    };
    const live = deployment({
      containers: [],
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [existing] } },
      tolerations: [{ key: 'spot', operator: 'Exists' }],
    });
    const change = {
      type: 'spot-placement' as const,
      workload: WEB,
      nodeSelector: { 'karpenter.sh/capacity-type': 'spot' },
      tolerations: [
        { key: 'spot', operator: 'Exists' as const },
        { key: 'preemptible', operator: 'Exists' as const },
      ],
    };
    const term = {
      weight: 100,
      preference: {
        matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }],
      },
    };
    expect(patchFor(change, live, ref)).toEqual({
      spec: {
        template: {
          spec: {
            affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [existing, term] } },
            tolerations: [
              { key: 'spot', operator: 'Exists' },
              { key: 'preemptible', operator: 'Exists' },
            ],
          },
        },
      },
    });
    const placed = deployment({
      containers: [],
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term] } },
      tolerations: change.tolerations,
    });
    expect(() => patchFor(change, placed, ref)).toThrow('prefers spot nodes already');
  });
});
