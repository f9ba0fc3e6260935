import { withManaged, type ManagedState } from '../config/managed';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import type { InvalidStoredItem } from '../store/policies';

// The configuration each tick runs: the file as loaded now, merged (config/managed.ts) with the
// policies, budgets and overrides managed through the REST API. Managed state is reloaded after an
// API change and every `reloadMs` (other replicas may have changed it); while the database is down
// the last loaded state stays in force.

export interface EffectiveConfigDeps {
  /** The configuration file as currently loaded. */
  readonly file: () => Config;
  /** Reads the managed state (store/managed.ts). */
  readonly load: (
    nowMs: number,
  ) => Promise<ManagedState & { readonly invalid: readonly InvalidStoredItem[] }>;
  readonly clock: () => number;
  readonly logger: Logger;
  /** Default one minute. */
  readonly reloadMs?: number;
}

const EMPTY: ManagedState = { policies: [], budgets: [], overrides: new Map() };

export class EffectiveConfigSource {
  private managed = EMPTY;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private merged: { file: Config; managed: ManagedState; config: Config } | undefined;

  constructor(private readonly deps: EffectiveConfigDeps) {}

  async current(): Promise<Config> {
    const now = this.deps.clock();
    if (now - this.loadedAt > (this.deps.reloadMs ?? 60_000)) {
      try {
        const loaded = await this.deps.load(now);
        for (const bad of loaded.invalid)
          this.deps.logger.warn(bad, 'stored item rejected by the current schema');
        this.managed = loaded;
        this.loadedAt = this.deps.clock();
      } catch (err) {
        this.deps.logger.warn(
          { err: (err as Error).message },
          'loading API-managed policies failed; keeping the last state',
        );
      }
    }
    // The same object while neither the file nor the managed state changed: the engine makes what it
    // derives from a policy list (keys, plans, budget scopes) once per list, not once per tick (issue 16).
    const file = this.deps.file();
    if (this.merged?.file !== file || this.merged.managed !== this.managed)
      this.merged = { file, managed: this.managed, config: withManaged(file, this.managed).config };
    return this.merged.config;
  }

  /** Reload at the next read (an API change was committed). */
  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }
}
