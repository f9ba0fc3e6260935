// The KEDA external scaler against a real @grpc/grpc-js client built from the same .proto, as KEDA's
// Go client would call it (KEDA spec §2): every RPC, pushing streams, reconnects, TLS and mutual TLS,
// unknown policies and stale values. Publishes and the clock are driven by the test.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parseAllDocuments } from 'yaml';
import {
  credentials,
  status,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import type { KedaGrpcSettings } from '../../adapter/src/config/kedaSettings';
import { createLogger } from '../../adapter/src/log';
import { startService } from '../../adapter/src/main';
import {
  createKedaScaler,
  loadExternalScaler,
  type KedaMethod,
  type KedaScaler,
} from '../../adapter/src/server/keda';
import { SnapshotHolder, type PolicySnapshot, type Snapshot } from '../../adapter/src/snapshot/snapshot';
import { createCA, localServerCertificate } from '../support/certs';
import { capturedLog } from '../support/capturedLog';
import { freePort, waitFor } from '../support/ports';

const T = Date.UTC(2026, 0, 5, 12);
const STALENESS_MS = 120_000;
const ExternalScaler = loadExternalScaler();

type Metadata = Record<string, string>;
const ref = (scalerMetadata: Metadata, namespace = 'shop') => ({
  name: 'checkout',
  namespace,
  scalerMetadata,
});
const CHECKOUT: Metadata = {
  scalerAddress: 'costscale.costscale:6000',
  policy: 'checkout',
  namespace: 'shop',
};

function policy(name: string, replicas: number, extra: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return {
    name,
    namespace: 'shop',
    labels: { policy: name, tier: 'frontend' },
    allowedNamespaces: [],
    values: {
      costscale_replicas: replicas,
      costscale_load: replicas - 0.5,
      costscale_cost_per_hour: 0.1,
      costscale_budget_pressure: 0,
      costscale_forecast_demand: 10,
    },
    valuesAt: T,
    ...extra,
  };
}

let tick = 0;
const snapshot = (...policies: PolicySnapshot[]): Snapshot => ({ generatedAt: T, tick: ++tick, policies });

/** Calls a unary method; resolves to the response or the ServiceError. */
function unary<T>(client: Client, method: string, request: unknown): Promise<T | ServiceError> {
  return new Promise((resolve) => {
    (client as unknown as Record<string, (r: unknown, cb: (e: ServiceError | null, v: T) => void) => void>)[
      method
    ]!(request, (error, value) => resolve(error ?? value));
  });
}

async function ok<T>(promise: Promise<T | ServiceError>): Promise<T> {
  const value = await promise;
  if (value instanceof Error) throw value;
  return value;
}

async function failure(promise: Promise<unknown>): Promise<{ code: status; details: string }> {
  const value = await promise;
  if (!(value instanceof Error)) throw new Error(`expected an error, got ${JSON.stringify(value)}`);
  const { code, details } = value as ServiceError;
  return { code, details };
}

/** Opens a server-streaming method (the generic client has no static types for it). */
function openStream<T>(
  client: Client,
  method: 'StreamIsActive' | 'StreamMetricSpec',
  request: unknown,
  options = {},
) {
  const call = (client as unknown as Record<string, (r: unknown, o: object) => ClientReadableStream<T>>)[
    method
  ]!;
  return reader(call.call(client, request, options));
}

/** A server stream read message by message: `next()` is the next message, or the error ending it. */
function reader<T>(stream: ClientReadableStream<T>) {
  const queue: Array<T | ServiceError> = [];
  const waiting: Array<(v: T | ServiceError) => void> = [];
  const push = (v: T | ServiceError): void => {
    const w = waiting.shift();
    if (w) w(v);
    else queue.push(v);
  };
  stream.on('data', push);
  stream.on('error', push);
  return {
    next: (): Promise<T | ServiceError> =>
      queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve)),
    pending: (): number => queue.length,
    cancel: (): void => stream.cancel(),
  };
}

const observed: Array<[KedaMethod, string]> = [];
const open: Record<string, number> = {};
const observer = {
  call: (method: KedaMethod, code: status) => void observed.push([method, status[code]]),
  streams: (method: KedaMethod, delta: 1 | -1) => void (open[method] = (open[method] ?? 0) + delta),
};

