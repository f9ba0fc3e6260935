import { leaderElectionEnabled } from './leaderElection';
import { ConfigError } from './load';
import { configSchema } from './schema';

const withElection = (mode: 'on' | 'off' | 'auto', url?: string) =>
  configSchema.parse({ engine: { leaderElection: { mode } }, ...(url && { database: { url } }) });
const IN_CLUSTER = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };

describe('leaderElectionEnabled', () => {
  test('leader election on the embedded database is refused, naming the file and the path', () => {
    const attempt = () => leaderElectionEnabled(withElection('on'), '/etc/costscale/config.yaml', {});
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /^\/etc\/costscale\/config\.yaml: engine\.leaderElection\.mode: leader election needs a shared PostgreSQL/,
    );
  });

  test('on with a shared database, from the file or DATABASE_URL', () => {
    expect(leaderElectionEnabled(withElection('on', 'postgres://db/costscale'), 'c.yaml', {})).toBe(true);
    expect(leaderElectionEnabled(withElection('on'), 'c.yaml', { DATABASE_URL: 'postgres://db/x' })).toBe(
      true,
    );
  });

  test('auto: only inside a cluster and only with a shared database', () => {
    expect(leaderElectionEnabled(withElection('auto'), 'c.yaml', IN_CLUSTER)).toBe(false);
    expect(leaderElectionEnabled(withElection('auto', 'postgres://db/x'), 'c.yaml', {})).toBe(false);
    expect(leaderElectionEnabled(withElection('auto', 'postgres://db/x'), 'c.yaml', IN_CLUSTER)).toBe(true);
  });

  test('off is off', () => {
    expect(leaderElectionEnabled(withElection('off', 'postgres://db/x'), 'c.yaml', IN_CLUSTER)).toBe(false);
  });
});

describe('least privilege defaults', () => {
  test('applying recommendations to the cluster is off unless asked for', () => {
    expect(configSchema.parse({}).recommendations.apply).toBe(false);
    expect(configSchema.parse({ recommendations: { apply: true } }).recommendations.apply).toBe(true);
  });

  test('a replication token shorter than 32 characters is rejected', () => {
    const parsed = configSchema.safeParse({ engine: { leaderElection: { replicationToken: 'CHANGE-ME' } } });
    expect(parsed.success).toBe(false);
  });
});
