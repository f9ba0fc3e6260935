import { ConfigManager } from './config/manager';
import { EffectiveConfigSource } from './engine/effectiveConfig';
import { Engine } from './engine/engine';
import { createTickEvaluator, dryRunEvaluator } from './engine/evaluate';
import { Forecasting } from './engine/forecasting';
import { anomalyRecorder, budgetEventRecorder, forecastPersistence } from './engine/persistence';
import { replicaSet } from './engine/replicaSet';
import { loadKubeConnection } from './k8s/connection';
import { createWorkloadsApi } from './k8s/workloads';
import { Lifecycle } from './lifecycle';
import { createLogger, type Logger } from './log';
import type { Service } from './service';
import { RecommendationJob } from './recommend-runtime';
import { apiAuthOptionsFromConfig } from './server/auth';
import { kedaScalerFromConfig } from './server/keda';
import { createServing } from './server/serving';
import { servingCAFromConfig } from './server/servingCA';
import { SnapshotHolder } from './snapshot/snapshot';
import { liveBackends } from './sources/backends';
import { openDatabase } from './store/db';
import { openDecisionSink } from './store/decisionSink';
import { loadManagedState } from './store/managed';
import { migrate } from './store/migrate';
import { DecisionRetention } from './store/retention';
import {
  createTelemetry,
  kedaObserver,
  registerDecisionSinkMetrics,
  registerSnapshotMetrics,
} from './telemetry';

export type { Service } from './service';

// The composition root: reads config, builds each part and adds it to the lifecycle, which starts the
// parts in order and stops them in reverse. Nothing else constructs long-lived singletons.

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
  const evaluate = createTickEvaluator({
    backends,
    forecasting: new Forecasting(forecastPersistence(db, logger), initial.engine.forecast),
    onSignalAnomaly: anomalyRecorder(db, logger),
    onBudgetEvents: budgetEventRecorder(db, logger),
  });
  // One Kubernetes connection: the lease, TokenReview/SubjectAccessReview and workload patches.
  const kubeConnection = loadKubeConnection(initial.server.auth.kubeconfig);
  const replicas = replicaSet({
    config: initial,
    configFile: config.file,
    connection: kubeConnection,
    db,
    evaluate,
    snapshot: holder,
    logger,
  });
  const isLeader = (): boolean => replicas.isLeader();
  const engine = new Engine({
    evaluate: replicas.evaluate,
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

  const servingCA = await servingCAFromConfig(initial.server.tls, kubeConnection, logger);

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
    ready: () => replicas.ready(engine.ticks, Date.now()),
    ...(replicas.internal !== undefined && { internal: replicas.internal }),
    logger,
  });
  replicas.bindApiPort(serving.apiPort);

  const keda = kedaScalerFromConfig(initial, holder, kedaObserver(telemetry.registry), logger);

  await lifecycle
    .add(serving.listeners)
    .add(keda)
    .add(servingCA?.publisher)
    .add({ name: 'config-watch', start: () => config.start(), stop: () => config.stop() })
    .add(replicas.part)
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
        retention: () => config.current().database,
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
