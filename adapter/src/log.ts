import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; children carry policy/request context as fields. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'costscale' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
