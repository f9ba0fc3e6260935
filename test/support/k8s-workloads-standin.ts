// A stand-in for the Kubernetes API server's workload endpoints, over HTTPS with a bearer token as a
// kubeconfig describes it: GET and PATCH (application/merge-patch+json only, RFC 7386) of apps/v1
// Deployments and StatefulSets and autoscaling/v2 HorizontalPodAutoscalers, and lists of HPAs and
// policy/v1 PodDisruptionBudgets. Like the API server it bumps metadata.resourceVersion on every
// write, answers 409 Conflict to a patch carrying a stale resourceVersion, and stores resource
// quantities in canonical form. It records every request.

import { writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { canonicalQuantity } from '../../adapter/src/k8s/quantity';
import { createCA, localServerCertificate } from './certs';

type Json = Record<string, unknown>;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface WorkloadsStandin {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Stores an object (its kind and metadata decide where); returns the stored copy. */
  put(object: Json): Json;
  /** A deep copy of the stored object, or undefined. */
  get(kind: string, namespace: string, name: string): Json | undefined;
  writeKubeconfig(dir: string): string;
  close(): Promise<void>;
}

const RESOURCES: Record<string, { group: string; resource: string }> = {
  Deployment: { group: 'apps/v1', resource: 'deployments' },
  StatefulSet: { group: 'apps/v1', resource: 'statefulsets' },
  HorizontalPodAutoscaler: { group: 'autoscaling/v2', resource: 'horizontalpodautoscalers' },
  PodDisruptionBudget: { group: 'policy/v1', resource: 'poddisruptionbudgets' },
};

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** RFC 7386, written here independently of the code under test. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Json = isObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    if (patch[key] === null) delete result[key];
    else result[key] = mergePatch(result[key], patch[key]);
  }
  return result;
}

/** The API server stores quantities canonically ("1000m" → "1", "0.5Gi" → "512Mi"). */
function canonicalResources(object: Json): void {
  const spec = object.spec as Json | undefined;
  const podSpec = ((spec?.template as Json | undefined)?.spec as Json | undefined) ?? undefined;
  for (const container of (podSpec?.containers as Json[] | undefined) ?? []) {
    const resources = container.resources as Json | undefined;
    for (const group of ['requests', 'limits']) {
      const values = resources?.[group] as Record<string, string> | undefined;
      for (const key of Object.keys(values ?? {})) values![key] = canonicalQuantity(String(values![key]));
    }
  }
}

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code };
}

export async function startWorkloadsStandin(): Promise<WorkloadsStandin> {
  const ca = createCA('workloads-standin-ca');
  const serving = localServerCertificate(ca);
  const clientToken = 'workloads-standin-token';
  const objects = new Map<string, Json>();
  const requests: RecordedRequest[] = [];
  let resourceVersion = 1000;

  const keyOf = (kind: string, namespace: string, name: string): string => {
    const r = RESOURCES[kind];
    if (r === undefined) throw new Error(`the stand-in does not serve ${kind}`);
    return `/apis/${r.group}/namespaces/${namespace}/${r.resource}/${name}`;
  };

  function store(object: Json): Json {
    const metadata = object.metadata as Json;
    const stored = copy(object);
    canonicalResources(stored);
    (stored.metadata as Json).resourceVersion = String(++resourceVersion);
    objects.set(keyOf(String(object.kind), String(metadata.namespace), String(metadata.name)), stored);
    return stored;
  }

  const server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const url = req.url ?? '/';
      const contentType = req.headers['content-type'];
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      requests.push({ method: req.method ?? '', path: url, contentType, body });
      const reply = (code: number, answer: unknown): void => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
      };
      if (req.headers.authorization !== `Bearer ${clientToken}`) {
        reply(401, status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      const list = /^\/apis\/([a-z0-9./]+)\/namespaces\/([^/]+)\/([a-z]+)$/.exec(url);
      if (req.method === 'GET' && list !== null) {
        const prefix = `/apis/${list[1]}/namespaces/${list[2]}/${list[3]}/`;
        const items = [...objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => copy(v));
        reply(200, { kind: 'List', apiVersion: list[1], metadata: {}, items });
        return;
      }
      const existing = objects.get(url);
      if (existing === undefined) {
        reply(404, status(404, 'NotFound', `${url} not found`));
        return;
      }
      if (req.method === 'GET') {
        reply(200, copy(existing));
        return;
      }
      if (req.method !== 'PATCH') {
        reply(405, status(405, 'MethodNotAllowed', `${req.method} is not served here`));
        return;
      }
      if (contentType !== 'application/merge-patch+json') {
        reply(
          415,
          status(
            415,
            'UnsupportedMediaType',
            `the stand-in takes application/merge-patch+json, not ${contentType}`,
          ),
        );
        return;
      }
      const wanted = ((body as Json | undefined)?.metadata as Json | undefined)?.resourceVersion;
      const metadata = existing.metadata as Json;
      if (wanted !== undefined && wanted !== metadata.resourceVersion) {
        reply(
          409,
          status(
            409,
            'Conflict',
            `the object has been modified; please apply your changes to the latest version`,
          ),
        );
        return;
      }
      const patched = mergePatch(existing, body) as Json;
      (patched.metadata as Json).name = metadata.name;
      (patched.metadata as Json).namespace = metadata.namespace;
      reply(200, copy(store(patched)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    put: (object) => copy(store(object)),
    get: (kind, namespace, name) => {
      const o = objects.get(keyOf(kind, namespace, name));
      return o === undefined ? undefined : copy(o);
    },
    writeKubeconfig(dir) {
      const file = path.join(dir, 'workloads.kubeconfig');
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': 'standin',
          clusters: [
            {
              name: 'standin',
              cluster: { server: url, 'certificate-authority-data': Buffer.from(ca.cert).toString('base64') },
            },
          ],
          users: [{ name: 'adapter', user: { token: clientToken } }],
          contexts: [{ name: 'standin', context: { cluster: 'standin', user: 'adapter' } }],
        }),
      );
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
