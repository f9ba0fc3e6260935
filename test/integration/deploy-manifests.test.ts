// The shipped manifests: every file in deploy/base and deploy/examples validates against the
// Kubernetes API schemas (kubernetes-models), every kustomization in deploy/ renders with
// `kubectl kustomize` and its objects validate, and the pieces agree with each other, with the spec
// (external-metrics-api.md §2.5 RBAC, §2.6 APIService) and with issue 16: one replica on the embedded
// database by default, HA only on a shared PostgreSQL, a verified aggregation hop, no cluster-wide patch.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { leaderElectionEnabled } from '../../adapter/src/config/leaderElection';
import { ConfigError, parseConfigText } from '../../adapter/src/config/load';
import type { Config } from '../../adapter/src/config/schema';
import { imageEnv } from '../support/imageEnv';
import { run } from '../support/processes';

const REPO = path.join(__dirname, '..', '..');
const DEPLOY = path.join(REPO, 'deploy');
const BASE = path.join(DEPLOY, 'base');
const OVERLAYS = [
  'base',
  'overlays/ha',
  'overlays/ha-cloudnative-pg',
  'overlays/cert-manager',
  'overlays/monitoring',
];

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; [k: string]: unknown };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [k: string]: any;
}

interface Model {
  validate(): void;
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
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

// Custom resources kubernetes-models has no schema for, with the fields each must carry.
const CUSTOM_RESOURCES: Record<string, (m: Manifest) => void> = {
  'cert-manager.io/v1 Issuer': (m) => expect(m.spec.selfSigned ?? m.spec.ca?.secretName).toBeDefined(),
  'cert-manager.io/v1 Certificate': (m) => {
    expect(m.spec.secretName).toEqual(expect.any(String));
    expect(m.spec.issuerRef).toEqual({ name: expect.any(String), kind: 'Issuer' });
  },
  'postgresql.cnpg.io/v1 Cluster': (m) => {
    expect(m.spec.instances).toBeGreaterThanOrEqual(2);
    expect(m.spec.storage.size).toMatch(/^\d+Gi$/);
  },
  'monitoring.coreos.com/v1 ServiceMonitor': (m) => {
    expect(m.spec.selector.matchLabels).toEqual(expect.any(Object));
    expect(m.spec.endpoints.length).toBeGreaterThan(0);
  },
  'monitoring.coreos.com/v1 PrometheusRule': (m) => expect(m.spec.groups.length).toBeGreaterThan(0),
};

/** Validates with the kubernetes-models class for the apiVersion/kind, or the custom-resource check. */
async function validateManifest(manifest: Manifest): Promise<void> {
  const custom = CUSTOM_RESOURCES[`${manifest.apiVersion} ${manifest.kind}`];
  if (custom !== undefined) return custom(manifest);
  // Core v1 lives at kubernetes-models/v1, groups at kubernetes-models/<group>/<version>; KEDA's
  // custom resources at @kubernetes-models/keda/<group>/<version>.
  const modulePath = manifest.apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${manifest.apiVersion}`
    : `kubernetes-models/${manifest.apiVersion}`;
  const models = (await import(modulePath)) as Record<string, new (data: unknown) => Model>;
  const ModelClass = models[manifest.kind];
  if (ModelClass === undefined) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new ModelClass(manifest).validate();
}

const baseKustomization = parseYaml(readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8')) as {
  kind: string;
  resources: string[];
  configMapGenerator: Array<{ name: string; namespace: string; files: string[] }>;
};
const rawFiles = [...yamlFiles(BASE), ...yamlFiles(path.join(DEPLOY, 'examples'))].filter(
  (f) => !['kustomization.yaml', 'config.yaml'].includes(path.basename(f)),
);
const rawManifests = rawFiles.flatMap((f) => documents(readFileSync(f, 'utf8'), f));

const rendered = new Map<string, Manifest[]>();
const find = (overlay: string, kind: string, name?: string): Manifest => {
  const found = rendered
    .get(overlay)!
    .find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind} ${name ?? ''} in ${overlay}`);
  return found;
};
const all = (overlay: string, kind: string): Manifest[] =>
  rendered.get(overlay)!.filter((m) => m.kind === kind);
const deploymentOf = (overlay: string) => find(overlay, 'Deployment', 'costscale');
const containerOf = (overlay: string) => deploymentOf(overlay).spec.template.spec.containers[0];

