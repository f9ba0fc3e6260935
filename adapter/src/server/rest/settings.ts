import { z } from 'zod';

// Settings of the REST API. Proposed as `server.rest` in the configuration schema; until it is there,
// the API reads the section defensively (see restSettingsFrom) and runs on these defaults.

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const tokenRoleSchema = z.union([
  z.strictObject({ user: z.string().min(1), role: z.enum(ROLES) }),
  z.strictObject({ group: z.string().min(1), role: z.enum(ROLES) }),
]);

export const restSettingsSchema = z.strictObject({
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(256 * 1024)
    .describe('larger request bodies are refused with 413'),
  rateLimit: z
    .strictObject({
      requestsPerSecond: z.number().positive().default(20),
      burst: z.int().min(1).default(100),
      failedAuthPerSecond: z.number().positive().default(1),
      failedAuthBurst: z.int().min(1).default(20),
    })
    .default({ requestsPerSecond: 20, burst: 100, failedAuthPerSecond: 1, failedAuthBurst: 20 })
    .describe('token bucket per API key or Kubernetes user; failed authentications per client address'),
  cors: z
    .strictObject({ allowedOrigins: z.array(z.string().min(1)).default([]) })
    .default({ allowedOrigins: [] })
    .describe('CORS is off unless origins are listed (Grafana calls through its plugin proxy, not CORS)'),
  tokenRoles: z
    .array(tokenRoleSchema)
    .default([])
    .describe(
      'Kubernetes users or groups (authenticated by TokenReview) and the role each gets; the highest match wins',
    ),
});

export type RestSettings = z.infer<typeof restSettingsSchema>;
export type TokenRoleRule = z.infer<typeof tokenRoleSchema>;

export const DEFAULT_REST_SETTINGS: RestSettings = restSettingsSchema.parse({});

/**
 * The REST settings from a configuration's `server.rest`, which the configuration schema may not know
 * yet: absent ⇒ defaults; invalid ⇒ defaults and the problem, for the caller to log.
 */
export function restSettingsFrom(server: unknown): { settings: RestSettings; problem?: string } {
  const section = (server as { rest?: unknown } | undefined)?.rest;
  if (section === undefined) return { settings: DEFAULT_REST_SETTINGS };
  const parsed = restSettingsSchema.safeParse(section);
  if (parsed.success) return { settings: parsed.data };
  const problem = parsed.error.issues
    .map(
      (i) =>
        `server.rest${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`,
    )
    .join('; ');
  return { settings: DEFAULT_REST_SETTINGS, problem };
}
