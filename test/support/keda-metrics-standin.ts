import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';

// A stand-in for KEDA's metrics server (keda-operator-metrics-apiserver) following the paths of
// external-metrics-api.md §1.2 and the names of keda.md §4: it serves s<index>-<scaler> metrics to
// requests selecting `scaledobject.keda.sh/name`, lists them in discovery, and, like an aggregated
// server behind kube-aggregator, requires a client certificate from the CA it trusts for front-proxy
// headers. Every request is recorded with the identity it carried.

export interface StandinRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Subject CN of the client certificate the caller presented. */
  readonly clientCN: string | undefined;
}

export interface KedaMetricsStandin {
  readonly url: string;
  readonly requests: StandinRequest[];
  /** Metric values by `<namespace>/<scaledobject>/<metric>`. */
  readonly values: Map<string, string>;
  /** Answers of this status with a Status body for ScaledObjects listed here (KEDA's scaler errors). */
  readonly failing: Map<string, { code: number; message: string }>;
  /** Resource names listed in discovery. */
  resources: string[];
  close(): Promise<void>;
}

const GV = '/apis/external.metrics.k8s.io/v1beta1';

export async function startKedaMetricsStandin(tls: {
  cert: string;
  key: string;
  /** CA of the client certificates allowed to assert identities. */
  clientCA: string;
}): Promise<KedaMetricsStandin> {
  const requests: StandinRequest[] = [];
  const values = new Map<string, string>();
  const failing = new Map<string, { code: number; message: string }>();
  const state = { resources: ['s0-prometheus', 's1-cron'] };
  const server = https.createServer({
    cert: tls.cert,
    key: tls.key,
    ca: tls.clientCA,
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.keepAliveTimeout = 120_000;
  // The client certificate is verified in the handshake; like Go's net/http (r.TLS), read it once per
  // connection rather than per request (getPeerCertificate builds a new object each call).
  const clientCNs = new WeakMap<TLSSocket, string | undefined>();
  const clientCN = (socket: TLSSocket): string | undefined => {
    if (!clientCNs.has(socket)) {
      const cn = socket.getPeerCertificate().subject?.CN;
      clientCNs.set(socket, Array.isArray(cn) ? cn[0] : cn);
    }
    return clientCNs.get(socket);
  };
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'https://standin');
    requests.push({
      path: req.url ?? '/',
      headers: req.headers,
      clientCN: clientCN(req.socket as TLSSocket),
    });
    const send = (code: number, body: unknown): void => {
      const text = `${JSON.stringify(body)}\n`;
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.headers['x-remote-user'] === undefined) {
      send(403, status(403, 'Forbidden', 'forbidden: User "system:anonymous" cannot list resource'));
      return;
    }
    if (url.pathname === GV || url.pathname === `${GV}/`) {
      send(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'external.metrics.k8s.io/v1beta1',
        resources: state.resources.map((name) => ({
          name,
          singularName: '',
          namespaced: true,
          kind: 'ExternalMetricValueList',
          verbs: ['get'],
        })),
      });
      return;
    }
    const match = /^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/([^/]+)$/.exec(
      url.pathname,
    );
    const selector = url.searchParams.get('labelSelector') ?? '';
    const scaledObject = /(?:^|,)scaledobject\.keda\.sh\/name=([^,]+)/.exec(selector)?.[1];
    if (match === null || scaledObject === undefined) {
      send(404, status(404, 'NotFound', `no metric at ${url.pathname}`));
      return;
    }
    const [, namespace, metric] = match;
    const failure = failing.get(scaledObject);
    if (failure !== undefined) {
      send(failure.code, status(failure.code, 'InternalError', failure.message));
      return;
    }
    const value = values.get(`${namespace}/${scaledObject}/${metric}`);
    if (value === undefined) {
      send(404, status(404, 'NotFound', `scaledObject ${scaledObject} has no metric ${metric}`));
      return;
    }
    send(200, {
      kind: 'ExternalMetricValueList',
      apiVersion: 'external.metrics.k8s.io/v1beta1',
      metadata: {},
      items: [
        {
          metricName: metric,
          metricLabels: null,
          timestamp: '2026-12-04T12:00:00Z',
          value,
        },
      ],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const standin = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    values,
    failing,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return Object.defineProperty(standin, 'resources', {
    get: () => state.resources,
    set: (names: string[]) => (state.resources = names),
    enumerable: true,
  }) as KedaMetricsStandin;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
