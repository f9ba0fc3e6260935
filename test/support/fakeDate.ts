// Fakes only Date, advancing with real time, so a test can put a request exactly inside or past a
// staleness bound while timeouts, the engine's timers and the servers run on real time.
const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

export function fakeDateOnly(): void {
  jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], advanceTimers: true });
}
