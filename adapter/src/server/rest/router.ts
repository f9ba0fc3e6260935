import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { Principal } from './auth';
import type { Role } from '../../config/roles';

// The route table: each route names its method, path template, the role it needs, the schemas of its
// parameters, query, body and answers, and its handler. The request loop, the OpenAPI document and
// the tests all read this one table.

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The body as sent (before defaults), for storing specs as given. */
  readonly rawBody: unknown;
  readonly principal: Principal;
  readonly req: IncomingMessage;
  /** Epoch ms at which the request is handled. */
  readonly now: number;
}

export interface Reply {
  readonly status: number;
  /** Omitted for 204. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: Method;
  /** `/api/v1/policies/{namespace}/{name}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly role: Role;
  readonly params: z.ZodType;
  readonly query: z.ZodType;
  /** Absent: the route takes no body. */
  readonly body?: z.ZodType;
  /** Component name of the request body schema in the OpenAPI document. */
  readonly bodyComponent?: string;
  /** The success answer: status and component name of its schema (none for 204). */
  readonly success: { readonly status: number; readonly component?: string; readonly description: string };
  /** Problem statuses the route may answer besides the common ones (400, 401, 403, 429). */
  readonly problems: readonly number[];
  readonly handler: (ctx: RequestContext<unknown, unknown, unknown>) => Promise<Reply>;
}

/** Declares a route with its handler typed by its schemas. */
export function route<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType | undefined = undefined,
>(r: {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  role: Role;
  params: P;
  query: Q;
  body?: B;
  bodyComponent?: string;
  success: Route['success'];
  problems?: readonly number[];
  handler: (
    ctx: RequestContext<z.output<P>, z.output<Q>, B extends z.ZodType ? z.output<B> : undefined>,
  ) => Promise<Reply>;
}): Route {
  return { ...r, problems: r.problems ?? [], handler: r.handler as Route['handler'] };
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly Method[] }
  | { readonly kind: 'not-found' };

/** Matches decoded request paths against the table; a template segment `{x}` matches one segment. */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const param = /^\{([A-Za-z]+)\}$/.exec(segment);
          if (param === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { route, pattern: new RegExp(`^${source}$`), names };
    });
  }

  /** `rawPath` is the URL path as sent (percent-encoded); segments are decoded after splitting. */
  match(method: string, rawPath: string): RouteMatch {
    const allow: Method[] = [];
    for (const c of this.compiled) {
      const m = c.pattern.exec(rawPath);
      if (m === null) continue;
      if (c.route.method !== method) {
        allow.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < c.names.length; i++) {
        const raw = m[i + 1]!;
        let value: string;
        try {
          value = decodeURIComponent(raw);
        } catch {
          value = raw;
        }
        params[c.names[i]!] = value;
      }
      return { kind: 'found', route: c.route, params };
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}
