import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { ConfigManager } from './config/manager';
import type { Config } from './config/schema';
import { Engine } from './engine/engine';
import { createEvaluator } from './engine/evaluate';
import type { Evaluate } from './engine/engine';
import { LeaderElector } from './engine/leaderElection';
import type { Snapshot } from './snapshot/snapshot';
import { createLeaseClient, kubeConfigFrom } from './k8s/lease';
import { loadSnapshot, saveSnapshot } from './store/snapshots';
import { hostname } from 'node:os';
import { Forecasting } from './engine/forecasting';
import { loadForecastModels, saveForecastModel } from './store/forecastModels';
import { insertForecast } from './store/forecasts';
import { SnapshotHolder } from './snapshot/snapshot';
import { createLogger, type Logger } from './log';
import { createMetricsServer } from './server/metricsServer';
import { apiAuthOptionsFromConfig, loadKubeConnection } from './server/auth';
import { createApiServer, type ApiServer } from './server/external-metrics';
import { createRestApi } from './server/rest';
import { withManaged, type ManagedState } from './config/managed';
import { loadManagedState } from './store/managed';
import { openDatabase, type Database } from './store/db';
import { DecisionSink } from './store/decisionSink';
import { pruneDecisions } from './store/decisions';
import { migrate } from './store/migrate';
import { counterFrom, createTelemetry, gaugeFrom, type Telemetry } from './telemetry';
import { registerSnapshotMetrics } from './snapshotMetrics';
import { PrometheusClient, type Backends } from './sources';
import { insertBudgetEvents } from './store/budgetEvents';
import { createWorkloadsApi } from './k8s/workloads';
import { RecommendationJob } from './recommend';

// The composition root: reads config, builds each part and wires them. Nothing else constructs
// long-lived singletons.

export interface Service {
  readonly config: ConfigManager;
  readonly db: Database;
  readonly engine: Engine;
  readonly holder: SnapshotHolder;
  readonly metricsServer: Server;
  readonly apiServer: ApiServer;
  /** The HTTPS port actually bound (useful with port 0). */
  readonly apiPort: number;
  /** Whether this replica computes (always, without leader election). */
  isLeader(): boolean;
  /** The /metrics exposition, as a scrape would see it. */
  metricsText(): Promise<string>;
  /** Graceful stop: not ready, finish the tick, flush decisions, close servers and database. */
  stop(reason: string): Promise<void>;
}

const HOUR = 3600_000;
const MANAGED_RELOAD_MS = 60_000;

