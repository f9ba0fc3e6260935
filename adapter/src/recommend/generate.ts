import type { Policy } from '../config/schema';
import { policyKey } from '../engine/queries';
import { collectWorkload, recommendationPrices, type CollectOptions } from './collect';
import { recommendWorkload } from './recommend';
import type { WorkloadRecommendations } from './types';

// Recommendations for the configured policies: each policy's history is read from Prometheus and run
// through the recommenders, one policy at a time with a turn of the event loop in between, so serving
// is never held up for longer than one policy's simulations.

export interface PolicyRecommendations extends WorkloadRecommendations {
  readonly warnings: readonly string[];
  /** Set when the policy's inputs could not be read; it then has no recommendations. */
  readonly error?: string;
}

export interface GenerationOptions extends CollectOptions {
  /** Only these policies (namespace/name); all when absent. */
  readonly only?: ReadonlySet<string>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function generateRecommendations(options: GenerationOptions): Promise<{
  readonly policies: PolicyRecommendations[];
  readonly priceWarnings: readonly string[];
}> {
  const { config } = options;
  const { prices, warnings: priceWarnings } = await recommendationPrices(
    config,
    options.backends,
    options.now,
  );
  const policies: PolicyRecommendations[] = [];
  const wanted = config.policies.filter(
    (p: Policy) => options.only === undefined || options.only.has(policyKey(p)),
  );
  for (const policy of wanted) {
    try {
      const { input, warnings } = await collectWorkload(policy, options, prices);
      await nextTurn();
      policies.push({ ...recommendWorkload(input), warnings });
    } catch (err) {
      policies.push({
        namespace: policy.namespace,
        policy: policy.name,
        offered: [],
        rejected: [],
        notes: {},
        warnings: [],
        error: (err as Error).message,
      });
    }
  }
  return { policies, priceWarnings };
}
