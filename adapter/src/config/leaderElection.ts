import { ConfigError } from './load';
import type { Config } from './schema';

// Leader election only makes sense when every replica shares one database: with the embedded
// PostgreSQL each pod keeps its own API keys, budgets and decisions, and a follower would never see the
// leader's snapshot (issue 16, defect 1). Such a configuration is refused rather than half-served.

/** Whether this replica campaigns for the Lease: `on`, or `auto` inside a cluster with a shared database. */
export function leaderElectionEnabled(config: Config, file: string, env: NodeJS.ProcessEnv): boolean {
  const { mode } = config.engine.leaderElection;
  const shared = Boolean(env.DATABASE_URL || config.database.url);
  if (mode === 'off') return false;
  if (mode === 'auto') return shared && Boolean(env.KUBERNETES_SERVICE_HOST);
  if (!shared) {
    throw new ConfigError([
      {
        file,
        path: 'engine.leaderElection.mode',
        message:
          'leader election needs a shared PostgreSQL (database.url or DATABASE_URL): with the embedded database every replica has its own state and followers never see the leader snapshot; run one replica, or set a shared database',
      },
    ]);
  }
  return true;
}