/** Test values for the environment the Deployment gives the container from Secrets. */
const SECRET_ENV: Record<string, string> = {
  DATABASE_URL: 'postgres://costscale:pw@db:5432/costscale',
  COSTSCALE_REPLICATION_TOKEN: 'a-replication-token-of-at-least-32-chars',
};

/** The container's environment as the pod would see it: Secret references filled with test values. */
function containerEnv(overlay: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
  for (const e of containerOf(overlay).env as Array<{ name: string; value?: string; valueFrom?: unknown }>) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (SECRET_ENV[e.name] !== undefined) env[e.name] = SECRET_ENV[e.name];
  }
  return env;
}

function configOf(overlay: string): { text: string; config: Config; env: NodeJS.ProcessEnv } {
  const configMap = all(overlay, 'ConfigMap').find((m) => m.metadata.name.startsWith('costscale-config-'));
  const text = configMap!.data['config.yaml'] as string;
  const env = containerEnv(overlay);
  return { text, env, config: parseConfigText(text, `${overlay}/config.yaml`, env) };
}

function rbacRules(overlay: string, kind: 'ClusterRole' | 'Role'): Rule[] {
  return all(overlay, kind).flatMap((r) => r.rules as Rule[]);
}

const can = (rules: Rule[], group: string, resource: string, verb: string): boolean =>
  rules.some(
    (r) =>
      r.apiGroups.includes(group) &&
      (r.resources.includes(resource) || r.resources.includes('*')) &&
      (r.verbs.includes(verb) || r.verbs.includes('*')),
  );

beforeAll(async () => {
  for (const overlay of OVERLAYS) {
    rendered.set(
      overlay,
      documents(await run('kubectl', ['kustomize', path.join(DEPLOY, overlay)]), overlay),
    );
  }
});

describe('the files in deploy/base and deploy/examples validate against the Kubernetes API schemas', () => {
  test('there are manifests to check', () => {
    expect(rawFiles.length).toBeGreaterThanOrEqual(9);
  });

  test.each(rawFiles.map((f) => [path.relative(DEPLOY, f)]))('%s', async (relative) => {
    const docs = documents(readFileSync(path.join(DEPLOY, relative), 'utf8'), relative);
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) await validateManifest(doc);
  });

  test('the schemas do reject a broken manifest', async () => {
    const broken = structuredClone(rawManifests.find((m) => m.kind === 'Deployment')!);
    broken.spec.replicas = 'two';
    await expect(validateManifest(broken)).rejects.toThrow(/replicas/);
  });

  test('the base kustomization lists every base manifest', () => {
    expect(baseKustomization.kind).toBe('Kustomization');
    const listed = baseKustomization.resources.map((r) => path.join(BASE, r)).sort();
    expect(listed).toEqual(rawFiles.filter((f) => path.dirname(f) === BASE).sort());
  });
});

describe.each(OVERLAYS)('kubectl kustomize deploy/%s', (overlay) => {
  test('every rendered object validates', async () => {
    const objects = rendered.get(overlay)!;
    expect(objects.length).toBeGreaterThan(0);
    for (const m of objects) await validateManifest(m);
  });

  test('no APIService skips TLS verification', () => {
    for (const apiService of all(overlay, 'APIService'))
      expect(apiService.spec.insecureSkipTLSVerify).toBeUndefined();
  });

  test('no ClusterRole may change workloads or HPAs anywhere in the cluster', () => {
    const rules = rbacRules(overlay, 'ClusterRole');
    for (const [group, resource] of [
      ['apps', 'deployments'],
      ['apps', 'statefulsets'],
      ['autoscaling', 'horizontalpodautoscalers'],
    ] as const) {
      for (const verb of ['patch', 'update', 'delete', 'create'])
        expect(can(rules, group, resource, verb)).toBe(false);
    }
  });
});

