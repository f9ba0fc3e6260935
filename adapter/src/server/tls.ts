// The HTTPS serving certificate: a cert/key pair from files (re-read when they change), or — like a Go
// apiserver without --tls-cert-file — a CA and a serving certificate generated at start, valid for the
// names the kube-aggregator dials (`<service>.<namespace>.svc`, external-metrics-api.md §1.1, §2.6).

import { generateKeyPair, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import forge from 'node-forge';

export interface ServingTlsOptions {
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serviceName: string;
  readonly serviceNamespace: string;
  /** How often the files are checked for changes (default 10 s). */
  readonly reloadIntervalMs?: number;
  /** Without files: the CA that signs the generated certificate (one shared by every replica). */
  readonly issuer?: CertificateAuthority;
}

/** A CA certificate and its private key (PEM). */
export interface CertificateAuthority {
  readonly cert: string;
  readonly key: string;
}

export interface ServingCredentials {
  /** PEM: the serving certificate followed by its chain. */
  readonly cert: string;
  readonly key: string;
}

export interface ServingCertificate {
  current(): ServingCredentials;
  /** PEM of the CA that signed a generated certificate (the APIService caBundle); undefined for files. */
  readonly generatedCA: string | undefined;
  onChange(listener: (credentials: ServingCredentials) => void): void;
  close(): void;
}

export async function loadServingCertificate(
  options: ServingTlsOptions,
  logger?: Logger,
): Promise<ServingCertificate> {
  if (options.certFile === undefined || options.keyFile === undefined) {
    const generated = await generateServingCertificate(
      options.serviceName,
      options.serviceNamespace,
      new Date(),
      options.issuer,
    );
    const credentials = { cert: generated.cert + generated.caCert, key: generated.key };
    return {
      current: () => credentials,
      generatedCA: generated.caCert,
      onChange: () => undefined,
      close: () => undefined,
    };
  }
  return fileServingCertificate(
    options.certFile,
    options.keyFile,
    options.reloadIntervalMs ?? 10_000,
    logger,
  );
}

/** A cert/key pair read from files and re-read when they change (a pair that does not match is skipped). */
export async function fileServingCertificate(
  certFile: string,
  keyFile: string,
  intervalMs: number,
  logger?: Logger,
  fallback?: ServingCredentials,
): Promise<ServingCertificate> {
  const watched = await watchFiles(
    [certFile, keyFile],
    async () => {
      const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
      // Throws when the pair does not parse or does not match, so a half-written update is skipped.
      createSecureContext({ cert, key });
      return { cert, key };
    },
    intervalMs,
    logger,
    'serving certificate',
    fallback,
  );
  return { ...watched, generatedCA: undefined };
}

/** A file's contents, re-read when it changes. */
export interface WatchedFile<T> {
  current(): T;
  onChange(listener: (value: T) => void): void;
  close(): void;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * A PEM bundle of CA certificates (a client CA, an upstream's CA), re-read when the file changes; a
 * bundle with no certificate or one that does not parse, e.g. half-written, is skipped.
 */
export async function fileCertificateAuthorities(
  caFile: string,
  intervalMs: number,
  logger?: Logger,
  fallback?: string,
): Promise<WatchedFile<string>> {
  return watchFiles(
    [caFile],
    async () => {
      const pem = await readFile(caFile, 'utf8');
      const certificates = pem.match(PEM_CERTIFICATE) ?? [];
      if (certificates.length === 0) throw new Error(`no certificate in ${caFile}`);
      for (const certificate of certificates) new X509Certificate(certificate);
      return pem;
    },
    intervalMs,
    logger,
    'CA bundle',
    fallback,
  );
}

/**
 * `read` now and again whenever one of `files` changes (size, modification time or inode: a
 * Kubernetes Secret volume swaps a symlink); a read that throws keeps the value before it. With a
 * `fallback` (what the caller already holds), a first read that throws, e.g. of a file being
 * written, keeps the fallback and the files are watched all the same.
 */
async function watchFiles<T>(
  files: readonly string[],
  read: () => Promise<T>,
  intervalMs: number,
  logger: Logger | undefined,
  what: string,
  fallback?: T,
): Promise<WatchedFile<T>> {
  const version = async (): Promise<string> => {
    const stats = await Promise.all(files.map((file) => stat(file)));
    return stats.map((s) => `${s.size}:${s.mtimeMs}:${s.ino}`).join('|');
  };
  const refused = (error: unknown): void =>
    void logger?.error(
      { err: error, file: files[0] },
      `could not reload the ${what}; keeping the current one`,
    );
  let seen = await version();
  let value: T;
  try {
    value = await read();
  } catch (error) {
    if (fallback === undefined) throw error;
    refused(error);
    value = fallback;
    seen = ''; // read again on the first check
  }
  const listeners: Array<(value: T) => void> = [];
  const timer = setInterval(() => {
    (async () => {
      const next = await version();
      if (next === seen) return;
      value = await read();
      seen = next;
      logger?.info({ file: files[0] }, `${what} reloaded`);
      for (const listener of listeners) listener(value);
    })().catch(refused);
  }, intervalMs);
  timer.unref();
  return {
    current: () => value,
    onChange: (listener) => listeners.push(listener),
    close: () => clearInterval(timer),
  };
}

/** DNS names of the Service plus the loopback names, as the certificate's subjectAltName. */
export function servingNames(serviceName: string, serviceNamespace: string): string[] {
  return [
    serviceName,
    `${serviceName}.${serviceNamespace}`,
    `${serviceName}.${serviceNamespace}.svc`,
    `${serviceName}.${serviceNamespace}.svc.cluster.local`,
    'localhost',
  ];
}

export interface GeneratedCertificate {
  readonly cert: string;
  readonly key: string;
  readonly caCert: string;
}

const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
const VALIDITY_MS = 365 * 24 * 3600 * 1000;
const CA_VALIDITY_MS = 10 * VALIDITY_MS;
const CLOCK_SKEW_MS = 3600 * 1000;

/** A self-signed CA valid from `now` (minus clock skew) for `validityMs`. */
export async function generateCA(
  commonName: string,
  now: Date,
  validityMs = CA_VALIDITY_MS,
): Promise<CertificateAuthority> {
  const keys = await rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = keys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  ca.validity.notAfter = new Date(now.getTime() + validityMs);
  // UTF8String: '@' is not a PrintableString character, and Go's x509 parser rejects it there.
  const subject = [{ name: 'commonName', value: commonName, valueTagClass: UTF8 }];
  ca.setSubject(subject);
  ca.setIssuer(subject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(ca), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/**
 * A serving certificate signed by `issuer`, or by a throw-away CA made for it (apiserver
 * GenerateSelfSignedCertKey does the same).
 */
export async function generateServingCertificate(
  serviceName: string,
  serviceNamespace: string,
  now: Date,
  issuer?: CertificateAuthority,
): Promise<GeneratedCertificate> {
  const host = `${serviceName}.${serviceNamespace}.svc`;
  const [authority, servingKeys] = await Promise.all([
    issuer ?? generateCA(`${host}-ca@${Math.floor(now.getTime() / 1000)}`, now, VALIDITY_MS),
    rsaKeyPair(),
  ]);
  const ca = forge.pki.certificateFromPem(authority.cert);
  const caKey = forge.pki.privateKeyFromPem(authority.key);

  const cert = forge.pki.createCertificate();
  cert.publicKey = servingKeys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  cert.validity.notAfter = new Date(now.getTime() + VALIDITY_MS);
  cert.setSubject([
    { name: 'commonName', value: `${host}@${Math.floor(now.getTime() / 1000)}`, valueTagClass: UTF8 },
  ]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...servingNames(serviceName, serviceNamespace).map((value) => ({ type: 2, value })),
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());

  return {
    cert: forge.pki.certificateToPem(cert),
    key: forge.pki.privateKeyToPem(servingKeys.privateKey),
    caCert: authority.cert,
  };
}

/** RSA keys from Node's native generator (forge's pure-JS one takes seconds), converted for forge. */
async function rsaKeyPair(): Promise<forge.pki.rsa.KeyPair> {
  const pem = await new Promise<{ publicKey: string; privateKey: string }>((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      },
      (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey })),
    ),
  );
  return {
    publicKey: forge.pki.publicKeyFromPem(pem.publicKey),
    privateKey: forge.pki.privateKeyFromPem(pem.privateKey) as forge.pki.rsa.PrivateKey,
  };
}

/** A positive 128-bit serial number in hex. */
function serialNumber(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}
