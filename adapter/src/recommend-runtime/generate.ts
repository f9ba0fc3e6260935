import type { Policy } from '../config/schema';
import { policyKey } from '../config/policyIdentity';
import { collectWorkload, recommendationPrices, type CollectOptions } from './collect';
import { createRecommender } from './offThread';
import type { WorkloadRecommendations } from '../recommend/types';

// Recommendations for the configured policies: each policy's history is read from Prometheus and run
// through the recommenders (off the event loop where a compiled worker exists), one policy at a time.

export interface PolicyRecommendations extends WorkloadRecommendations {
  readonly warnings: readonly string[];
  /** Set when the policy's inputs could not be read; it then has no recommendations. */
  readonly error?: string;
}

export interface GenerationOptions extends CollectOptions {
  /** Only these policies (namespace/name); all when absent. */
  readonly only?: ReadonlySet<string>;
}

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
  const recommender = createRecommender();
  try {
    for (const policy of wanted) {
      try {
        const { input, warnings } = await collectWorkload(policy, options, prices);
        policies.push({ ...(await recommender.recommend(input)), warnings });
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
  } finally {
    await recommender.close();
  }
  return { policies, priceWarnings };
}