describe.each(OVERLAYS.filter((o) => o !== 'overlays/monitoring'))('the adapter in deploy/%s', (overlay) => {
  test('its configuration loads with the environment the Deployment gives it, and leader election is consistent', () => {
    const { config, env } = configOf(overlay);
    expect(config.server.port).toBe(6443);
    expect(config.server.metricsPort).toBe(8080);
    expect(config.recommendations.apply).toBe(false);
    const ha = deploymentOf(overlay).spec.replicas > 1;
    expect(leaderElectionEnabled(config, 'config.yaml', env)).toBe(ha);
  });

  test('the heap cap and the allocator settings the memory figures were measured with', () => {
    const env = containerEnv(overlay);
    expect(env.NODE_OPTIONS).toBe('--max-old-space-size=256');
    // README "Limits and memory": glibc's arenas and thresholds, measured at 20,000 and 100,000 policies.
    expect(env).toMatchObject({
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
      MALLOC_TRIM_THRESHOLD_: '131072',
    });
  });

  test("the image sets the Deployment's allocator settings, for a container run without its manifest", () => {
    const image = imageEnv(REPO);
    const env = containerEnv(overlay);
    const allocator = Object.keys(env).filter((name) => name.startsWith('MALLOC_'));
    expect(allocator.length).toBeGreaterThan(0);
    for (const name of allocator) expect([name, image[name]]).toEqual([name, env[name]]);
  });

  test('the Deployment: health probes, non-root, read-only root, requests, config mounted, writable data', () => {
    const { config } = configOf(overlay);
    const pod = deploymentOf(overlay).spec.template.spec;
    const container = containerOf(overlay);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
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
    expect(container.image).toMatch(/^[^:]+\/costscale:\d/);
    expect(pod.serviceAccountName).toBe('costscale');
    const volumes = new Map(pod.volumes.map((v: { name: string }) => [v.name, v]));
    const mountOf = (file: string) =>
      container.volumeMounts.find((m: { mountPath: string }) => file.startsWith(`${m.mountPath}/`));
    const configMap = all(overlay, 'ConfigMap').find((m) => m.metadata.name.startsWith('costscale-config-'))!;
    expect(
      (volumes.get(mountOf('/etc/costscale/config.yaml').name) as { configMap: { name: string } }).configMap
        .name,
    ).toBe(configMap.metadata.name);
    expect(mountOf(config.database.spoolFile).readOnly).toBeFalsy();
    expect(container.env).toContainEqual({
      name: 'POD_IP',
      valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
    });
  });

  test('§2.6 the APIService routes external.metrics.k8s.io/v1beta1 to the Service the certificate names', () => {
    const { tls } = configOf(overlay).config.server;
    const apiService = find(overlay, 'APIService');
    const spec = apiService.spec;
    expect(apiService.metadata.name).toBe(`${spec.version}.${spec.group}`);
    expect(spec.group).toBe('external.metrics.k8s.io');
    expect(spec.service).toEqual({ name: tls.serviceName, namespace: tls.serviceNamespace, port: 443 });
    expect(spec.groupPriorityMinimum).toBeGreaterThanOrEqual(1);
    expect(spec.versionPriority).toBeGreaterThanOrEqual(1);
    const service = find(overlay, 'Service', tls.serviceName);
    expect(service.metadata.namespace).toBe(tls.serviceNamespace);
    expect(service.spec.ports.find((p: { port: number }) => p.port === 443)?.targetPort).toBe('https');
  });

  test('§2.5 RBAC: auth-delegator, auth-reader in kube-system, workloads readable', () => {
    const subject = { kind: 'ServiceAccount', name: 'costscale', namespace: 'costscale' };
    const bindings = [...all(overlay, 'ClusterRoleBinding'), ...all(overlay, 'RoleBinding')];
    const delegator = bindings.find((b) => b.roleRef.name === 'system:auth-delegator');
    expect(delegator?.kind).toBe('ClusterRoleBinding');
    expect(delegator?.subjects).toContainEqual(subject);
    const reader = bindings.find((b) => b.roleRef.name === 'extension-apiserver-authentication-reader');
    expect(reader?.metadata.namespace).toBe('kube-system');
    expect(reader?.subjects).toContainEqual(subject);
    const rules = rbacRules(overlay, 'ClusterRole');
    for (const verb of ['get', 'list', 'watch']) {
      expect(can(rules, 'apps', 'deployments', verb)).toBe(true);
      expect(can(rules, 'autoscaling', 'horizontalpodautoscalers', verb)).toBe(true);
    }
  });
});