interface Running {
  readonly scaler: KedaScaler;
  readonly port: number;
}

async function start(
  holder: SnapshotHolder,
  clock: { now: number },
  tls?: KedaGrpcSettings['tls'],
  port = 0,
  logger?: Logger,
): Promise<Running> {
  const scaler = await createKedaScaler({
    logger,
    snapshot: holder,
    settings: { tls },
    stalenessMs: STALENESS_MS,
    now: () => clock.now,
    // The test clock jumps; streams notice within this real interval.
    freshnessCheckMs: 20,
    tlsReloadIntervalMs: 50,
    observer,
  });
  return { scaler, port: await scaler.listen(port, '127.0.0.1') };
}

describe('KEDA external scaler over plaintext gRPC', () => {
  const holder = new SnapshotHolder();
  const clock = { now: T };
  let running: Running;
  let client: Client;

  beforeAll(async () => {
    running = await start(holder, clock);
    client = new ExternalScaler(`127.0.0.1:${running.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await running.scaler.close();
  });
  beforeEach(() => {
    clock.now = T;
    holder.publish(snapshot(policy('checkout', 4), policy('idle', 0)));
  });

  test('IsActive: a decision of 0 replicas is inactive, any other active', async () => {
    expect(await ok(unary(client, 'IsActive', ref(CHECKOUT)))).toEqual({ result: true });
    expect(await ok(unary(client, 'IsActive', ref({ policy: 'idle', namespace: 'shop' })))).toEqual({
      result: false,
    });
  });

  test('GetMetricSpec: one spec in replica units, int64 and double both filled', async () => {
    expect(await ok(unary(client, 'GetMetricSpec', ref(CHECKOUT)))).toEqual({
      metricSpecs: [{ metricName: 'costscale_replicas', targetSize: 1, targetSizeFloat: 1 }],
    });
    expect(await ok(unary(client, 'GetMetricSpec', ref({ ...CHECKOUT, metric: 'costscale_load' })))).toEqual({
      metricSpecs: [{ metricName: 'costscale_load', targetSize: 1, targetSizeFloat: 1 }],
    });
  });

  test('GetMetrics: the decided value under the name KEDA asks for; int64 rounded up, double exact', async () => {
    expect(
      await ok(
        unary(client, 'GetMetrics', { scaledObjectRef: ref(CHECKOUT), metricName: 's0-costscale_replicas' }),
      ),
    ).toEqual({
      metricValues: [{ metricName: 's0-costscale_replicas', metricValue: 4, metricValueFloat: 4 }],
    });
    expect(
      await ok(
        unary(client, 'GetMetrics', { scaledObjectRef: ref({ ...CHECKOUT, metric: 'costscale_load' }) }),
      ),
    ).toEqual({ metricValues: [{ metricName: 'costscale_load', metricValue: 4, metricValueFloat: 3.5 }] });
  });

  test('the policy namespace defaults to the ScaledObject namespace and is readable only as an HPA could', async () => {
    expect(await ok(unary(client, 'IsActive', ref({ policy: 'checkout' })))).toEqual({ result: true });
    const denied = await failure(unary(client, 'IsActive', ref(CHECKOUT, 'web')));
    expect(denied).toEqual({
      code: status.NOT_FOUND,
      details:
        'no costscale policy of namespace "shop" serves namespace "web" with labels matching "policy=checkout"',
    });
    holder.publish(snapshot(policy('checkout', 4, { allowedNamespaces: ['web'] })));
    expect(await ok(unary(client, 'IsActive', ref(CHECKOUT, 'web')))).toEqual({ result: true });
  });

  test.each<[string, Metadata, status, RegExp]>([
    [
      'unknown policy',
      { policy: 'nope', namespace: 'shop' },
      status.NOT_FOUND,
      /no costscale policy of namespace "shop"/,
    ],
    ['no policy', { namespace: 'shop' }, status.INVALID_ARGUMENT, /trigger metadata needs policy/],
    ['a policy that is no name', { policy: 'a,b' }, status.INVALID_ARGUMENT, /is not a policy name/],
    [
      'an informational metric',
      { ...CHECKOUT, metric: 'costscale_cost_per_hour' },
      status.INVALID_ARGUMENT,
      /not a scaling metric: use costscale_replicas \(default\) or costscale_load/,
    ],
  ])('%s is an error every RPC reports', async (_, metadata, code, details) => {
    for (const [method, request] of [
      ['IsActive', ref(metadata)],
      ['GetMetricSpec', ref(metadata)],
      ['GetMetrics', { scaledObjectRef: ref(metadata), metricName: 'x' }],
    ] as const) {
      const error = await failure(unary(client, method, request));
      expect(error.code).toBe(code);
      expect(error.details).toMatch(details);
    }
    const stream = openStream(client, 'StreamIsActive', ref(metadata));
    expect(await failure(stream.next())).toMatchObject({ code });
  });

  test('a stale value is UNAVAILABLE (KEDA applies its fallback) and served again once fresh', async () => {
    clock.now = T + STALENESS_MS;
    const stale = await failure(
      unary(client, 'GetMetrics', { scaledObjectRef: ref(CHECKOUT), metricName: 'm' }),
    );
    expect(stale).toEqual({
      code: status.UNAVAILABLE,
      details:
        'the last value of costscale policy shop/checkout is 120s old (staleness bound 120s): no newer decision',
    });
    expect((await failure(unary(client, 'IsActive', ref(CHECKOUT)))).code).toBe(status.UNAVAILABLE);
    // The spec does not depend on values: KEDA can still build its HPA.
    expect(await ok(unary(client, 'GetMetricSpec', ref(CHECKOUT)))).toMatchObject({
      metricSpecs: [{ targetSize: 1 }],
    });
    holder.publish(snapshot(policy('checkout', 5, { valuesAt: clock.now })));
    expect(
      await ok(unary(client, 'GetMetrics', { scaledObjectRef: ref(CHECKOUT), metricName: 'm' })),
    ).toEqual({
      metricValues: [{ metricName: 'm', metricValue: 5, metricValueFloat: 5 }],
    });
  });

  test('StreamIsActive pushes the current state on open and again on every change of the decision', async () => {
    const stream = openStream(client, 'StreamIsActive', ref(CHECKOUT));
    expect(await stream.next()).toEqual({ result: true });
    holder.publish(snapshot(policy('checkout', 4))); // same decision: nothing sent
    holder.publish(snapshot(policy('checkout', 6))); // more replicas, still active: sent
    holder.publish(snapshot(policy('checkout', 0))); // idle: inactive
    holder.publish(snapshot(policy('checkout', 0)));
    holder.publish(snapshot(policy('checkout', 1)));
    expect([await stream.next(), await stream.next(), await stream.next()]).toEqual([
      { result: true },
      { result: false },
      { result: true },
    ]);
    expect(open.StreamIsActive).toBe(1);
    stream.cancel();
    await expect(stream.next()).resolves.toMatchObject({ code: status.CANCELLED });
    await waitFor('the server to see the cancel', async () => open.StreamIsActive === 0);
  });

  test('StreamIsActive ends with UNAVAILABLE when its value goes stale, with no publish: KEDA learns at once', async () => {
    const stream = openStream(client, 'StreamIsActive', ref(CHECKOUT));
    expect(await stream.next()).toEqual({ result: true });
    clock.now = T + STALENESS_MS - 1;
    await ok(unary(client, 'IsActive', ref(CHECKOUT)));
    await new Promise((resolve) => setTimeout(resolve, 100)); // several freshness checks: still fresh
    expect(stream.pending()).toBe(0);
    clock.now = T + STALENESS_MS; // the engine stopped publishing; only time passes
    expect(await failure(stream.next())).toEqual({
      code: status.UNAVAILABLE,
      details:
        'the last value of costscale policy shop/checkout is 120s old (staleness bound 120s): no newer decision',
    });
    await waitFor('the server to close the stream', async () => open.StreamIsActive === 0);
  });

  test('StreamIsActive opened while stale waits and pushes as soon as the value is fresh again, same decision included', async () => {
    clock.now = T + STALENESS_MS;
    const stream = openStream(client, 'StreamIsActive', ref(CHECKOUT));
    await waitFor('the stream to open', async () => open.StreamIsActive === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.pending()).toBe(0);
    holder.publish(snapshot(policy('checkout', 4, { valuesAt: clock.now }))); // the decision before: 4
    expect(await stream.next()).toEqual({ result: true });
    holder.publish(snapshot(policy('checkout', 0, { valuesAt: clock.now })));
    expect(await stream.next()).toEqual({ result: false });
    holder.publish(snapshot(policy('idle', 0)));
    expect(await failure(stream.next())).toMatchObject({ code: status.NOT_FOUND });
  });

  test('StreamMetricSpec sends the current specs on open, the same GetMetricSpec answers, and no repeats', async () => {
    const stream = openStream(client, 'StreamMetricSpec', ref(CHECKOUT));
    const first = await stream.next();
    expect(first).toEqual(await ok(unary(client, 'GetMetricSpec', ref(CHECKOUT))));
    holder.publish(snapshot(policy('checkout', 9)));
    // A unary round trip after the publish: had the stream sent anything, it would have arrived first.
    await ok(unary(client, 'IsActive', ref(CHECKOUT)));
    expect(stream.pending()).toBe(0);
    stream.cancel();
    await expect(stream.next()).resolves.toMatchObject({ code: status.CANCELLED });
    await waitFor('the server to see the cancel', async () => open.StreamMetricSpec === 0);
  });

  test('calls are counted by method and code; streams while they are open', async () => {
    observed.length = 0;
    await ok(unary(client, 'IsActive', ref(CHECKOUT)));
    await failure(unary(client, 'GetMetricSpec', ref({ policy: 'nope' })));
    const stream = openStream(client, 'StreamMetricSpec', ref(CHECKOUT));
    await stream.next();
    expect(open.StreamMetricSpec).toBe(1);
    clock.now = T + STALENESS_MS;
    await failure(unary(client, 'GetMetrics', { scaledObjectRef: ref(CHECKOUT), metricName: 'm' }));
    stream.cancel();
    await waitFor('the server to see the cancel', async () => open.StreamMetricSpec === 0);
    expect(observed).toEqual([
      ['IsActive', 'OK'],
      ['GetMetricSpec', 'NOT_FOUND'],
      ['GetMetrics', 'UNAVAILABLE'],
      ['StreamMetricSpec', 'CANCELLED'],
    ]);
  });
});

test('streams survive a reconnect: a restarted scaler on the same port serves the same client again', async () => {
  const holder = new SnapshotHolder(snapshot(policy('checkout', 3)));
  const clock = { now: T };
  const port = await freePort();
  let running = await start(holder, clock, undefined, port);
  const client = new ExternalScaler(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    const first = openStream(client, 'StreamIsActive', ref(CHECKOUT));
    expect(await first.next()).toEqual({ result: true });
    await running.scaler.close();
    expect(await failure(first.next())).toEqual({
      code: status.UNAVAILABLE,
      details: 'costscale is shutting down',
    });

    holder.publish(snapshot(policy('checkout', 0)));
    running = await start(holder, clock, undefined, port);
    // KEDA reopens the stream on the same channel, with its backoff; waitForReady stands in for it.
    const second = openStream(client, 'StreamIsActive', ref(CHECKOUT), { waitForReady: true });
    expect(await second.next()).toEqual({ result: false });
    holder.publish(snapshot(policy('checkout', 2)));
    expect(await second.next()).toEqual({ result: true });
    second.cancel();
  } finally {
    client.close();
    await running.scaler.close();
  }
});

describe('TLS', () => {
  const holder = new SnapshotHolder(snapshot(policy('checkout', 4)));
  const clock = { now: T };
  const serverCA = createCA('costscale-test-server-ca');
  const clientCA = createCA('keda-client-ca');
  const otherCA = createCA('someone-else');
  const serving = localServerCertificate(serverCA);
  const kedaCert = clientCA.issue({ commonName: 'keda-operator', usages: ['clientAuth'] });
  const strangerCert = otherCA.issue({ commonName: 'stranger', usages: ['clientAuth'] });
  let files: { certFile: string; keyFile: string; clientCAFile: string };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'costscale-keda-tls-'));
    files = {
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      clientCAFile: join(dir, 'client-ca.crt'),
    };
    await writeFile(files.certFile, serving.cert);
    await writeFile(files.keyFile, serving.key);
    await writeFile(files.clientCAFile, clientCA.cert);
  });

  const isActive = async (port: number, creds: ReturnType<typeof credentials.createSsl>) => {
    // The certificate names localhost; an IP as TLS server name is not allowed (RFC 6066).
    const client = new ExternalScaler(`127.0.0.1:${port}`, creds, {
      'grpc.ssl_target_name_override': 'localhost',
    });
    try {
      return await unary<{ result: boolean }>(client, 'IsActive', ref(CHECKOUT));
    } finally {
      client.close();
    }
  };

  test('server TLS: a client trusting the CA is served; a plaintext client is not', async () => {
    const { scaler, port } = await start(holder, clock, { certFile: files.certFile, keyFile: files.keyFile });
    try {
      expect(await isActive(port, credentials.createSsl(Buffer.from(serverCA.cert)))).toEqual({
        result: true,
      });
      expect((await failure(isActive(port, credentials.createInsecure()))).code).toBe(status.UNAVAILABLE);
      expect((await failure(isActive(port, credentials.createSsl(Buffer.from(otherCA.cert))))).code).toBe(
        status.UNAVAILABLE,
      );
    } finally {
      await scaler.close();
    }
  });

  test('a rotated certificate is served without a restart; a half-written one is skipped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'costscale-keda-rotate-'));
    const rotating = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    await writeFile(rotating.certFile, serving.cert);
    await writeFile(rotating.keyFile, serving.key);
    const log = capturedLog();
    const { scaler, port } = await start(holder, clock, rotating, 0, log.logger);
    const rotatedCA = createCA('costscale-rotated-ca');
    const rotated = localServerCertificate(rotatedCA);
    const trusting = (ca: string) => credentials.createSsl(Buffer.from(ca));
    try {
      expect(await isActive(port, trusting(serverCA.cert))).toEqual({ result: true });
      expect((await failure(isActive(port, trusting(rotatedCA.cert)))).code).toBe(status.UNAVAILABLE);
      // The new certificate without its key yet: not a pair, so the old one stays in service.
      // Waits for the watcher to report each step, so the old pair is checked after the refusal.
      const refused = 'could not reload the serving certificate; keeping the current one';
      const reloaded = 'serving certificate reloaded';
      const before = { refused: log.count(refused), reloaded: log.count(reloaded) };
      await writeFile(rotating.certFile, rotated.cert);
      await log.logged(refused, before.refused);
      expect(await isActive(port, trusting(serverCA.cert))).toEqual({ result: true });
      await writeFile(rotating.keyFile, rotated.key);
      await log.logged(reloaded, before.reloaded);
      expect(await isActive(port, trusting(rotatedCA.cert))).toEqual({ result: true });
      expect((await failure(isActive(port, trusting(serverCA.cert)))).code).toBe(status.UNAVAILABLE);
    } finally {
      await scaler.close();
    }
  });

  test("mutual TLS: only a client certificate from clientCAFile is served (KEDA's tlsClientCert)", async () => {
    const { scaler, port } = await start(holder, clock, files);
    const ca = Buffer.from(serverCA.cert);
    try {
      expect(
        await isActive(
          port,
          credentials.createSsl(ca, Buffer.from(kedaCert.key), Buffer.from(kedaCert.cert)),
        ),
      ).toEqual({ result: true });
      expect((await failure(isActive(port, credentials.createSsl(ca)))).code).toBe(status.UNAVAILABLE);
      expect(
        (
          await failure(
            isActive(
              port,
              credentials.createSsl(ca, Buffer.from(strangerCert.key), Buffer.from(strangerCert.cert)),
            ),
          )
        ).code,
      ).toBe(status.UNAVAILABLE);
    } finally {
      await scaler.close();
    }
  });

  test('a rotated clientCAFile is applied without a restart; a bundle with no certificate is skipped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'costscale-keda-client-ca-'));
    const rotating = { ...files, clientCAFile: join(dir, 'client-ca.crt') };
    await writeFile(rotating.clientCAFile, clientCA.cert);
    const log = capturedLog();
    const { scaler, port } = await start(holder, clock, rotating, 0, log.logger);
    const ca = Buffer.from(serverCA.cert);
    const presenting = (issued: { cert: string; key: string }) =>
      credentials.createSsl(ca, Buffer.from(issued.key), Buffer.from(issued.cert));
    const served = async (issued: { cert: string; key: string }): Promise<boolean> =>
      !((await isActive(port, presenting(issued))) instanceof Error);
    try {
      expect(await served(kedaCert)).toBe(true);
      expect(await served(strangerCert)).toBe(false);
      // A half-written bundle (no complete certificate yet) leaves the current one in force.
      const refused = 'could not reload the CA bundle; keeping the current one';
      const reloaded = 'CA bundle reloaded';
      const before = { refused: log.count(refused), reloaded: log.count(reloaded) };
      await writeFile(rotating.clientCAFile, '-----BEGIN CERTIFICATE-----\nMIIC');
      await log.logged(refused, before.refused);
      expect(await served(kedaCert)).toBe(true);
      // KEDA's client certificate now comes from another CA.
      await writeFile(rotating.clientCAFile, otherCA.cert);
      await log.logged(reloaded, before.reloaded);
      expect(await served(strangerCert)).toBe(true);
      expect(await served(kedaCert)).toBe(false);
    } finally {
      await scaler.close();
    }
  });
});

test('serve wires the scaler: server.keda.grpc.enabled listens, answers from the service snapshot, counts in /metrics', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'costscale-keda-serve-'));
  const file = join(dir, 'config.yaml');
  // One tick at start and none after during the test, so the test's publish is the one served.
  await writeFile(
    file,
    `allowEmpty: true
prometheus:
  default: { url: 'http://127.0.0.1:1' }
server: { host: 127.0.0.1, port: 0, metricsPort: 0, auth: { mode: local }, keda: { grpc: { enabled: true, port: 0 } } }
database: { inMemory: true }
engine: { intervalSeconds: 3600 }
log: { level: warn }
`,
  );
  const service = await startService(file, createLogger('warn'));
  const client = new ExternalScaler(`127.0.0.1:${service.kedaPort}`, credentials.createInsecure());
  try {
    await waitFor('the first tick', async () => service.engine.ticks > 0);
    service.holder.publish({
      generatedAt: Date.now(),
      tick: 99,
      policies: [policy('checkout', 3, { valuesAt: Date.now() })],
    });
    expect(
      await ok(unary(client, 'GetMetrics', { scaledObjectRef: ref(CHECKOUT), metricName: 'm' })),
    ).toEqual({
      metricValues: [{ metricName: 'm', metricValue: 3, metricValueFloat: 3 }],
    });
    expect(await service.metricsText()).toContain(
      'costscale_keda_grpc_calls_total{method="GetMetrics",code="OK"} 1',
    );
  } finally {
    client.close();
    await service.stop('test end');
  }
});

test('the shipped ScaledObject example selects its policy through the scaler', async () => {
  const file = join(__dirname, '..', '..', 'deploy', 'examples', 'scaledobject-external-push.yaml');
  const [scaledObject] = parseAllDocuments(await readFile(file, 'utf8')).map(
    (d) =>
      d.toJS() as {
        metadata: { name: string; namespace: string };
        spec: { triggers: Array<{ type: string; metadata: Metadata }> };
      },
  );
  const trigger = scaledObject!.spec.triggers[0]!;
  expect(trigger.type).toBe('external-push');
  const holder = new SnapshotHolder(snapshot(policy('checkout', 4)));
  const { scaler, port } = await start(holder, { now: T });
  const client = new ExternalScaler(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    const request = {
      name: scaledObject!.metadata.name,
      namespace: scaledObject!.metadata.namespace,
      scalerMetadata: trigger.metadata,
    };
    expect(
      await ok(
        unary(client, 'GetMetrics', { scaledObjectRef: request, metricName: 's0-costscale_replicas' }),
      ),
    ).toEqual({
      metricValues: [{ metricName: 's0-costscale_replicas', metricValue: 4, metricValueFloat: 4 }],
    });
  } finally {
    client.close();
    await scaler.close();
  }
});
