import { setFlagsFromString } from 'node:v8';

// How far V8 lets the old generation grow past what its last full collection kept before it collects
// again. By default V8 picks the factor from its collection and allocation speeds, up to 4× for a heap
// that may grow past 1 GiB (heap/memory-controller.cc). A tick's outputs (snapshot entries, decision
// records; their explanations are now rendered on request) live for a tick, outlive the scavenges and
// are promoted: at 10,000 forecasting policies about 120 MiB a tick (before the explanations left the
// tick), so the old generation grew to 4-5× the retained heap
// before each full collection (issue 16: steady RSS 1.3 GiB against 0.28 GiB retained). A fixed
// factor of 1.25 bounds that, for a full collection every tick or two (a few hundred ms at 10,000).

/** The old generation may grow this many percent past the live heap between full collections. */
export const HEAP_GROWING_PERCENT = 25;

/**
 * Sets V8's heap growing factor for this process, unless `execArgv` already sets one (a node
 * option: NODE_OPTIONS does not accept it).
 */
export function boundHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return;
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