describe('deploy/base: one replica on the embedded PostgreSQL', () => {
  test('1 replica, Recreate, the data on a PersistentVolumeClaim, no PodDisruptionBudget that would block drains', () => {
    const { config, env } = configOf('base');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(config.database.url).toBeUndefined();
    const deployment = deploymentOf('base');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = deployment.spec.template.spec;
    const dataMount = containerOf('base').volumeMounts.find((m: { mountPath: string }) =>
      config.database.dataDir.startsWith(`${m.mountPath}/`),
    );
    const volume = pod.volumes.find((v: { name: string }) => v.name === dataMount.name);
    const claim = find('base', 'PersistentVolumeClaim', volume.persistentVolumeClaim.claimName);
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(all('base', 'PodDisruptionBudget')).toEqual([]);
  });

  test('turning leader election on over its embedded database is refused with the file and path', () => {
    const { text, env } = configOf('base');
    const on = text.replace("mode: 'off'", "mode: 'on'");
    expect(on).not.toBe(text);
    const config = parseConfigText(on, 'deploy/base/config.yaml', env);
    expect(() => leaderElectionEnabled(config, 'deploy/base/config.yaml', env)).toThrow(ConfigError);
    expect(() => leaderElectionEnabled(config, 'deploy/base/config.yaml', env)).toThrow(
      /^deploy\/base\/config\.yaml: engine\.leaderElection\.mode: leader election needs a shared PostgreSQL/,
    );
  });

  test('the built-in serving CA: a Secret in its namespace and the caBundle of its own APIService only', () => {
    const { tls } = configOf('base').config.server;
    expect(tls.certFile).toBeUndefined();
    expect(tls.publishCA).toEqual({
      secretName: 'costscale-serving-ca',
      apiService: find('base', 'APIService').metadata.name,
    });
    const roles = all('base', 'Role').filter((r) => r.metadata.namespace === tls.serviceNamespace);
    const roleRules = roles.flatMap((r) => r.rules as Rule[]);
    expect(can(roleRules, '', 'secrets', 'create')).toBe(true);
    expect(
      roleRules.find((r) => r.resources.includes('secrets') && r.verbs.includes('get'))?.resourceNames,
    ).toEqual([tls.publishCA!.secretName]);
    const apiServiceRule = rbacRules('base', 'ClusterRole').find((r) => r.resources.includes('apiservices'));
    expect(apiServiceRule).toEqual({
      apiGroups: ['apiregistration.k8s.io'],
      resources: ['apiservices'],
      resourceNames: [tls.publishCA!.apiService],
      verbs: ['get', 'patch'],
    });
  });
});

describe.each(['overlays/ha', 'overlays/ha-cloudnative-pg'])(
  'deploy/%s: 2+ replicas on a shared PostgreSQL',
  (overlay) => {
    test('replicas, rolling update, a PodDisruptionBudget that lets one go, the Lease Role, no volume claim', () => {
      const deployment = deploymentOf(overlay);
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(deployment.spec.strategy.type).toBe('RollingUpdate');
      const pdb = find(overlay, 'PodDisruptionBudget');
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: deployment.spec.selector });
      expect(all(overlay, 'PersistentVolumeClaim')).toEqual([]);
      expect(
        deployment.spec.template.spec.volumes.every(
          (v: Record<string, unknown>) => !('persistentVolumeClaim' in v),
        ),
      ).toBe(true);
      const leaseRules = all(overlay, 'Role').flatMap((r) => r.rules as Rule[]);
      for (const verb of ['get', 'create', 'update'])
        expect(can(leaseRules, 'coordination.k8s.io', 'leases', verb)).toBe(true);
    });

    test('leader election on, DATABASE_URL and the replication token from Secrets', () => {
      const { config, env } = configOf(overlay);
      expect(config.engine.leaderElection.mode).toBe('on');
      expect(config.engine.leaderElection.replicationToken).toBe(SECRET_ENV.COSTSCALE_REPLICATION_TOKEN);
      expect(env.DATABASE_URL).toBe(SECRET_ENV.DATABASE_URL);
      const secretRefs = Object.fromEntries(
        (containerOf(overlay).env as Array<{ name: string; valueFrom?: { secretKeyRef?: unknown } }>)
          .filter((e) => e.valueFrom?.secretKeyRef !== undefined)
          .map((e) => [e.name, e.valueFrom!.secretKeyRef]),
      );
      expect(secretRefs.COSTSCALE_REPLICATION_TOKEN).toEqual({ name: 'costscale-replication', key: 'token' });
      expect(secretRefs.DATABASE_URL).toEqual(
        overlay === 'overlays/ha'
          ? { name: 'costscale-database', key: 'DATABASE_URL' }
          : { name: `${find(overlay, 'Cluster').metadata.name}-app`, key: 'uri' },
      );
      if (overlay === 'overlays/ha')
        expect(find(overlay, 'Secret', 'costscale-database').stringData.DATABASE_URL).toMatch(
          /^postgres:\/\//,
        );
      else expect(all(overlay, 'Secret')).toEqual([]);
    });
  },
);

