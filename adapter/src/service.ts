import type { Server } from 'node:http';
import type { ConfigManager } from './config/manager';
import type { Engine } from './engine/engine';
import type { ApiServer } from './server/external-metrics';
import type { SnapshotHolder } from './snapshot/snapshot';
import type { Database } from './store/db';

/** A running costscale service, as startService (main.ts) returns it. */
export interface Service {
  readonly config: ConfigManager;
  readonly db: Database;
  readonly engine: Engine;
  readonly holder: SnapshotHolder;
  readonly metricsServer: Server;
  readonly apiServer: ApiServer;
  /** The HTTPS port actually bound (useful with port 0). */
  readonly apiPort: number;
  /** The KEDA external scaler's gRPC port, when enabled. */
  readonly kedaPort: number | undefined;
  /** Whether this replica computes (always, without leader election). */
  isLeader(): boolean;
  /** The /metrics exposition, as a scrape would see it. */
  metricsText(): Promise<string>;
  /** Graceful stop: not ready, finish the tick, flush decisions, close servers and database. */
  stop(reason: string): Promise<void>;
}