export async function startService(configFile: string, logger: Logger = createLogger()): Promise<Service> {
  const telemetry = createTelemetry();
  const config = new ConfigManager(configFile, logger, (outcome) => telemetry.configReloads.inc({ outcome }));
  const initial = config.current();
  logger.level = initial.log.level;

  const db = await openDatabase(initial.database);
  const applied = await migrate(db);
  logger.info({ database: db.kind, applied }, 'database ready');

  mkdirSync(dirname(initial.database.spoolFile), { recursive: true });
  const sink = new DecisionSink(db, {
    spoolFile: initial.database.spoolFile,
    maxQueue: 100_000,
    maxSpoolBytes: initial.database.maxSpoolBytes,
    onError: (err) => logger.warn({ err: err.message }, 'database write failed; decisions spooled'),
  });
  await sink.init();
  gaugeFrom(
    telemetry.registry,
    'costscale_decisions_queued',
    'Decisions waiting in memory for the database.',
    () => sink.stats().queued,
  );
  gaugeFrom(
    telemetry.registry,
    'costscale_spool_bytes',
    'Size of the decision spool file.',
    () => sink.stats().spooledBytes,
  );
  counterFrom(
    telemetry.registry,
    'costscale_decisions_dropped_total',
    'Decisions lost because queue and spool were full (0 in normal operation).',
    () => sink.stats().dropped,
  );
  gaugeFrom(telemetry.registry, 'costscale_database_up', '1 when the last database write succeeded.', () =>
    sink.stats().healthy ? 1 : 0,
  );

  let backends = buildBackends(initial, telemetry);
  const holder = new SnapshotHolder();
  registerSnapshotMetrics(telemetry.registry, holder);
  const forecasting = new Forecasting(
    {
      loadModels: () => loadForecastModels(db),
      onForecast: (f) =>
        void insertForecast(db, {
          ...f,
          point: Array.from(f.point),
          quantiles: f.quantiles.map((q) => ({ quantile: q.quantile, values: Array.from(q.values) })),
        }).catch((err: Error) => logger.warn({ err: err.message }, 'storing a forecast failed')),
      saveModel: (namespace, policy, state) =>
        void saveForecastModel(db, namespace, policy, state).catch((err: Error) =>
          logger.warn({ namespace, policy, err: err.message }, 'saving forecast model failed'),
        ),
    },
    initial.engine.forecast,
  );
  const evaluate = createEvaluator({
    backends: () => backends,
    forecasting,
    onBudgetEvents: (events, periodStart) => {
      for (const e of events)
        logger.warn(
          { budget: e.budget, threshold: e.threshold, direction: e.direction, utilisation: e.utilisation },
          'budget threshold crossed',
        );
      insertBudgetEvents(db, events, periodStart).catch((err: Error) =>
        logger.warn({ err: err.message }, 'recording budget events failed'),
      );
    },
  });
  const election = leaderElection(initial, logger);
  // Followers serve the leader's snapshot from PostgreSQL; values keep the leader's timestamps, so a
  // dead leader's values go stale (and become Status errors) until this replica takes over.
  let followed: Snapshot | undefined;
  const evaluateOrFollow: Evaluate = async (cfg, now, previous) => {
    if (election !== undefined && !election.elector.isLeader()) {
      const loaded = await loadSnapshot(db).catch((err: Error) => {
        logger.warn({ err: err.message }, 'loading the leader snapshot failed');
        return undefined;
      });
      if (loaded !== undefined && 'invalid' in loaded)
        logger.warn({ holder: loaded.holder, problem: loaded.invalid }, 'ignoring a stored snapshot');
      else if (loaded !== undefined) followed = loaded.snapshot;
      return {
        policies: [...(followed?.policies ?? previous?.policies ?? [])],
        ...(followed?.budgets && { budgets: [...followed.budgets] }),
        decisions: [],
      };
    }
    const out = await evaluate(cfg, now, previous);
    if (election !== undefined) {
      const snapshot: Snapshot = {
        generatedAt: now,
        tick: engine.ticks + 1,
        policies: out.policies,
        ...(out.budgets && { budgets: out.budgets }),
      };
      saveSnapshot(db, election.identity, snapshot).catch((err: Error) =>
        logger.warn({ err: err.message }, 'publishing the snapshot for followers failed'),
      );
    }
    return out;
  };
  const engine = new Engine({
    evaluate: evaluateOrFollow,
    holder,
    clock: Date.now,
    logger,
    persist: (decisions) => {
      sink.enqueue(decisions);
      void sink.flush();
    },
    observeTick: (seconds, ok) =>
      telemetry.tickDuration.observe({ outcome: ok ? 'success' : 'failure' }, seconds),
  });
  gaugeFrom(telemetry.registry, 'costscale_snapshot_age_seconds', 'Age of the snapshot being served.', () => {
    const s = holder.current();
    return s === undefined ? Number.NaN : (Date.now() - s.generatedAt) / 1000;
  });

  // Policies, budgets and overrides managed through the REST API join the file's (file wins on a
  // name clash). Reloaded after an API change and every minute (other replicas may have changed them);
  // while the database is down the last loaded state stays in force.
  let managed: ManagedState = { policies: [], budgets: [], overrides: new Map() };
  let managedLoadedAt = Number.NEGATIVE_INFINITY;
  const effectiveConfig = async (): Promise<Config> => {
    if (Date.now() - managedLoadedAt > MANAGED_RELOAD_MS) {
      try {
        const loaded = await loadManagedState(db, Date.now());
        for (const bad of loaded.invalid) logger.warn(bad, 'stored item rejected by the current schema');
        managed = loaded;
        managedLoadedAt = Date.now();
      } catch (err) {
        logger.warn(
          { err: (err as Error).message },
          'loading API-managed policies failed; keeping the last state',
        );
      }
    }
    return withManaged(config.current(), managed).config;
  };

  const auth = apiAuthOptionsFromConfig(initial.server.auth);
  // Applying recommendations patches workloads with the same credentials as TokenReview.
  const kubeConnection = loadKubeConnection(initial.server.auth.kubeconfig);
  const workloads = kubeConnection === undefined ? undefined : createWorkloadsApi(kubeConnection);
  const restApi = createRestApi({
    db,
    ...(workloads !== undefined && { workloads }),
    // Kubernetes bearer tokens (TokenReview) map to roles through server.rest.tokenRoles.
    ...(auth.mode === 'delegated' && auth.kubeApi !== undefined && { kubeApi: auth.kubeApi }),
    snapshot: holder,
    config: () => config.current(),
    backends: () => backends,
    evaluator: (b) => createEvaluator({ backends: () => b }),
    logger,
    onChange: () => (managedLoadedAt = Number.NEGATIVE_INFINITY),
  });
  const apiServer = await createApiServer({
    snapshot: holder,
    tls: initial.server.tls,
    auth,
    readiness: () => ({ ready: engine.ticks > 0, checks: { config: true, 'first-tick': engine.ticks > 0 } }),
    fallback: restApi,
    stalenessMs: initial.engine.stalenessSeconds * 1000,
    logger,
  });
  const apiAddress = await apiServer.listen(initial.server.port, initial.server.host);
  logger.info(
    { port: apiAddress.port, host: initial.server.host },
    'External Metrics API and REST API listening (HTTPS)',
  );

  const metricsServer = createMetricsServer(telemetry.registry, (req, res) =>
    apiServer.handleHealth(req, res),
  );
  await listen(metricsServer, initial.server.metricsPort, initial.server.host);
  logger.info(
    { port: addressPort(metricsServer), host: initial.server.host },
    'metrics and health listening',
  );

  config.onChange((next: Config, previous: Config) => {
    logger.level = next.log.level;
    if (
      JSON.stringify([next.prometheus, next.engine]) !==
      JSON.stringify([previous.prometheus, previous.engine])
    ) {
      backends = buildBackends(next, telemetry);
    }
  });
  config.start();
  if (election !== undefined) await election.elector.start();
  engine.start(effectiveConfig);
  const recommendations = new RecommendationJob({
    db,
    config: effectiveConfig,
    backends: () => backends,
    ...(workloads !== undefined && { kube: workloads }),
    logger,
    isLeader: () => election === undefined || election.elector.isLeader(),
  });
  recommendations.start();
  let shuttingDown = false;

  const retention = setInterval(() => {
    const cutoff = Date.now() - config.current().database.retentionDays * 24 * HOUR;
    pruneDecisions(db, cutoff).then(
      (n) => n > 0 && logger.info({ deleted: n }, 'decision retention'),
      (err: Error) => logger.warn({ err: err.message }, 'decision retention failed'),
    );
  }, HOUR);
  retention.unref();

  return {
    config,
    db,
    engine,
    holder,
    metricsServer,
    apiServer,
    apiPort: apiAddress.port,
    isLeader: () => election === undefined || election.elector.isLeader(),
    metricsText: () => telemetry.registry.metrics(),
    async stop(reason: string) {
      if (shuttingDown) return;
      shuttingDown = true;
      logger.info({ reason }, 'shutting down');
      config.stop();
      clearInterval(retention);
      // Not ready at once, so endpoints stop routing here; then finish the tick and flush decisions.
      const apiClosed = apiServer.close();
      await engine.stop();
      await recommendations.stop();
      await election?.elector.stop();
      await sink.flush();
      await apiClosed;
      await new Promise<void>((r) => metricsServer.close(() => r()));
      await db.close();
      logger.info('stopped');
    },
  };
}