describe('deploy/overlays/cert-manager', () => {
  const overlay = 'overlays/cert-manager';

  test('the APIService gets its caBundle injected from the Certificate the adapter serves, read from the mounted Secret', () => {
    const apiService = find(overlay, 'APIService');
    const [namespace, name] = apiService.metadata.annotations!['cert-manager.io/inject-ca-from']!.split('/');
    const certificate = find(overlay, 'Certificate', name);
    expect(certificate.metadata.namespace).toBe(namespace);
    const { tls } = configOf(overlay).config.server;
    expect(certificate.spec.dnsNames).toContain(`${tls.serviceName}.${tls.serviceNamespace}.svc`);
    expect(certificate.spec.usages).toContain('server auth');
    expect(tls.publishCA).toBeUndefined();
    const container = containerOf(overlay);
    const mount = container.volumeMounts.find((m: { mountPath: string }) =>
      tls.certFile!.startsWith(`${m.mountPath}/`),
    );
    expect(mount.subPath).toBeUndefined(); // subPath mounts never see a renewed Secret
    const volume = deploymentOf(overlay).spec.template.spec.volumes.find(
      (v: { name: string }) => v.name === mount.name,
    );
    expect(volume.secret.secretName).toBe(certificate.spec.secretName);
    expect([path.basename(tls.certFile!), path.basename(tls.keyFile!)]).toEqual(['tls.crt', 'tls.key']);
    // The issuing CA is itself a cert-manager Certificate; the built-in CA's RBAC is gone.
    const issuer = find(overlay, 'Issuer', certificate.spec.issuerRef.name);
    expect(find(overlay, 'Certificate', issuer.spec.ca.secretName).spec.isCA).toBe(true);
    expect(rbacRules(overlay, 'ClusterRole').some((r) => r.resources.includes('apiservices'))).toBe(false);
  });
});

describe('deploy/overlays/monitoring', () => {
  const overlay = 'overlays/monitoring';

  test('the PrometheusRule holds exactly the rule groups of alerts/costscale.rules.yaml, and promtool accepts them', async () => {
    const rules = parseYaml(readFileSync(path.join(REPO, 'alerts', 'costscale.rules.yaml'), 'utf8')) as {
      groups: unknown[];
    };
    const rule = find(overlay, 'PrometheusRule');
    expect(rule.spec.groups).toEqual(rules.groups);
    expect(rule.metadata.labels).toMatchObject({ prometheus: 'k8s', role: 'alert-rules' });
    const dir = await mkdtemp(path.join(tmpdir(), 'costscale-rule-'));
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, JSON.stringify(rule.spec));
    expect(await run('promtool', ['check', 'rules', file])).toMatch(/SUCCESS: \d+ rules found/);
  });

  test('the ServiceMonitor scrapes the metrics port of the costscale Service', () => {
    const monitor = find(overlay, 'ServiceMonitor');
    const service = find('base', 'Service', 'costscale');
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.namespaceSelector.matchNames).toEqual([service.metadata.namespace]);
    const portNames = service.spec.ports.map((p: { name: string }) => p.name);
    for (const endpoint of monitor.spec.endpoints) {
      expect(portNames).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
    }
    const binding = find(overlay, 'RoleBinding', 'prometheus-k8s');
    expect(binding.metadata.namespace).toBe(service.metadata.namespace);
  });
});

