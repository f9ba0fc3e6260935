import { z } from 'zod';

// Settings of the KEDA external scaler over gRPC: the configuration's `server.keda` section.

const kedaTlsSchema = z
  .strictObject({
    certFile: z.string().min(1).describe('PEM serving certificate (with its chain)'),
    keyFile: z.string().min(1).describe('PEM private key of certFile'),
    clientCAFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "mutual TLS: client certificates are required and verified against this PEM bundle (KEDA's TriggerAuthentication tlsClientCert/tlsClientKey)",
      ),
  })
  .describe('without tls the scaler speaks plaintext gRPC, as KEDA does unless enableTLS is set');

export const kedaGrpcSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  host: z.string().optional().describe('listen address (default: server.host)'),
  port: z.int().min(0).max(65535).default(6000).describe('the scalerAddress port KEDA dials'),
  tls: kedaTlsSchema.optional(),
});

export const kedaSettingsSchema = z.strictObject({
  grpc: kedaGrpcSettingsSchema
    .default({ enabled: false, port: 6000 })
    .describe('KEDA external scaler (trigger types external and external-push)'),
});

export type KedaSettings = z.infer<typeof kedaSettingsSchema>;
export type KedaGrpcSettings = z.infer<typeof kedaGrpcSettingsSchema>;

export const DEFAULT_KEDA_SETTINGS: KedaSettings = kedaSettingsSchema.parse({});

/** The section with its file paths made absolute by `abs` (relative to the config file). */
export function resolveKedaPaths(keda: KedaSettings, abs: (p: string) => string): KedaSettings {
  const tls = keda.grpc.tls;
  if (tls === undefined) return keda;
  return {
    ...keda,
    grpc: {
      ...keda.grpc,
      tls: {
        certFile: abs(tls.certFile),
        keyFile: abs(tls.keyFile),
        ...(tls.clientCAFile !== undefined && { clientCAFile: abs(tls.clientCAFile) }),
      },
    },
  };
}
