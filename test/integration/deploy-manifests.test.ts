// Every manifest in deploy/ parses and validates against the Kubernetes API schemas (kubernetes-models),
// the kustomize base builds offline, and the pieces agree with each other and with the spec
// (external-metrics-api.md §2.5 RBAC, §2.6 APIService).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseConfigText } from '../../adapter/src/config/load';
import { run } from '../support/processes';

const DEPLOY = path.join(__dirname, '..', '..', 'deploy');
const BASE = path.join(DEPLOY, 'base');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface Model {
  validate(): void;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

function documents(text: string, file: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

/** The kubernetes-models class for an apiVersion/kind, e.g. apps/v1 Deployment. */
async function validateManifest(manifest: Manifest): Promise<void> {
  // Core v1 lives at kubernetes-models/v1, groups at kubernetes-models/<group>/<version>; KEDA's CRDs
  // at @kubernetes-models/keda/keda.sh/<version>.
  const modulePath = manifest.apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${manifest.apiVersion}`
    : `kubernetes-models/${manifest.apiVersion}`;
  const models = (await import(modulePath)) as Record<string, new (data: unknown) => Model>;
  const ModelClass = models[manifest.kind];
  if (ModelClass === undefined) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new ModelClass(manifest).validate();
}

const kustomization = parseYaml(readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8')) as {
  kind: string;
  resources: string[];
  configMapGenerator: Array<{ name: string; namespace: string; files: string[] }>;
};
const generatedFiles = new Set(
  kustomization.configMapGenerator.flatMap((g) => g.files.map((f) => path.join(BASE, f))),
);
const manifestFiles = yamlFiles(DEPLOY).filter(
  (f) => path.basename(f) !== 'kustomization.yaml' && !generatedFiles.has(f),
);
const allManifests = manifestFiles.flatMap((f) => documents(readFileSync(f, 'utf8'), f));
const configText = readFileSync(path.join(BASE, 'config.yaml'), 'utf8');
const config = parseConfigText(configText, 'deploy/base/config.yaml', {});

function find(kind: string, name?: string): Manifest {
  const found = allManifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind} ${name ?? ''} in deploy/`);
  return found;
}

describe('every manifest in deploy/ validates against the Kubernetes API schemas', () => {
  test('there are manifests to check', () => {
    expect(manifestFiles.length).toBeGreaterThanOrEqual(8);
  });

  test.each(manifestFiles.map((f) => [path.relative(DEPLOY, f)]))('%s', async (relative) => {
    const docs = documents(readFileSync(path.join(DEPLOY, relative), 'utf8'), relative);
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) await validateManifest(doc);
  });

  test('the schemas do reject a broken manifest', async () => {
    const broken = structuredClone(find('Deployment')) as Manifest & { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    await expect(validateManifest(broken)).rejects.toThrow(/replicas/);
  });

  test('the kustomization lists every base manifest and the configuration validates', () => {
    expect(kustomization.kind).toBe('Kustomization');
    const listed = kustomization.resources.map((r) => path.join(BASE, r)).sort();
    const inBase = manifestFiles.filter((f) => path.dirname(f) === BASE).sort();
    expect(listed).toEqual(inBase);
    expect(config.server.port).toBe(6443);
    expect(config.server.metricsPort).toBe(8080);
  });
});

describe('the base is wired as the spec requires', () => {
  const serviceName = config.server.tls.serviceName;
  const serviceNamespace = config.server.tls.serviceNamespace;

  test('§2.6 the APIService routes external.metrics.k8s.io/v1beta1 to the Service the certificate names', () => {
    const apiService = find('APIService') as Manifest & { spec: Record<string, unknown> };
    const spec = apiService.spec as {
      group: string;
      version: string;
      service: { name: string; namespace: string; port: number };
      groupPriorityMinimum: number;
      versionPriority: number;
      caBundle?: string;
      insecureSkipTLSVerify?: boolean;
    };
    expect(apiService.metadata.name).toBe(`${spec.version}.${spec.group}`);
    expect(spec.group).toBe('external.metrics.k8s.io');
    expect(spec.version).toBe('v1beta1');
    expect(spec.service).toEqual({ name: serviceName, namespace: serviceNamespace, port: 443 });
    expect(spec.groupPriorityMinimum).toBeGreaterThanOrEqual(1);
    expect(spec.groupPriorityMinimum).toBeLessThanOrEqual(20000);
    expect(spec.versionPriority).toBeGreaterThanOrEqual(1);
    expect(spec.versionPriority).toBeLessThanOrEqual(1000);
    expect(spec.caBundle !== undefined && spec.insecureSkipTLSVerify === true).toBe(false);

    const service = find('Service', serviceName) as Manifest & {
      spec: { ports: Array<{ name: string; port: number; targetPort: string }> };
    };
    expect(service.metadata.namespace).toBe(serviceNamespace);
    expect(service.spec.ports.find((p) => p.port === 443)?.targetPort).toBe('https');
  });

  test('the Deployment: 2 replicas, health probes, non-root, read-only root, requests, config mounted', () => {
    const deployment = find('Deployment') as Manifest & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(deployment.metadata.namespace).toBe(serviceNamespace);
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const container = pod.containers[0];
    expect([...container.command, ...container.args]).toEqual([
      'costscale',
      'serve',
      '--config',
      '/etc/costscale/config.yaml',
    ]);
    const ports = Object.fromEntries(
      container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
    );
    expect(ports).toEqual({ https: config.server.port, metrics: config.server.metricsPort });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    const configMount = container.volumeMounts.find(
      (m: { mountPath: string }) => m.mountPath === '/etc/costscale',
    );
    const configVolume = pod.volumes.find((v: { name: string }) => v.name === configMount.name);
    expect(configVolume.configMap.name).toBe(kustomization.configMapGenerator[0]?.name);
    expect(pod.serviceAccountName).toBe('costscale');
    // Writable paths the configuration uses live on mounted volumes.
    const writable = container.volumeMounts
      .filter((m: { readOnly?: boolean }) => !m.readOnly)
      .map((m: { mountPath: string }) => m.mountPath);
    expect(writable.some((p: string) => config.database.dataDir.startsWith(`${p}/`))).toBe(true);
  });

  test('the PodDisruptionBudget keeps a replica serving', () => {
    const pdb = find('PodDisruptionBudget') as Manifest & {
      spec: { minAvailable: number; selector: unknown };
    };
    expect(pdb.spec.minAvailable).toBe(1);
    const deployment = find('Deployment') as Manifest & { spec: { selector: unknown } };
    expect(pdb.spec.selector).toEqual(deployment.spec.selector);
  });

  test('§2.5 RBAC: auth-delegator, auth-reader in kube-system, workloads and HPAs readable and only patchable', () => {
    const subject = { kind: 'ServiceAccount', name: 'costscale', namespace: serviceNamespace };
    const bindings = allManifests.filter(
      (m) => m.kind === 'ClusterRoleBinding' || m.kind === 'RoleBinding',
    ) as Array<Manifest & { roleRef: { kind: string; name: string }; subjects: unknown[] }>;
    const delegator = bindings.find((b) => b.roleRef.name === 'system:auth-delegator');
    expect(delegator?.kind).toBe('ClusterRoleBinding');
    expect(delegator?.subjects).toContainEqual(subject);
    const reader = bindings.find((b) => b.roleRef.name === 'extension-apiserver-authentication-reader');
    expect(reader?.kind).toBe('RoleBinding');
    expect(reader?.roleRef.kind).toBe('Role');
    expect(reader?.metadata.namespace).toBe('kube-system');
    expect(reader?.subjects).toContainEqual(subject);

    const rules = allManifests
      .filter((m) => m.kind === 'ClusterRole')
      .flatMap(
        (r) =>
          (r as Manifest & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> })
            .rules,
      );
    const can = (group: string, resource: string, verb: string): boolean =>
      rules.some(
        (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
    for (const verb of ['get', 'list', 'watch']) {
      expect(can('apps', 'deployments', verb)).toBe(true);
      expect(can('apps', 'statefulsets', verb)).toBe(true);
      expect(can('autoscaling', 'horizontalpodautoscalers', verb)).toBe(true);
    }
    // Recommendations are applied and rolled back with merge patches, and nothing more.
    for (const [group, resource] of [
      ['apps', 'deployments'],
      ['apps', 'statefulsets'],
      ['autoscaling', 'horizontalpodautoscalers'],
    ] as const) {
      expect(can(group, resource, 'patch')).toBe(true);
      for (const verb of ['update', 'delete', 'create', '*']) expect(can(group, resource, verb)).toBe(false);
    }
    expect(can('policy', 'poddisruptionbudgets', 'list')).toBe(true);
  });

  test("the KEDA examples: metrics-api reads costscale's route; forwarding's server.forward entry validates", () => {
    const scaledObject = find('ScaledObject', 'checkout') as Manifest & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const trigger = scaledObject.spec.triggers[0];
    expect(trigger.type).toBe('metrics-api');
    expect(trigger.metadata.url).toBe(
      `https://${serviceName}.${serviceNamespace}.svc/api/v1/keda/namespaces/${scaledObject.metadata.namespace}/policies/checkout`,
    );
    expect(trigger.metadata.valueLocation).toBe('replicas');
    expect(find('TriggerAuthentication', trigger.authenticationRef.name)).toBeDefined();

    // The config.yaml fragment in the forwarding example's comments, merged into the base config.
    const example = readFileSync(path.join(DEPLOY, 'examples', 'keda-forwarding.yaml'), 'utf8');
    const lines = example.split('\n');
    const start = lines.findIndex((l) => /^#\s+server:$/.test(l));
    const indent = lines[start]!.indexOf('server:');
    const body = lines.slice(start + 1);
    const end = body.findIndex((l) => !l.startsWith('#') || l.slice(1, indent + 2).trim() !== '');
    const fragment = body.slice(0, end).map((l) => l.slice(indent));
    const merged = configText.replace(/^server:\n/m, `server:\n${fragment.join('\n')}\n`);
    const forward = parseConfigText(merged, 'keda-forwarding.yaml', {}).server.forward;
    expect(forward).toEqual([
      expect.objectContaining({
        name: 'keda',
        url: 'https://keda-operator-metrics-apiserver.keda.svc:443',
        kedaScaledObjects: true,
      }),
    ]);
  });

  test('the example HPA scales a Deployment on costscale_replicas with AverageValue 1', () => {
    const hpa = find('HorizontalPodAutoscaler') as Manifest & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef.kind).toBe('Deployment');
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'External',
        external: {
          metric: { name: 'costscale_replicas', selector: { matchLabels: { policy: expect.any(String) } } },
          target: { type: 'AverageValue', averageValue: '1' },
        },
      },
    ]);
  });
});

