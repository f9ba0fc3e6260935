import { readFileSync, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { extname, join, normalize, sep } from 'node:path';

// The server side of Grafana that the app plugin relies on, for the browser end-to-end test: the
// plugin's files under /public/plugins/<id>/, its settings API (/api/plugins/<id>/settings) and its
// proxy routes (/api/plugin-proxy/<id>/…), which follow Grafana's rules (specs/grafana-plugin.md §3):
// routes from dist/plugin.json matched in order by method and router pattern ("api/*" forwards the
// rest of the path), `{{ .JsonData.x }}` / `{{ .SecureJsonData.y }}` rendered into url and headers
// (a missing key renders as "<no value>"), reqRole checked against the signed-in user, the
// browser's Authorization header never forwarded. Everything else serves the harness page.

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

interface Route {
  path: string;
  method?: string;
  reqRole?: OrgRole;
  url?: string;
  headers?: Array<{ name: string; content: string }>;
}

export interface ProxiedRequest {
  readonly method: string;
  /** The path after /api/plugin-proxy/<id>/, with its query. */
  readonly path: string;
  readonly status: number;
}

export interface GrafanaStandIn {
  readonly url: string;
  /** Every request through the plugin proxy, in order. */
  readonly proxied: ProxiedRequest[];
  /** Bodies POSTed to the settings API, in order. */
  readonly settingsPosts: unknown[];
  /** The role of the signed-in user (Admin unless changed). */
  role: OrgRole;
  close(): Promise<void>;
}

export interface StandInOptions {
  readonly pluginId: string;
  /** The built plugin (grafana-plugin/dist). */
  readonly distDir: string;
  /** The harness page and its bundle (grafana-plugin/harness). */
  readonly harnessDir: string;
  /** CA certificate(s) Grafana's server trusts when the proxy calls HTTPS URLs. */
  readonly ca?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.md': 'text/markdown; charset=utf-8',
};

const ROLE_RANK: Record<OrgRole, number> = { Viewer: 0, Editor: 1, Admin: 2 };

/** Go text/template's field lookups, the only template syntax plugin routes use. */
export function renderRouteTemplate(
  template: string,
  jsonData: Record<string, unknown>,
  secureJsonData: Record<string, string>,
): string {
  return template.replace(
    /\{\{\s*\.(JsonData|SecureJsonData)\.([A-Za-z0-9_]+)\s*\}\}/g,
    (_m, scope: string, key: string) => {
      const value = scope === 'JsonData' ? jsonData[key] : secureJsonData[key];
      return value === undefined || value === null ? '<no value>' : String(value);
    },
  );
}

/** The first route whose method and router pattern match (`p/*` matches below p; `p` only p itself). */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; rest: string } | undefined {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) continue;
    if (route.path.endsWith('/*')) {
      const prefix = route.path.slice(0, -1);
      if (path.startsWith(prefix)) return { route, rest: path.slice(prefix.length) };
    } else if (path === route.path) {
      return { route, rest: '' };
    }
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendFile(res: ServerResponse, root: string, relativePath: string): void {
  const file = normalize(join(root, relativePath));
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${relativePath}`);
    return;
  }
  res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}

export async function startGrafanaStandIn(options: StandInOptions): Promise<GrafanaStandIn> {
  const { pluginId } = options;
  const routes =
    (JSON.parse(readFileSync(join(options.distDir, 'plugin.json'), 'utf8')) as { routes?: Route[] }).routes ??
    [];
  const settings = { enabled: true, pinned: true, jsonData: {} as Record<string, unknown> };
  const secureJsonData: Record<string, string> = {};
  const proxied: ProxiedRequest[] = [];
  const settingsPosts: unknown[] = [];
  const state = { role: 'Admin' as OrgRole };

  async function proxy(req: IncomingMessage, res: ServerResponse, pathWithQuery: string): Promise<void> {
    const method = req.method ?? 'GET';
    const [path = '', query] = pathWithQuery.split('?', 2);
    const record = (status: number) => proxied.push({ method, path: pathWithQuery, status });
    const match = matchRoute(routes, method, path);
    if (!match) {
      record(404);
      sendJson(res, 404, { message: 'Not found' });
      return;
    }
    if (match.route.reqRole && ROLE_RANK[state.role] < ROLE_RANK[match.route.reqRole]) {
      record(403);
      sendJson(res, 403, { message: 'Permission denied' });
      return;
    }
    let target: URL;
    try {
      target = new URL(renderRouteTemplate(match.route.url ?? '', settings.jsonData, secureJsonData));
    } catch {
      record(502);
      sendJson(res, 502, {
        message: 'Bad Gateway: the route URL is not valid (is the adapter URL configured?)',
      });
      return;
    }
    target.pathname = `${target.pathname.replace(/\/$/, '')}/${match.rest}`;
    if (query) target.search = query;
    const headers: Record<string, string> = { Accept: req.headers.accept ?? 'application/json' };
    if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
    for (const h of match.route.headers ?? []) {
      headers[h.name] = renderRouteTemplate(h.content, settings.jsonData, secureJsonData);
    }
    const body = await readBody(req);
    await new Promise<void>((resolve) => {
      const upstream = httpsRequest(
        target,
        {
          method,
          headers: { ...headers, 'Content-Length': String(body.length) },
          ...(options.ca && { ca: options.ca }),
        },
        (answer) => {
          const status = answer.statusCode ?? 502;
          record(status);
          res.writeHead(status, {
            'Content-Type': answer.headers['content-type'] ?? 'application/json',
          });
          answer.pipe(res);
          answer.on('end', resolve);
        },
      );
      upstream.on('error', (err) => {
        record(502);
        sendJson(res, 502, { message: `Bad Gateway: ${err.message}` });
        resolve();
      });
      upstream.end(body);
    });
  }

  async function settingsApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString() || '{}') as {
        enabled?: unknown;
        pinned?: unknown;
        jsonData?: Record<string, unknown>;
        secureJsonData?: Record<string, string>;
      };
      settingsPosts.push(body);
      // Grafana's DTO has plain booleans: an omitted one is false.
      settings.enabled = body.enabled === true;
      settings.pinned = body.pinned === true;
      settings.jsonData = body.jsonData ?? {};
      Object.assign(secureJsonData, body.secureJsonData ?? {});
      sendJson(res, 200, { message: 'Plugin settings updated' });
      return;
    }
    sendJson(res, 200, {
      id: pluginId,
      ...settings,
      secureJsonFields: Object.fromEntries(
        Object.keys(secureJsonData).map((k) => [k, secureJsonData[k] !== '']),
      ),
    });
  }

  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const pathOnly = url.split('?')[0]!;
    const proxyPrefix = `/api/plugin-proxy/${pluginId}/`;
    const handle = async () => {
      if (url.startsWith(proxyPrefix)) return proxy(req, res, url.slice(proxyPrefix.length));
      if (pathOnly === `/api/plugins/${pluginId}/settings`) return settingsApi(req, res);
      if (pathOnly.startsWith(`/public/plugins/${pluginId}/`)) {
        return sendFile(res, options.distDir, pathOnly.slice(`/public/plugins/${pluginId}/`.length));
      }
      if (pathOnly.startsWith('/harness/'))
        return sendFile(res, join(options.harnessDir, 'dist'), pathOnly.slice(9));
      if (pathOnly === '/favicon.ico') return void res.writeHead(204).end();
      return sendFile(res, options.harnessDir, 'index.html');
    };
    handle().catch((err: Error) => sendJson(res, 500, { message: err.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    proxied,
    settingsPosts,
    get role() {
      return state.role;
    },
    set role(r: OrgRole) {
      state.role = r;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
