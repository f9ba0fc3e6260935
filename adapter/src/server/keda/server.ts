import type { SecureContextOptions } from 'node:tls';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { KedaGrpcSettings } from '../../config/kedaSettings';
import type { Snapshot, SnapshotFeed } from '../../snapshot/snapshot';
import { fileCertificateAuthorities, fileServingCertificate } from '../tls';
import {
  isActive,
  metricSpecs,
  metricValues,
  parseTrigger,
  triggerValue,
  type Answer,
  type MetricSpec,
  type ScaledObjectRef,
  type ScalerError,
  type Trigger,
} from './answers';
import { loadExternalScaler } from './proto';

// KEDA's external scaler over gRPC (KEDA spec §2; kedacore/keda pkg/scalers/external_scaler.go is the
// client): unary answers from the current snapshot, and streams that push when a publish, or time
// making a value stale, changes what they say. Serving reads only the snapshot, so no RPC waits on
// Prometheus. The TLS certificate and the client CA bundle are re-read when their files change.

export type KedaMethod = 'IsActive' | 'StreamIsActive' | 'GetMetricSpec' | 'GetMetrics' | 'StreamMetricSpec';

/** What the scaler reports to telemetry: each finished call by method and gRPC code, open streams. */
export interface KedaObserver {
  call(method: KedaMethod, code: status): void;
  streams(method: KedaMethod, delta: 1 | -1): void;
}

export interface KedaScalerOptions {
  readonly snapshot: SnapshotFeed;
  readonly settings: Pick<KedaGrpcSettings, 'tls'>;
  /** Values older than this are an UNAVAILABLE error (ARCHITECTURE.md §6). */
  readonly stalenessMs: number;
  readonly now?: () => number;
  /** How often open streams re-check their value's freshness between publishes (default 1 s). */
  readonly freshnessCheckMs?: number;
  /** How often the TLS certificate files are checked for changes (default 10 s). */
  readonly tlsReloadIntervalMs?: number;
  readonly observer?: KedaObserver;
  readonly logger?: Logger;
}

export interface KedaScaler {
  /** Binds and serves; resolves to the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Ends open streams with UNAVAILABLE (KEDA reconnects, to another replica) and stops. */
  close(): Promise<void>;
}

interface OpenStream {
  /** Called with each published snapshot. */
  readonly update: (snapshot: Snapshot | undefined) => void;
  readonly end: (error: ScalerError) => void;
}

const SHUTTING_DOWN: ScalerError = { code: status.UNAVAILABLE, details: 'costscale is shutting down' };

