import type { Server } from 'node:http';
import { ConfigManager } from './config/manager';
import { EffectiveConfigSource } from './engine/effectiveConfig';
import { Engine } from './engine/engine';
import { createEvaluator, dryRunEvaluator } from './engine/evaluate';
import { Forecasting } from './engine/forecasting';
import { electionFromConfig } from './engine/leaderElection';
import { budgetEventRecorder, forecastPersistence } from './engine/persistence';
import { replicaReady, replicated } from './engine/replication';
import { leaderSnapshotFetcher, snapshotAddress, snapshotEndpoint } from './engine/replicationHttp';
import { loadKubeConnection } from './k8s/connection';
import { caBundlePublisher, sharedServingCA } from './k8s/servingCA';
import { createWorkloadsApi } from './k8s/workloads';
import { Lifecycle } from './lifecycle';
import { createLogger, type Logger } from './log';
import { RecommendationJob } from './recommend-runtime';
import { apiAuthOptionsFromConfig } from './server/auth';
import type { ApiServer } from './server/external-metrics';
import { kedaScalerPart } from './server/keda';
import { createServing } from './server/serving';
import { generateCA } from './server/tls';
import { SnapshotHolder } from './snapshot/snapshot';
import { liveBackends } from './sources/backends';
import { openDatabase, type Database } from './store/db';
import { openDecisionSink } from './store/decisionSink';
import { loadManagedState } from './store/managed';
import { migrate } from './store/migrate';
import { DecisionRetention } from './store/retention';
import { snapshotExchange } from './store/snapshots';
import {
  createTelemetry,
  kedaObserver,
  registerDecisionSinkMetrics,
  registerSnapshotMetrics,
} from './telemetry';

// The composition root: reads config, builds each part and adds it to the lifecycle, which starts the
// parts in order and stops them in reverse. Nothing else constructs long-lived singletons.

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

export async function startService(configFile: string, logger: Logger = createLogger()): Promise<Service> {
  const telemetry = createTelemetry();
  const config = new ConfigManager(configFile, logger, (outcome) => telemetry.configReloads.inc({ outcome }));
  const initial = config.current();
  logger.level = initial.log.level;
  config.onChange((next) => void (logger.level = next.log.level));
  const lifecycle = new Lifecycle(logger);

  const db = await openDatabase(initial.database);
  lifecycle.add({ name: 'database', stop: () => db.close() });
  logger.info({ database: db.kind, applied: await migrate(db) }, 'database ready');
  const sink = await openDecisionSink(db, initial.database, (err) =>
    logger.warn({ err: err.message }, 'database write failed; decisions spooled'),
  );
  lifecycle.add({ name: 'decision-sink', stop: () => sink.flush() });
  registerDecisionSinkMetrics(telemetry.registry, () => sink.stats());

  const backends = liveBackends(config, telemetry.prometheusObserver);
  const holder = new SnapshotHolder();
  registerSnapshotMetrics(telemetry.registry, holder);
  const evaluate = createEvaluator({
    backends,
    forecasting: new Forecasting(forecastPersistence(db, logger), initial.engine.forecast),
    onBudgetEvents: budgetEventRecorder(db, logger),
  });
  // One Kubernetes connection: the lease, TokenReview/SubjectAccessReview and workload patches.
  const kubeConnection = loadKubeConnection(initial.server.auth.kubeconfig);
  // The API port is bound after the elector is built (port 0 in tests); the Lease records it once known.
  let apiPort = (): number => 0;
  const elector = electionFromConfig(
    initial,
    config.file,
    kubeConnection,
    () => (apiPort() === 0 ? undefined : snapshotAddress(initial.server.host, apiPort())),
    logger,
  );
  const isLeader = (): boolean => elector?.isLeader() ?? true;
  const replicationToken = initial.engine.leaderElection.replicationToken;
  let followedAt: number | undefined;
  const engine = new Engine({
    evaluate: replicated(evaluate, {
      leadership: elector,
      exchange: snapshotExchange(db),
      ...(replicationToken !== undefined && { fetchLeader: leaderSnapshotFetcher(replicationToken) }),
      onFollow: (snapshot) => void (followedAt = snapshot.generatedAt),
      logger,
    }),
    holder,
    clock: Date.now,
    logger,
    persist: (decisions) => sink.write(decisions),
    observeTick: telemetry.observeTick,
  });
  const effective = new EffectiveConfigSource({
    file: () => config.current(),
    load: (now) => loadManagedState(db, now),
    clock: Date.now,
    logger,
  });

  // Without certificate files and with publishCA: one CA for every replica, kept in a Secret, which
  // becomes the APIService's caBundle (issue 16, defect 8).
  const servingCA = await sharedServingCA(initial.server.tls, kubeConnection, (cn) =>
    generateCA(cn, new Date()),
  );

  const auth = apiAuthOptionsFromConfig(initial.server.auth, kubeConnection);
  const workloads = kubeConnection === undefined ? undefined : createWorkloadsApi(kubeConnection);
  const serving = await createServing({
    initial,
    auth,
    ...(servingCA !== undefined && { issuer: servingCA.issuer }),
    rest: {
      db,
      // Applying recommendations to workloads and HPAs is off unless recommendations.apply (least privilege).
      ...(workloads !== undefined && initial.recommendations.apply && { workloads }),
      // Kubernetes bearer tokens (TokenReview) map to roles through server.rest.tokenRoles.
      ...(auth.mode === 'delegated' && auth.kubeApi !== undefined && { kubeApi: auth.kubeApi }),
      snapshot: holder,
      config: () => config.current(),
      backends,
      evaluator: dryRunEvaluator,
      onChange: () => effective.invalidate(),
    },
    registry: telemetry.registry,
    ready: () =>
      replicaReady({
        leader: isLeader(),
        ticks: engine.ticks,
        followedAt,
        now: Date.now(),
        stalenessMs: initial.engine.stalenessSeconds * 1000,
      }),
    ...(replicationToken !== undefined && {
      internal: snapshotEndpoint({ token: replicationToken, snapshot: holder, isLeader }),
    }),
    logger,
  });
  apiPort = serving.apiPort;

  const keda = kedaScalerPart({
    settings: initial.server.keda.grpc,
    host: initial.server.host,
    snapshot: holder,
    stalenessMs: initial.engine.stalenessSeconds * 1000,
    observer: kedaObserver(telemetry.registry),
    logger,
  });

  await lifecycle
    .add(serving.listeners)
    .add(keda)
    .add(servingCA && caBundlePublisher(servingCA.store, servingCA.issuer.cert, logger))
    .add({ name: 'config-watch', start: () => config.start(), stop: () => config.stop() })
    .add(elector)
    .add({ name: 'engine', start: () => engine.start(() => effective.current()), stop: () => engine.stop() })
    .add(
      new RecommendationJob({
        db,
        config: () => effective.current(),
        backends,
        ...(workloads !== undefined && { kube: workloads }),
        logger,
        isLeader,
      }),
    )
    .add(
      new DecisionRetention({
        db,
        retentionDays: () => config.current().database.retentionDays,
        clock: Date.now,
        logger,
      }),
    )
    .add(serving.readiness)
    .start();

  return {
    config,
    db,
    engine,
    holder,
    metricsServer: serving.metricsServer,
    apiServer: serving.apiServer,
    apiPort: serving.apiPort(),
    kedaPort: keda?.port(),
    isLeader,
    metricsText: () => telemetry.registry.metrics(),
    stop: (reason) => lifecycle.stop(reason),
  };
}
