// A pino logger that keeps each line's message, so a test can wait for what a component reports
// (a reload, a refusal) instead of polling against a deadline: the wait is bounded by jest's timeout.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface CapturedLog {
  logger: Logger;
  /** Every message logged so far, in order. */
  messages: string[];
  /** How many times `msg` was logged. */
  count(msg: string): number;
  /** Resolves once `msg` has been logged more than `before` times. */
  logged(msg: string, before: number): Promise<void>;
}

export function capturedLog(level: pino.Level = 'info'): CapturedLog {
  const messages: string[] = [];
  const waiters: Array<() => void> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      messages.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      for (const wake of waiters.splice(0)) wake();
      done();
    },
  });
  const count = (msg: string): number => messages.filter((m) => m === msg).length;
  return {
    logger: pino({ level }, stream),
    messages,
    count,
    async logged(msg, before) {
      while (count(msg) <= before) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}
