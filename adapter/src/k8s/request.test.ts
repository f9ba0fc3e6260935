import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKubeConnection } from './connection';
import { kubeRequester } from './request';

let dir: string;
let server: Server;
let connections: number;
const seen: Array<{
  method?: string;
  url?: string;
  authorization?: string;
  contentType?: string;
  body: string;
}> = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kube-request-'));
  connections = 0;
  seen.length = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(req.url?.endsWith('/missing') ? 404 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 200 }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  rmSync(dir, { recursive: true, force: true });
});

function connection() {
  const file = path.join(dir, 'config');
  const port = (server.address() as AddressInfo).port;
  writeFileSync(
    file,
    JSON.stringify({
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      clusters: [
        {
          name: 'c',
          cluster: { server: `http://127.0.0.1:${port}/prefix/`, 'insecure-skip-tls-verify': true },
        },
      ],
      users: [{ name: 'u', user: { token: 'secret' } }],
    }),
  );
  return loadKubeConnection(file)!;
}

test('JSON in and out with the bearer token, under the server path, over one kept-alive connection', async () => {
  const request = kubeRequester(connection());
  const first = await request('POST', '/apis/x/v1/things', { spec: { a: 1 } });
  const second = await request('GET', '/api/v1/missing');
  expect(first).toEqual({ status: 200, json: { kind: 'Status', code: 200 } });
  expect(second.status).toBe(404);
  expect(seen).toEqual([
    {
      method: 'POST',
      url: '/prefix/apis/x/v1/things',
      authorization: 'Bearer secret',
      contentType: 'application/json',
      body: '{"spec":{"a":1}}',
    },
    {
      method: 'GET',
      url: '/prefix/api/v1/missing',
      authorization: 'Bearer secret',
      contentType: undefined,
      body: '',
    },
  ]);
  expect(connections).toBe(1);
});

test('a merge patch carries its content type', async () => {
  const request = kubeRequester(connection());
  await request('PATCH', '/apis/apps/v1/x', { spec: null }, 'application/merge-patch+json');
  expect(seen[0]).toMatchObject({ method: 'PATCH', contentType: 'application/merge-patch+json' });
});
