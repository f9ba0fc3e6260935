import type { Config } from '../../config/schema';
import type { SnapshotSource } from '../../snapshot/snapshot';
import type { WorkloadsApi } from '../../k8s/workloads';
import type { Backends } from '../../sources';
import { recordAudit } from '../../store/audit';
import type { Database, Queryable } from '../../store/db';
import type { Principal } from './auth';
import type { DryRunEvaluator } from './dryRun';
import { validationProblem } from './problem';

// What every handler works with, and the two helpers they share: audited mutations and cursors.

/** What changed, so the composition root can refresh the engine's managed state at once. */
export type ManagedChange = 'policies' | 'budgets' | 'overrides' | 'apikeys' | 'recommendations';

export interface ApiContext {
  readonly db: Database;
  readonly snapshot: SnapshotSource;
  /** The configuration file as loaded, without API-managed policies and budgets. */
  readonly config: () => Config;
  readonly backends: () => Backends;
  /** Workload objects recommendations change; absent without a Kubernetes API. */
  readonly workloads?: WorkloadsApi;
  /** The engine's evaluator, for dry runs. */
  readonly evaluator: DryRunEvaluator;
  readonly changed: (what: ManagedChange) => void;
}

export interface Mutation<T> {
  readonly result: T;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * Runs a change and its audit record in one transaction; listeners hear of it after the commit.
 */
export async function audited<T>(
  ctx: ApiContext,
  who: { principal: Principal; now: number },
  what: { action: string; resource: string | ((result: T) => string); change: ManagedChange },
  run: (tx: Queryable) => Promise<Mutation<T>>,
): Promise<T> {
  const result = await ctx.db.transaction(async (tx) => {
    const m = await run(tx);
    await recordAudit(
      tx,
      {
        actor: who.principal.actor,
        role: who.principal.role,
        action: what.action,
        resource: typeof what.resource === 'string' ? what.resource : what.resource(m.result),
        before: m.before,
        after: m.after,
      },
      who.now,
    );
    return m.result;
  });
  ctx.changed(what.change);
  return result;
}

/** An opaque keyset cursor: the last item's time and id. */
export function encodeCursor(at: number, id: number): string {
  return Buffer.from(`${at}.${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: number; id: number } | undefined {
  if (cursor === undefined) return undefined;
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  const at = Number(m?.[1]);
  const id = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(at) || !Number.isSafeInteger(id) || Math.abs(at) > 8.64e15) {
    throw validationProblem([
      { location: 'query', path: 'cursor', message: 'not a cursor this API returned' },
    ]);
  }
  return { at, id };
}

/** A page of `limit` items was asked for with one extra: its presence means there is a next page. */
export function page<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => { at: number; id: number },
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  const last = keyOf(kept[kept.length - 1]!);
  return { rows: kept, nextCursor: encodeCursor(last.at, last.id) };
}