describe('kubectl kustomize deploy/base', () => {
  let built: Manifest[];

  beforeAll(async () => {
    built = documents(await run('kubectl', ['kustomize', BASE]), 'kustomize output');
  });

  test('contains every kind the issue asks for', () => {
    const kinds = new Set(built.map((m) => m.kind));
    for (const kind of [
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'RoleBinding',
      'ConfigMap',
      'Service',
      'Deployment',
      'PodDisruptionBudget',
      'APIService',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  test('every built object validates, and the Deployment mounts the generated ConfigMap', async () => {
    for (const m of built) await validateManifest(m);
    const configMap = built.find((m) => m.kind === 'ConfigMap') as Manifest & {
      data: Record<string, string>;
    };
    expect(configMap.metadata.name).toMatch(/^costscale-config-[a-z0-9]+$/);
    expect(configMap.data['config.yaml']).toBe(configText);
    const deployment = built.find((m) => m.kind === 'Deployment') as Manifest & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const volumes = deployment.spec.template.spec.volumes as Array<{ configMap?: { name: string } }>;
    expect(volumes.map((v) => v.configMap?.name)).toContain(configMap.metadata.name);
    expect(deployment.spec.template.spec.containers[0].image).toMatch(/^[^:]+\/costscale:\d/);
    const authReader = built.find(
      (m) => m.kind === 'RoleBinding' && m.metadata.name === 'costscale-auth-reader',
    );
    expect(authReader?.metadata.namespace).toBe('kube-system');
  });
});
