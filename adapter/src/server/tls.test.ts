import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { capturedLog } from '../../../test/support/capturedLog';
import { createApiServer, type ApiServer } from './external-metrics';
import { fileCertificateAuthorities, generateServingCertificate } from './tls';

// Certificates rotated on disk (cert-manager renewing the mounted Secret) are served on the next
// connection, without a restart: the file watcher hands them to https.Server#setSecureContext.
// Each test waits for the watcher's own log line (reloaded or refused), not for a deadline: the
// listeners run in the same turn as that line, so what is served is checked once, exactly.

jest.setTimeout(30_000);

const dir = mkdtempSync(path.join(tmpdir(), 'costscale-tls-'));
const certFile = path.join(dir, 'tls.crt');
const keyFile = path.join(dir, 'tls.key');
let api: ApiServer;
let port: number;
const log = capturedLog();
const logger = log.logger;

const RELOADED = 'serving certificate reloaded';
const REFUSED = 'could not reload the serving certificate; keeping the current one';

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
  const before = log.count(RELOADED);
  writeFileSync(keyFile, next.key);
  writeFileSync(certFile, next.cert);
  // The watcher may see the new key before the certificate (a pair that does not match, refused)
  // and then the pair: the reload that counts is the one whose certificate is on disk.
  await log.logged(RELOADED, before);
  expect(await servedFingerprint()).toBe(fingerprintOf(next.cert));
});

test('a half-written pair (new certificate, old key) is skipped; the current one stays', async () => {
  const current = await servedFingerprint();
  const other = await generateServingCertificate('costscale', 'costscale', new Date());
  const refusedBefore = log.count(REFUSED);
  const reloadedBefore = log.count(RELOADED);
  writeFileSync(certFile, other.cert); // its key never arrives
  await log.logged(REFUSED, refusedBefore);
  expect(await servedFingerprint()).toBe(current);
  // Once the key arrives, the pair is served.
  writeFileSync(keyFile, other.key);
  await log.logged(RELOADED, reloadedBefore);
  expect(await servedFingerprint()).toBe(fingerprintOf(other.cert));
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
      const before = log.count(refused);
      writeFileSync(caFile, broken);
      await log.logged(refused, before);
      expect(bundle.current()).toBe(first.caCert);
    }
    const before = log.count('CA bundle reloaded');
    writeFileSync(caFile, first.caCert + second.caCert);
    await log.logged('CA bundle reloaded', before);
    expect(seen).toEqual([first.caCert + second.caCert]);
    expect(bundle.current()).toBe(first.caCert + second.caCert);
  } finally {
    bundle.close();
  }
});

test('a bundle half-written when the watch starts keeps what the caller holds, and is watched all the same', async () => {
  const caFile = path.join(dir, 'starting-ca.crt');
  const [held, next] = await Promise.all([
    generateServingCertificate('costscale', 'costscale', new Date()),
    generateServingCertificate('costscale', 'costscale', new Date()),
  ]);
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIC');
  await expect(fileCertificateAuthorities(caFile, 20, logger)).rejects.toThrow(/no certificate/);
  const refused = 'could not reload the CA bundle; keeping the current one';
  const before = log.count(refused);
  const bundle = await fileCertificateAuthorities(caFile, 20, logger, held.caCert);
  try {
    expect(log.count(refused)).toBe(before + 1);
    expect(bundle.current()).toBe(held.caCert);
    const reloaded = log.count('CA bundle reloaded');
    writeFileSync(caFile, next.caCert);
    await log.logged('CA bundle reloaded', reloaded);
    expect(bundle.current()).toBe(next.caCert);
  } finally {
    bundle.close();
  }
});
