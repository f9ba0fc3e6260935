import { parentPort } from 'node:worker_threads';
import { recommendWorkload } from '../recommend/recommend';
import type { WorkloadInput } from '../recommend/types';

// The recommenders in a worker thread (see offThread.ts): one workload per message, answered with
// its recommendations or the error that stopped them.

parentPort?.on('message', (message: { id: number; input: WorkloadInput }) => {
  try {
    parentPort?.postMessage({ id: message.id, result: recommendWorkload(message.input) });
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: (err as Error).message });
  }
});
