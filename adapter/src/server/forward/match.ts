import type { ForwardTarget } from '../../config/forwardSettings';
import type { LabelSelector } from '../../k8s';

// Which upstream provider gets a value-list request for a metric costscale does not own. Pure: the
// configured targets, the metric name as requested (client-go lower-cases it) and the parsed selector.

/** The label KEDA's metrics server selects its ScaledObject by (keda.md §4). */
export const KEDA_SCALED_OBJECT_LABEL = 'scaledobject.keda.sh/name';
// KEDA names its metrics s<trigger index>-<scaler name>[-<more>] (keda.md §4).
const KEDA_METRIC_NAME = /^s[0-9]+-[a-z0-9]/;

export interface ForwardRule {
  readonly upstream: string;
  readonly matches: (metric: string, selector: LabelSelector) => boolean;
}

export function compileForwardRules(targets: readonly ForwardTarget[]): readonly ForwardRule[] {
  return targets.map((target): ForwardRule => {
    if (target.metricNames !== undefined) {
      const names = new Set(target.metricNames.map((n) => n.toLowerCase()));
      return { upstream: target.name, matches: (metric) => names.has(metric) };
    }
    if (target.pattern !== undefined) {
      const pattern = new RegExp(`^(?:${target.pattern})$`);
      return { upstream: target.name, matches: (metric) => pattern.test(metric) };
    }
    return { upstream: target.name, matches: isKedaRequest };
  });
}

/** KEDA's metrics server answers s<index>-<scaler> names only with its ScaledObject selector. */
export function isKedaRequest(metric: string, selector: LabelSelector): boolean {
  return (
    KEDA_METRIC_NAME.test(metric) &&
    selector.requirements.some(
      (r) =>
        r.key === KEDA_SCALED_OBJECT_LABEL &&
        (r.operator === '=' || r.operator === '==' || r.operator === 'in'),
    )
  );
}

/** The first rule's upstream that takes the (lower-cased) metric under the selector. */
export function chooseUpstream(
  rules: readonly ForwardRule[],
  metric: string,
  selector: LabelSelector,
): string | undefined {
  return rules.find((rule) => rule.matches(metric, selector))?.upstream;
}

/** Discovery's union: costscale's resources first, then each upstream's new names in order. */
export function unionOfResources(
  own: readonly string[],
  upstreams: readonly (readonly string[])[],
): string[] {
  const names = new Set(own);
  for (const list of upstreams) for (const name of list) names.add(name);
  return [...names];
}