/** The elector when leader election is on (explicitly, or `auto` inside a cluster). */
function leaderElection(
  config: Config,
  logger: Logger,
): { elector: LeaderElector; identity: string } | undefined {
  const le = config.engine.leaderElection;
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST);
  if (le.mode === 'off' || (le.mode === 'auto' && !inCluster)) return undefined;
  const namespace = le.leaseNamespace ?? process.env.POD_NAMESPACE ?? 'default';
  const identity = process.env.POD_NAME ?? `${hostname()}-${process.pid}`;
  const lease = createLeaseClient(kubeConfigFrom(config.server.auth.kubeconfig), namespace, le.leaseName);
  logger.info({ identity, lease: `${namespace}/${le.leaseName}` }, 'leader election on');
  return {
    identity,
    elector: new LeaderElector(lease, { identity, leaseDurationSeconds: le.leaseDurationSeconds, logger }),
  };
}

/** One client per configured backend; the observer feeds the costscale_prometheus_* metrics. */
function buildBackends(config: Config, telemetry: Telemetry): Backends {
  return new Map(
    Object.entries(config.prometheus).map(([name, backend]) => [
      name,
      new PrometheusClient({
        name,
        backend,
        observer: telemetry.prometheusObserver,
        // A half-open probe every tick: recovery within one tick of the backend's return (ARCHITECTURE.md §6).
        circuitBreaker: { failureThreshold: 5, coolDownMs: config.engine.intervalSeconds * 1000 },
      }),
    ]),
  );
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

function addressPort(server: Server): number | undefined {
  const a = server.address();
  return typeof a === 'object' && a !== null ? a.port : undefined;
}