describe('deploy/examples', () => {
  test('applying recommendations is granted per namespace: a Role with patch only, bound to costscale', () => {
    const role = rawManifests.find((m) => m.kind === 'Role' && m.metadata.name === 'costscale-apply')!;
    const binding = rawManifests.find(
      (m) => m.kind === 'RoleBinding' && m.metadata.name === 'costscale-apply',
    )!;
    expect(role.metadata.namespace).toBe('shop');
    expect(binding.metadata.namespace).toBe(role.metadata.namespace);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'costscale', namespace: 'costscale' }]);
    const rules = role.rules as Rule[];
    expect(rules.flatMap((r) => r.verbs)).toEqual(['patch', 'patch']);
    expect(can(rules, 'apps', 'deployments', 'patch')).toBe(true);
    expect(can(rules, 'autoscaling', 'horizontalpodautoscalers', 'patch')).toBe(true);
  });

  test("the KEDA examples: metrics-api reads costscale's route; forwarding's server.forward entry validates", () => {
    const example = (kind: string, name: string): Manifest | undefined =>
      rawManifests.find((m) => m.kind === kind && m.metadata.name === name);
    const { text: configText, env, config } = configOf('base');
    const { serviceName, serviceNamespace } = config.server.tls;
    const scaledObject = example('ScaledObject', 'checkout') as Manifest & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const trigger = scaledObject.spec.triggers[0];
    expect(trigger.type).toBe('metrics-api');
    expect(trigger.metadata.url).toBe(
      `https://${serviceName}.${serviceNamespace}.svc/api/v1/keda/namespaces/${scaledObject.metadata.namespace}/policies/checkout`,
    );
    expect(trigger.metadata.valueLocation).toBe('replicas');
    expect(example('TriggerAuthentication', trigger.authenticationRef.name)).toBeDefined();

    // The config.yaml fragment in the forwarding example's comments, merged into the base config.
    const forwarding = readFileSync(path.join(DEPLOY, 'examples', 'keda-forwarding.yaml'), 'utf8');
    const lines = forwarding.split('\n');
    const start = lines.findIndex((l) => /^#\s+server:$/.test(l));
    const indent = lines[start]!.indexOf('server:');
    const body = lines.slice(start + 1);
    const end = body.findIndex((l) => !l.startsWith('#') || l.slice(1, indent + 2).trim() !== '');
    const fragment = body.slice(0, end).map((l) => l.slice(indent));
    const merged = configText.replace(/^server:\n/m, `server:\n${fragment.join('\n')}\n`);
    const forward = parseConfigText(merged, 'keda-forwarding.yaml', env).server.forward;
    expect(forward).toEqual([
      expect.objectContaining({
        name: 'keda',
        url: 'https://keda-operator-metrics-apiserver.keda.svc:443',
        kedaScaledObjects: true,
      }),
    ]);
  });

  test('the example HPA scales a Deployment on costscale_replicas with AverageValue 1', () => {
    const hpa = rawManifests.find((m) => m.kind === 'HorizontalPodAutoscaler')!;
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

describe('deploy/grafana provisioning', () => {
  test('the app provisioning names the plugin and reaches the adapter through its Service', () => {
    const plugin = JSON.parse(
      readFileSync(path.join(REPO, 'grafana-plugin', 'src', 'plugin.json'), 'utf8'),
    ) as {
      id: string;
    };
    const apps = parseYaml(
      readFileSync(path.join(DEPLOY, 'grafana', 'provisioning', 'plugins', 'costscale.yaml'), 'utf8'),
    ).apps as Array<{ type: string; jsonData: { adapterUrl: string }; secureJsonData: { apiKey: string } }>;
    expect(apps.map((a) => a.type)).toEqual([plugin.id]);
    const service = find('base', 'Service', 'costscale');
    const https = service.spec.ports.find((p: { name: string }) => p.name === 'https');
    expect(https.port).toBe(443);
    expect(apps[0]!.jsonData.adapterUrl).toBe(
      `https://${service.metadata.name}.${service.metadata.namespace}.svc`,
    );
    expect(apps[0]!.secureJsonData.apiKey).toBe('$COSTSCALE_API_KEY');
  });

  test('the dashboard provider is a file provider', () => {
    const providers = parseYaml(
      readFileSync(path.join(DEPLOY, 'grafana', 'provisioning', 'dashboards', 'costscale.yaml'), 'utf8'),
    ).providers as Array<{ type: string; options: { path: string } }>;
    expect(providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: expect.any(String) }),
      }),
    ]);
  });
});

test('dashboards/README.md points at the ServiceMonitor that deploy/ ships', () => {
  const readme = readFileSync(path.join(REPO, 'dashboards', 'README.md'), 'utf8');
  const pointer = /`ServiceMonitor` in\s+`(deploy\/[^`]+)`/.exec(readme)?.[1];
  expect(pointer).toBe('deploy/overlays/monitoring/');
  expect(all(pointer!.replace(/^deploy\/|\/$/g, ''), 'ServiceMonitor')).toHaveLength(1);
});
