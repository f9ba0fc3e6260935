import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { recommendWorkload } from '../recommend/recommend';
import type { WorkloadInput, WorkloadRecommendations } from '../recommend/types';

// The recommenders simulate each workload's history several times — about a second of CPU per policy
// over a week at a 60 s sync — so the service runs them in a worker thread, where they cannot delay
// the External Metrics API. From TypeScript sources (tests), where there is no compiled worker, they
// run in this thread, one workload per turn of the event loop.

export interface WorkloadRecommender {
  recommend(input: WorkloadInput): Promise<WorkloadRecommendations>;
  close(): Promise<void>;
}

const WORKER_FILE = join(__dirname, 'recommendWorker.js');

function inThread(): WorkloadRecommender {
  return {
    recommend: async (input) => {
      await new Promise((resolve) => setImmediate(resolve));
      return recommendWorkload(input);
    },
    close: async () => undefined,
  };
}

export function createRecommender(workerFile = WORKER_FILE): WorkloadRecommender {
  if (!existsSync(workerFile)) return inThread();
  const worker = new Worker(workerFile);
  worker.unref();
  const pending = new Map<
    number,
    { resolve: (r: WorkloadRecommendations) => void; reject: (e: Error) => void }
  >();
  let next = 0;
  let failure: Error | undefined;
  const failAll = (err: Error): void => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: { id: number; result?: WorkloadRecommendations; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.result as WorkloadRecommendations);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the recommendation worker exited (code ${code})`)));
  return {
    recommend: (input) =>
      new Promise<WorkloadRecommendations>((resolve, reject) => {
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        const id = next++;
        pending.set(id, { resolve, reject });
        // Referenced while it works, so a command waiting for it does not exit.
        worker.ref();
        worker.postMessage({ id, input });
      }).finally(() => {
        if (pending.size === 0) worker.unref();
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
