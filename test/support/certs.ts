// Test PKI: certificate authorities and the certificates they issue, generated per test run with
// node-forge (keys from Node's native RSA generator).

import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface Issued {
  readonly cert: string;
  readonly key: string;
}

export interface CertificateAuthority extends Issued {
  readonly name: string;
  issue(options: IssueOptions): Issued;
  /** An intermediate CA signed by this one. */
  intermediate(name: string): CertificateAuthority;
}

export interface IssueOptions {
  readonly commonName: string;
  readonly organizations?: readonly string[];
  /** Extended key usages; omitted ⇒ no EKU extension (any usage). */
  readonly usages?: ReadonlyArray<'clientAuth' | 'serverAuth'>;
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

interface BuildOptions extends IssueOptions {
  readonly isCA?: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
let serial = 1;

function keyPair(): forge.pki.rsa.KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
  };
}

function build(
  subject: forge.pki.CertificateField[],
  keys: forge.pki.rsa.KeyPair,
  issuer: { subject: forge.pki.CertificateField[]; key: forge.pki.rsa.PrivateKey },
  options: BuildOptions,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(4, '0');
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 30 * DAY_MS);
  cert.setSubject(subject);
  cert.setIssuer(issuer.subject);
  const extensions: object[] = [];
  if (options.isCA) {
    extensions.push({ name: 'basicConstraints', cA: true, critical: true });
    extensions.push({ name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true });
  } else {
    extensions.push({ name: 'basicConstraints', cA: false });
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
  }
  if (options.usages !== undefined) {
    extensions.push({ name: 'extKeyUsage', ...Object.fromEntries(options.usages.map((u) => [u, true])) });
  }
  const altNames = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(options.ips ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

function subjectOf(options: IssueOptions): forge.pki.CertificateField[] {
  return [
    { name: 'commonName', value: options.commonName },
    ...(options.organizations ?? []).map((value) => ({ name: 'organizationName', value })),
  ];
}

function authority(
  name: string,
  cert: forge.pki.Certificate,
  keys: forge.pki.rsa.KeyPair,
): CertificateAuthority {
  const subject = cert.subject.attributes as forge.pki.CertificateField[];
  return {
    name,
    cert: forge.pki.certificateToPem(cert),
    key: forge.pki.privateKeyToPem(keys.privateKey),
    issue(options) {
      const leafKeys = keyPair();
      const issued = build(subjectOf(options), leafKeys, { subject, key: keys.privateKey }, options);
      return {
        cert: forge.pki.certificateToPem(issued),
        key: forge.pki.privateKeyToPem(leafKeys.privateKey),
      };
    },
    intermediate(commonName) {
      const caKeys = keyPair();
      const options = { commonName, isCA: true };
      const issued = build(subjectOf(options), caKeys, { subject, key: keys.privateKey }, options);
      return authority(commonName, issued, caKeys);
    },
  };
}

/** A self-signed root CA. */
export function createCA(name: string): CertificateAuthority {
  const keys = keyPair();
  const subject = [{ name: 'commonName', value: name }];
  const cert = build(subject, keys, { subject, key: keys.privateKey }, { commonName: name, isCA: true });
  return authority(name, cert, keys);
}

/** A server certificate for 127.0.0.1/localhost issued by `ca`. */
export function localServerCertificate(ca: CertificateAuthority, commonName = 'localhost'): Issued {
  return ca.issue({ commonName, usages: ['serverAuth'], dnsNames: ['localhost'], ips: ['127.0.0.1'] });
}
