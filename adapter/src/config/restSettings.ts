import { z } from 'zod';
import { ROLES } from './roles';

// Settings of the REST API: the configuration's `server.rest` section.

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
    .describe(
      'token bucket per API key or Kubernetes user; failed authentications per client address and credential',
    ),
  cors: z
    .strictObject({ allowedOrigins: z.array(z.string().min(1)).default([]) })
    .default({ allowedOrigins: [] })
    .describe('CORS is off unless origins are listed (Grafana calls through its plugin proxy, not CORS)'),
  apiKeyHeader: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('X-API-KEY')
    .describe(
      "a header that may carry an API key instead of Authorization: Bearer (KEDA's apiKey authMode; its keyParamName)",
    ),
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
