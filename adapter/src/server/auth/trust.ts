// The trust material for client-certificate authentication (external-metrics-api.md §2.1): the client
// CA, and the front-proxy (request-header) CA with its allowed names and header names. In a cluster it
// comes from kube-system/extension-apiserver-authentication; outside from files named in the config.
// Both are re-read periodically so rotated CAs are picked up without a restart.

import type { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { KubernetesAuthApi } from './kube-api';
import { parseCertificateBundle } from './x509';

export interface RequestHeaderTrust {
  readonly ca: readonly X509Certificate[];
  /** Empty ⇒ any certificate the CA signed (§2.2 step 3). */
  readonly allowedNames: readonly string[];
  /** Header names, lower-cased (Node's spelling). */
  readonly usernameHeaders: readonly string[];
  readonly uidHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraHeaderPrefixes: readonly string[];
}

export interface AuthenticationTrust {
  readonly clientCA?: readonly X509Certificate[];
  readonly requestHeader?: RequestHeaderTrust;
}

export interface TrustSource {
  current(): AuthenticationTrust;
  close(): void;
}

export const AUTHENTICATION_CONFIGMAP_NAMESPACE = 'kube-system';
export const AUTHENTICATION_CONFIGMAP_NAME = 'extension-apiserver-authentication';

/** Decodes the ConfigMap's data; list values are JSON string arrays or `null` (§2.1). */
export function parseAuthenticationConfigMap(data: Readonly<Record<string, string>>): AuthenticationTrust {
  const clientCAText = data['client-ca-file'];
  const requestHeaderCAText = data['requestheader-client-ca-file'];
  const list = (key: string): string[] => {
    const text = data[key];
    if (text === undefined || text.trim() === '') return [];
    const parsed: unknown = JSON.parse(text);
    if (parsed === null) return [];
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
      throw new Error(`${AUTHENTICATION_CONFIGMAP_NAME}: ${key} is not a JSON list of strings`);
    }
    return parsed;
  };
  const bundle = (key: string, text: string): X509Certificate[] => {
    const certificates = parseCertificateBundle(text);
    if (certificates.length === 0)
      throw new Error(`${AUTHENTICATION_CONFIGMAP_NAME}: ${key} holds no PEM certificate`);
    return certificates;
  };
  return {
    clientCA: clientCAText ? bundle('client-ca-file', clientCAText) : undefined,
    requestHeader: requestHeaderCAText
      ? {
          ca: bundle('requestheader-client-ca-file', requestHeaderCAText),
          allowedNames: list('requestheader-allowed-names'),
          usernameHeaders: lower(list('requestheader-username-headers')),
          uidHeaders: lower(list('requestheader-uid-headers')),
          groupHeaders: lower(list('requestheader-group-headers')),
          extraHeaderPrefixes: lower(list('requestheader-extra-headers-prefix')),
        }
      : undefined,
  };
}

function lower(names: readonly string[]): string[] {
  return names.map((n) => n.toLowerCase());
}

/**
 * Trust from the extension-apiserver-authentication ConfigMap, polled every `intervalMs`. The first
 * read must succeed (a Go aggregated server exits when the lookup fails, §2.1); later failures keep
 * the last good material and are logged.
 */
export async function configMapTrustSource(
  api: KubernetesAuthApi,
  options: { intervalMs: number; logger?: Logger },
): Promise<TrustSource> {
  const read = async (): Promise<AuthenticationTrust> => {
    const data = await api.readConfigMap(AUTHENTICATION_CONFIGMAP_NAMESPACE, AUTHENTICATION_CONFIGMAP_NAME);
    if (data === undefined) {
      throw new Error(
        `ConfigMap ${AUTHENTICATION_CONFIGMAP_NAMESPACE}/${AUTHENTICATION_CONFIGMAP_NAME} not found`,
      );
    }
    return parseAuthenticationConfigMap(data);
  };
  let trust = await read();
  const timer = setInterval(() => {
    read().then(
      (next) => (trust = next),
      (error: unknown) =>
        options.logger?.error(
          { err: error },
          'could not refresh client CAs from extension-apiserver-authentication',
        ),
    );
  }, options.intervalMs);
  timer.unref();
  return { current: () => trust, close: () => clearInterval(timer) };
}

export interface RequestHeaderFiles {
  readonly clientCAFile: string;
  readonly allowedNames?: readonly string[];
  readonly usernameHeaders?: readonly string[];
  readonly uidHeaders?: readonly string[];
  readonly groupHeaders?: readonly string[];
  readonly extraHeaderPrefixes?: readonly string[];
}

/** Trust from PEM files; a file is re-read when its size or modification time changes. */
export async function fileTrustSource(options: {
  requestHeader?: RequestHeaderFiles;
  clientCAFile?: string;
  intervalMs: number;
  logger?: Logger;
}): Promise<TrustSource> {
  const { requestHeader, clientCAFile } = options;
  const files = [requestHeader?.clientCAFile, clientCAFile].filter((f): f is string => f !== undefined);

  const read = async (): Promise<AuthenticationTrust> => {
    const load = async (file: string): Promise<X509Certificate[]> => {
      const certificates = parseCertificateBundle(await readFile(file, 'utf8'));
      if (certificates.length === 0) throw new Error(`${file}: no PEM certificate found`);
      return certificates;
    };
    return {
      clientCA: clientCAFile === undefined ? undefined : await load(clientCAFile),
      requestHeader:
        requestHeader === undefined
          ? undefined
          : {
              ca: await load(requestHeader.clientCAFile),
              allowedNames: requestHeader.allowedNames ?? [],
              // Defaults of the extension server's --requestheader-* flags (§2.1).
              usernameHeaders: lower(requestHeader.usernameHeaders ?? ['X-Remote-User']),
              uidHeaders: lower(requestHeader.uidHeaders ?? []),
              groupHeaders: lower(requestHeader.groupHeaders ?? ['X-Remote-Group']),
              extraHeaderPrefixes: lower(requestHeader.extraHeaderPrefixes ?? ['X-Remote-Extra-']),
            },
    };
  };
  // Size, modification time and inode: Secret/ConfigMap volumes swap files by renaming a symlink.
  const fingerprint = async (): Promise<string> => {
    const stats = await Promise.all(files.map((file) => stat(file)));
    return stats.map((s) => `${s.size}:${s.mtimeMs}:${s.ino}`).join('|');
  };

  let version = await fingerprint();
  let trust = await read();
  const timer = setInterval(() => {
    (async () => {
      const next = await fingerprint();
      if (next === version) return;
      trust = await read();
      version = next;
    })().catch((error: unknown) => options.logger?.error({ err: error }, 'could not reload client CA files'));
  }, options.intervalMs);
  timer.unref();
  return { current: () => trust, close: () => clearInterval(timer) };
}

/** No client certificates are trusted (delegated mode without CA material). */
export const NO_TRUST: TrustSource = { current: () => ({}), close: () => undefined };
