import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import pino from 'pino';
import { createApiServer, type ApiServer } from './external-metrics';
import { fileCertificateAuthorities, generateServingCertificate } from './tls';

// Certificates rotated on disk (cert-manager renewing the mounted Secret) are served on the next
// connection, without a restart: the file watcher hands them to https.Server#setSecureContext.

jest.setTimeout(30_000);

const dir = mkdtempSync(path.join(tmpdir(), 'costscale-tls-'));
const certFile = path.join(dir, 'tls.crt');
const keyFile = path.join(dir, 'tls.key');
let api: ApiServer;
let port: number;
const logged: string[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  }),
);

/** The fingerprint of the certificate a new TLS connection is served. */
function servedFingerprint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

async function servedWithin(expected: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await servedFingerprint()) === expected) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

const fingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256;

beforeAll(async () => {
  const first = await generateServingCertificate('costscale', 'costscale', new Date());
  writeFileSync(certFile, first.cert);
  writeFileSync(keyFile, first.key);
  api = await createApiServer({
    snapshot: { current: () => undefined },
    tls: { certFile, keyFile, serviceName: 'costscale', serviceNamespace: 'costscale', reloadIntervalMs: 20 },
    auth: { mode: 'local' },
    logger,
  });
  port = (await api.listen(0, '127.0.0.1')).port;
  expect(await servedFingerprint()).toBe(fingerprintOf(first.cert));
});

afterAll(() => api.close());

test('a rotated certificate is served on new connections without a restart', async () => {
  const next = await generateServingCertificate('costscale', 'costscale', new Date());
  writeFileSync(keyFile, next.key);
  writeFileSync(certFile, next.cert);
  expect(await servedWithin(fingerprintOf(next.cert), 5000)).toBe(true);
});

test('a half-written pair (new certificate, old key) is skipped; the current one stays', async () => {
  const current = await servedFingerprint();
  const other = await generateServingCertificate('costscale', 'costscale', new Date());
  writeFileSync(certFile, other.cert); // its key never arrives
  const deadline = Date.now() + 5000;
  const refused = 'could not reload the serving certificate; keeping the current one';
  while (!logged.includes(refused) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(logged).toContain(refused);
  expect(await servedFingerprint()).toBe(current);
  // Once the key arrives, the pair is served.
  writeFileSync(keyFile, other.key);
  expect(await servedWithin(fingerprintOf(other.cert), 5000)).toBe(true);
});

test('a CA bundle is re-read when it changes; one with no certificate or an unparsable one is skipped', async () => {
  const caFile = path.join(dir, 'ca.crt');
  const [first, second] = await Promise.all([
    generateServingCertificate('costscale', 'costscale', new Date()),
    generateServingCertificate('costscale', 'costscale', new Date()),
  ]);
  writeFileSync(caFile, first.caCert);
  const bundle = await fileCertificateAuthorities(caFile, 20, logger);
  const seen: string[] = [];
  bundle.onChange((pem) => seen.push(pem));
  try {
    expect(bundle.current()).toBe(first.caCert);
    const refused = 'could not reload the CA bundle; keeping the current one';
    for (const broken of [
      '',
      '-----BEGIN CERTIFICATE-----\nMIIC',
      first.caCert.slice(0, 200) + first.caCert.slice(-40),
    ]) {
      const before = logged.filter((m) => m === refused).length;
      writeFileSync(caFile, broken);
      await waitUntil(() => logged.filter((m) => m === refused).length > before);
      expect(bundle.current()).toBe(first.caCert);
    }
    writeFileSync(caFile, first.caCert + second.caCert);
    await waitUntil(() => seen.length > 0);
    expect(seen).toEqual([first.caCert + second.caCert]);
    expect(bundle.current()).toBe(first.caCert + second.caCert);
  } finally {
    bundle.close();
  }
});

async function waitUntil(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(done()).toBe(true);
}
