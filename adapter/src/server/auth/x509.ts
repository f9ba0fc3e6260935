// Client-certificate chain verification for the front-proxy and client-CA authenticators
// (external-metrics-api.md §2.2; apiserver pkg/authentication/request/x509/x509.go: verify the leaf
// against a CA pool with ExtKeyUsageClientAuth, using the certificates the client presented as
// intermediates).

import { X509Certificate } from 'node:crypto';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const MAX_CHAIN_LENGTH = 10;

export type Verification =
  | { readonly ok: true; /** Earliest notAfter along the chain (epoch ms). */ readonly validUntil: number }
  | { readonly ok: false; readonly reason: string };

/** Splits a PEM bundle into certificates; throws when a block is not a certificate. */
export function parseCertificateBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/**
 * Verifies `chain[0]` (the leaf) up to one of `roots`, through `chain[1..]` as intermediates, at time
 * `now`. Every certificate on the path must be within its validity period and allow client
 * authentication when it restricts extended key usage.
 */
export function verifyClientChain(
  chain: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: number,
): Verification {
  const leaf = chain[0];
  if (leaf === undefined) return { ok: false, reason: 'no client certificate' };
  if (!isCurrent(leaf, now))
    return { ok: false, reason: 'x509: certificate has expired or is not yet valid' };
  if (!allowsClientAuth(leaf))
    return { ok: false, reason: 'x509: certificate specifies an incompatible key usage' };
  const validUntil = findPath(leaf, chain.slice(1), roots, now, Date.parse(leaf.validTo), 1);
  return validUntil === undefined
    ? { ok: false, reason: 'x509: certificate signed by unknown authority' }
    : { ok: true, validUntil };
}

function findPath(
  cert: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: number,
  validUntil: number,
  depth: number,
): number | undefined {
  for (const root of roots) {
    if (root.raw.equals(cert.raw)) return validUntil;
    if (issuedBy(cert, root, now)) return Math.min(validUntil, Date.parse(root.validTo));
  }
  if (depth >= MAX_CHAIN_LENGTH) return undefined;
  for (const candidate of intermediates) {
    if (!candidate.ca || candidate.raw.equals(cert.raw) || !issuedBy(cert, candidate, now)) continue;
    const rest = intermediates.filter((c) => c !== candidate);
    const found = findPath(
      candidate,
      rest,
      roots,
      now,
      Math.min(validUntil, Date.parse(candidate.validTo)),
      depth + 1,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate, now: number): boolean {
  if (!cert.checkIssued(issuer) || !isCurrent(issuer, now) || !allowsClientAuth(issuer)) return false;
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function isCurrent(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

/** No extended-key-usage extension means any usage, as in Go's crypto/x509. */
function allowsClientAuth(cert: X509Certificate): boolean {
  const usages = cert.keyUsage as string[] | undefined;
  return usages === undefined || usages.includes(CLIENT_AUTH) || usages.includes(ANY_EXTENDED_KEY_USAGE);
}

/** Subject attributes in order, e.g. CN and every O (Node prints one `key=value` per line). */
export function subjectAttributes(cert: X509Certificate, key: string): string[] {
  return cert.subject
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}
