import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '../../adapter/src/log';
import { startService, type Service } from '../../adapter/src/main';
import { WEB_POLICY_YAML } from './web-policy';

export interface HaReplicaOptions {
  /** Holds the replica's config file and spool, and the `kubeconfig` of the Lease stand-in. */
  readonly dir: string;
  /** The pod name the replica holds the Lease as. */
  readonly name: string;
  readonly prometheusUrl: string;
  /** The PostgreSQL every replica shares. */
  readonly databaseUrl: string;
  readonly metricsPort: number;
  readonly stalenessSeconds?: number;
  /** Lets followers fetch the leader's snapshot over HTTPS; none: they read PostgreSQL only. */
  readonly replicationToken?: string;
  readonly logLevel: 'warn' | 'error';
}

/**
 * One adapter replica of the HA set-up: leader election on, over the Lease stand-in's kubeconfig in
 * `dir`, a 1 s tick and one policy, shop/web, at a demand of 42 over a capacity of 10.
 */
export async function startHaReplica(o: HaReplicaOptions): Promise<Service> {
  const file = join(o.dir, `${o.name}.yaml`);
  await writeFile(
    file,
    `prometheus:
  default: { url: '${o.prometheusUrl}', cacheSeconds: 0 }
${WEB_POLICY_YAML}server: { host: 127.0.0.1, port: 0, metricsPort: ${o.metricsPort}, auth: { mode: local, kubeconfig: '${join(o.dir, 'kubeconfig')}' } }
database: { url: '${o.databaseUrl}', spoolFile: '${join(o.dir, `${o.name}.spool`)}' }
engine:
  intervalSeconds: 1
${o.stalenessSeconds === undefined ? '' : `  stalenessSeconds: ${o.stalenessSeconds}\n`}  leaderElection: { mode: 'on', leaseNamespace: costscale, leaseDurationSeconds: 3${o.replicationToken === undefined ? '' : ", replicationToken: '${REPLICATION_TOKEN}'"} }
log: { level: ${o.logLevel} }
`,
  );
  // The pod name and the token come from the environment, as the Deployment sets them.
  process.env.POD_NAME = o.name;
  if (o.replicationToken !== undefined) {
    process.env.REPLICATION_TOKEN = o.replicationToken;
  }
  try {
    return await startService(file, createLogger(o.logLevel));
  } finally {
    delete process.env.POD_NAME;
    delete process.env.REPLICATION_TOKEN;
  }
}
