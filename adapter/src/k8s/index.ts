// Pure Kubernetes formats (no I/O): resource.Quantity and label selectors.
export { canonicalQuantity, formatQuantity, parseQuantity } from './quantity';
export { parseLabelSelector } from './label-selector';
export type { LabelOperator, LabelRequirement, LabelSelector } from './label-selector';
