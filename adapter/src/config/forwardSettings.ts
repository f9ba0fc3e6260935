import { z } from 'zod';

// `server.forward`: other External Metrics providers (KEDA's metrics server, prometheus-adapter) that
// receive the metric names costscale does not own, so that installing costscale's APIService for
// external.metrics.k8s.io/v1beta1 breaks none of their HPAs and ScaledObjects (keda.md §1).

const forwardTlsSchema = z
  .strictObject({
    caFile: z.string().optional().describe("PEM bundle that verifies the upstream's serving certificate"),
    certFile: z
      .string()
      .optional()
      .describe(
        "costscale's client certificate, one the upstream trusts for front-proxy headers (its requestheader client CA and allowed names)",
      ),
    keyFile: z.string().optional(),
    serverName: z.string().optional().describe('verification name override, e.g. <service>.<namespace>.svc'),
    insecureSkipVerify: z.boolean().default(false),
  })
  .refine((t) => Boolean(t.certFile) === Boolean(t.keyFile), {
    message: 'certFile and keyFile must be given together',
  });

export const forwardTargetSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label')
      .describe('names the upstream in logs and metrics'),
    url: z.url().describe('base URL of the upstream External Metrics server (https://…, no path)'),
    tls: forwardTlsSchema.default({ insecureSkipVerify: false }),
    timeoutSeconds: z.number().positive().max(60).default(10),
    metricNames: z.array(z.string().min(1)).min(1).optional().describe('forwarded metric names'),
    pattern: z
      .string()
      .min(1)
      .refine(
        (p) => {
          try {
            new RegExp(p);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'must be a regular expression' },
      )
      .optional()
      .describe('forwarded metric names: a regular expression the whole (lower-cased) name matches'),
    kedaScaledObjects: z
      .literal(true)
      .optional()
      .describe(
        "KEDA's metrics: names s<index>-<scaler> asked for with a scaledobject.keda.sh/name label selector",
      ),
  })
  .refine(
    (t) => [t.metricNames, t.pattern, t.kedaScaledObjects].filter((m) => m !== undefined).length === 1,
    {
      message: 'give exactly one of metricNames, pattern, kedaScaledObjects',
    },
  );

export const forwardSettingsSchema = z
  .array(forwardTargetSchema)
  .default([])
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      if (seen.has(t.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'names must be unique' });
      seen.add(t.name);
    });
  })
  .describe(
    'upstream External Metrics providers for metric names costscale does not own; the first that matches gets the request',
  );

export type ForwardTarget = z.infer<typeof forwardTargetSchema>;
