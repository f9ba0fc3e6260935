import { ApiException, CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import type { KubeConnection } from './connection';

// A coordination.k8s.io/v1 Lease read and written with optimistic concurrency: every write carries
// the resourceVersion it read, so two replicas racing for the lease cannot both win (a 409 means lost).
// The holder also records where followers fetch its snapshot, as an annotation: the Lease is the one
// record that stays readable while PostgreSQL is down.

/** Annotation on the Lease: the holder's HTTPS base URL for the snapshot endpoint. */
export const SNAPSHOT_ADDRESS_ANNOTATION = 'costscale.io/snapshot-address';

export interface LeaseRecord {
  readonly holder: string | undefined;
  /** Epoch ms of the holder's last renewal. */
  readonly renewTime: number | undefined;
  readonly durationSeconds: number;
  readonly transitions: number;
  readonly resourceVersion: string | undefined;
  /** The holder's snapshot address, when it published one. */
  readonly address?: string | undefined;
}

export interface LeaseClient {
  read(): Promise<LeaseRecord | undefined>;
  /** Creates the lease held by `holder`; false when another replica created it first. */
  create(holder: string, now: number, durationSeconds: number, address?: string): Promise<boolean>;
  /** Writes over `previous` (same resourceVersion); false when it changed meanwhile. */
  update(
    previous: LeaseRecord,
    holder: string,
    now: number,
    durationSeconds: number,
    transitions: number,
    address?: string,
  ): Promise<boolean>;
}

export function createLeaseClient(connection: KubeConnection, namespace: string, name: string): LeaseClient {
  const api = connection.kubeConfig.makeApiClient(CoordinationV1Api);
  const body = (
    holder: string,
    now: number,
    durationSeconds: number,
    transitions: number,
    address: string | undefined,
    resourceVersion?: string,
  ): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace,
      ...(resourceVersion !== undefined && { resourceVersion }),
      ...(address !== undefined && { annotations: { [SNAPSHOT_ADDRESS_ANNOTATION]: address } }),
    },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: durationSeconds,
      renewTime: new Date(now),
      leaseTransitions: transitions,
    },
  });
  const conflict = (err: unknown): boolean =>
    err instanceof ApiException && (err.code === 409 || err.code === 422);
  return {
    async read() {
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        const renew = lease.spec?.renewTime;
        return {
          holder: lease.spec?.holderIdentity || undefined,
          renewTime: renew === undefined ? undefined : new Date(renew).getTime(),
          durationSeconds: lease.spec?.leaseDurationSeconds ?? 0,
          transitions: lease.spec?.leaseTransitions ?? 0,
          resourceVersion: lease.metadata?.resourceVersion,
          address: lease.metadata?.annotations?.[SNAPSHOT_ADDRESS_ANNOTATION],
        };
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      }
    },
    async create(holder, now, durationSeconds, address) {
      try {
        await api.createNamespacedLease({ namespace, body: body(holder, now, durationSeconds, 0, address) });
        return true;
      } catch (err) {
        if (conflict(err)) return false;
        throw err;
      }
    },
    async update(previous, holder, now, durationSeconds, transitions, address) {
      try {
        await api.replaceNamespacedLease({
          name,
          namespace,
          body: body(holder, now, durationSeconds, transitions, address, previous.resourceVersion),
        });
        return true;
      } catch (err) {
        if (conflict(err)) return false;
        throw err;
      }
    },
  };
}