export async function createKedaScaler(options: KedaScalerOptions): Promise<KedaScaler> {
  const { snapshot: feed, stalenessMs, observer, logger } = options;
  const now = options.now ?? Date.now;
  const credentials = await serverCredentials(
    options.settings.tls,
    options.tlsReloadIntervalMs ?? 10_000,
    logger,
  );
  const server = new Server();
  const streams = new Set<OpenStream>();
  // Runs inside the engine's publish: one broken stream must neither stop the others nor the engine.
  const updateAll = (next: Snapshot | undefined): void => {
    for (const stream of streams) {
      try {
        stream.update(next);
      } catch (error) {
        logger?.warn({ err: (error as Error).message }, 'KEDA stream update failed');
        stream.end({ code: status.INTERNAL, details: (error as Error).message });
      }
    }
  };
  const unsubscribe = feed.subscribe(updateAll);
  // Values go stale with time, not with a publish (the engine may have stopped publishing): open
  // streams re-render the current snapshot on this clock too.
  const freshness = setInterval(() => {
    if (streams.size > 0) updateAll(feed.current());
  }, options.freshnessCheckMs ?? 1_000);
  freshness.unref();

  /** A unary RPC: parse the trigger, answer, count the outcome. */
  function unary<Req, Res>(
    method: KedaMethod,
    refOf: (request: Req) => ScaledObjectRef | undefined,
    answer: (trigger: Trigger, request: Req) => Answer<Res>,
  ) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const trigger = parseTrigger(refOf(call.request));
      const result = trigger.ok ? answer(trigger.value, call.request) : trigger;
      if (result.ok) {
        observer?.call(method, status.OK);
        callback(null, result.value);
      } else {
        observer?.call(method, result.error.code);
        logger?.debug(
          { method, code: status[result.error.code], details: result.error.details },
          'KEDA call failed',
        );
        callback(result.error);
      }
    };
  }

  /**
   * A server stream: `render` makes the message for a snapshot and a key of what it says; the message
   * is sent once servable and then whenever the key changes. A policy that is not there or ambiguous
   * ends the stream with its status. A value that cannot be served now (stale, missing) ends a stream
   * that has sent one with UNAVAILABLE, as the unary calls answer, so KEDA learns at once rather than
   * at its next poll; a stream opened then waits silently and sends the state as soon as it is
   * servable again — KEDA reconnects with a growing backoff (2 s to 1 min, kedacore/keda
   * pkg/scalers/external_scaler.go runStreamIsActive), so ending it again would delay that push.
   */
  function stream<Res>(
    method: KedaMethod,
    render: (trigger: Trigger, snapshot: Snapshot | undefined) => Answer<{ message: Res; key: string }>,
  ) {
    return (call: ServerWritableStream<ScaledObjectRef, Res>): void => {
      const trigger = parseTrigger(call.request);
      if (!trigger.ok) {
        observer?.call(method, trigger.error.code);
        call.emit('error', trigger.error);
        return;
      }
      let last: string | undefined;
      let open = true;
      const close = (code: status): void => {
        open = false;
        streams.delete(entry);
        observer?.streams(method, -1);
        observer?.call(method, code);
      };
      const entry: OpenStream = {
        update: (snapshot) => {
          const rendered = render(trigger.value, snapshot);
          if (!rendered.ok) {
            if (rendered.error.code !== status.UNAVAILABLE || last !== undefined) entry.end(rendered.error);
            return;
          }
          if (rendered.value.key === last) return;
          last = rendered.value.key;
          call.write(rendered.value.message);
        },
        end: (error) => {
          if (!open) return;
          close(error.code);
          call.emit('error', error);
        },
      };
      streams.add(entry);
      observer?.streams(method, 1);
      call.on('cancelled', () => {
        if (open) close(status.CANCELLED);
      });
      entry.update(feed.current());
    };
  }

  const current = (): Snapshot | undefined => feed.current();
  const implementation: UntypedServiceImplementation = {
    IsActive: unary<ScaledObjectRef, { result: boolean }>(
      'IsActive',
      (ref) => ref,
      (trigger) => mapAnswer(isActive(current(), trigger, now(), stalenessMs), (result) => ({ result })),
    ),
    GetMetricSpec: unary<ScaledObjectRef, { metricSpecs: MetricSpec[] }>(
      'GetMetricSpec',
      (ref) => ref,
      (trigger) => mapAnswer(metricSpecs(current(), trigger), (specs) => ({ metricSpecs: specs })),
    ),
    GetMetrics: unary<{ scaledObjectRef?: ScaledObjectRef; metricName: string }, { metricValues: unknown[] }>(
      'GetMetrics',
      (request) => request.scaledObjectRef,
      (trigger, request) =>
        mapAnswer(metricValues(current(), trigger, request.metricName, now(), stalenessMs), (values) => ({
          metricValues: values,
        })),
    ),
    // Pushes on every change of the decided replica count (not only of activity), so KEDA runs its
    // scale loop as soon as costscale decides rather than at its next pollingInterval.
    StreamIsActive: stream<{ result: boolean }>('StreamIsActive', (trigger, snapshot) =>
      mapAnswer(triggerValue(snapshot, trigger.activity, now(), stalenessMs), (replicas) => ({
        message: { result: replicas > 0 },
        key: String(replicas),
      })),
    ),
    StreamMetricSpec: stream<{ metricSpecs: MetricSpec[] }>('StreamMetricSpec', (trigger, snapshot) =>
      mapAnswer(metricSpecs(snapshot, trigger), (specs) => ({
        message: { metricSpecs: specs },
        key: JSON.stringify(specs),
      })),
    ),
  };
  server.addService(loadExternalScaler().service, implementation);

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.bindAsync(
          `${host.includes(':') ? `[${host}]` : host}:${port}`,
          credentials.credentials,
          (error, bound) => (error === null ? resolve(bound) : reject(error)),
        );
      }),
    close: async () => {
      unsubscribe();
      clearInterval(freshness);
      credentials.close();
      for (const entry of [...streams]) entry.end(SHUTTING_DOWN);
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}

function mapAnswer<T, U>(answer: Answer<T>, map: (value: T) => U): Answer<U> {
  return answer.ok ? { ok: true, value: map(answer.value) } : answer;
}

/**
 * TLS credentials whose certificate can change: grpc-js applies each update to its listening servers
 * (setSecureContext), so new connections get the new certificate and open ones keep theirs.
 */
class ReloadableServerCredentials extends ServerCredentials {
  constructor(requestCert: boolean, context: SecureContextOptions) {
    super({ requestCert, rejectUnauthorized: requestCert }, context);
  }

  update(context: SecureContextOptions): void {
    this.updateSecureContextOptions(context);
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

/**
 * Plaintext without tls; with clientCAFile, client certificates are required (mutual TLS). The
 * cert/key files and the client CA bundle are watched as the REST server's certificate is (tls.ts):
 * new connections are served and verified with what the files hold now.
 */
async function serverCredentials(
  tls: KedaGrpcSettings['tls'],
  reloadIntervalMs: number,
  logger: Logger | undefined,
): Promise<{ readonly credentials: ServerCredentials; close(): void }> {
  if (tls === undefined) return { credentials: ServerCredentials.createInsecure(), close: () => undefined };
  const [certificate, clientCA] = await Promise.all([
    fileServingCertificate(tls.certFile, tls.keyFile, reloadIntervalMs, logger),
    tls.clientCAFile === undefined
      ? Promise.resolve(undefined)
      : fileCertificateAuthorities(tls.clientCAFile, reloadIntervalMs, logger),
  ]);
  const context = (): SecureContextOptions => ({
    ...certificate.current(),
    ...(clientCA !== undefined && { ca: clientCA.current() }),
  });
  const credentials = new ReloadableServerCredentials(clientCA !== undefined, context());
  certificate.onChange(() => credentials.update(context()));
  clientCA?.onChange(() => credentials.update(context()));
  return {
    credentials,
    close: () => {
      certificate.close();
      clientCA?.close();
    },
  };
}
