// The pure decision core: prices, the reactive demand distribution, budgets, schedules, learned
// capacity and decide(). No I/O, no clock.
export type { DemandDistribution } from '../forecast/distribution';
export * from './pricing';
export * from './reactiveDistribution';
export * from './growthHistogram';
export * from './horizon';
export * from './empiricalQuantile';
export * from './budget';
export * from './schedule';
export * from './capacity';
export * from './decide';
export * from './explainDecision';
export * from './wallClock';
export * from './demandLag';
export * from './forecastFloor';
