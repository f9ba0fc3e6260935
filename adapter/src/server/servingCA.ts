import type { KubeConnection } from '../k8s/connection';
import { caBundlePublisher, sharedServingCA } from '../k8s/servingCA';
import type { Logger } from '../log';
import { generateCA, type CertificateAuthority } from './tls';

/**
 * With server.tls.publishCA and no certificate files: the CA every replica shares (kept in a Secret)
 * to sign its serving certificate, and the part that makes it the APIService's caBundle (issue 16,
 * defect 8); otherwise undefined.
 */
export async function servingCAFromConfig(
  tls: Parameters<typeof sharedServingCA>[0],
  connection: KubeConnection | undefined,
  logger: Logger,
): Promise<{ issuer: CertificateAuthority; publisher: ReturnType<typeof caBundlePublisher> } | undefined> {
  const shared = await sharedServingCA(tls, connection, (cn) => generateCA(cn, new Date()));
  return (
    shared && {
      issuer: shared.issuer,
      publisher: caBundlePublisher(shared.store, shared.issuer.cert, logger),
    }
  );
}
