import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { freePort } from './ports';

// A Kubernetes API stand-in serving coordination.k8s.io/v1 Leases in namespace costscale (no API server
// runs here), with the API server's optimistic concurrency: a write with a stale resourceVersion gets 409.

export interface StoredLease {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion: string;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

export interface LeaseStandIn {
  readonly server: Server;
  lease(): StoredLease | undefined;
}

export function leaseStandIn(): LeaseStandIn {
  let stored: StoredLease | undefined;
  let version = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = (code: number, obj: unknown) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const status = (code: number, reason: string) =>
        send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message: reason });
      if (!req.url?.startsWith('/apis/coordination.k8s.io/v1/namespaces/costscale/leases'))
        return status(404, 'NotFound');
      if (req.method === 'GET') return stored ? send(200, stored) : status(404, 'NotFound');
      const lease = JSON.parse(body) as StoredLease;
      if (req.method === 'POST') {
        if (stored) return status(409, 'AlreadyExists');
      } else if (req.method === 'PUT') {
        if (!stored || lease.metadata.resourceVersion !== stored.metadata.resourceVersion)
          return status(409, 'Conflict');
      } else return status(405, 'MethodNotAllowed');
      stored = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++version) } };
      send(req.method === 'POST' ? 201 : 200, stored);
    });
  });
  return { server, lease: () => stored };
}

/** Listens on a free loopback port and writes `kubeconfigPath`, a kubeconfig with a token user for it. */
export async function serveWithKubeconfig(standIn: LeaseStandIn, kubeconfigPath: string): Promise<void> {
  const port = await freePort();
  await new Promise<void>((r) => standIn.server.listen(port, '127.0.0.1', () => r()));
  await writeFile(
    kubeconfigPath,
    `apiVersion: v1
kind: Config
clusters: [{ name: test, cluster: { server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true } }]
users: [{ name: test, user: { token: test-token } }]
contexts: [{ name: test, context: { cluster: test, user: test } }]
current-context: test
`,
  );
}
