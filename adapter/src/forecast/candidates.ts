import type { DecompositionSettings, ModelRecipe, RemainderKind } from './models';

const REMAINDERS: RemainderKind[] = ['ses', 'damped', 'theta', 'linear-trend', 'recent-mean'];

/**
 * The candidate pool for a series with the given seasonal periods (ascending). Diversity matters more
 * than any one model: decompositions over all periods and over each alone, with wide and narrow
 * seasonal windows (stable shapes versus shapes that drift), a robust one for series with incidents,
 * each with five models of the deseasonalised level; Holt–Winters on the shortest period; and the
 * seasonal naive forecasts, which win on series whose pattern repeats exactly.
 */
export function candidateRecipes(periods: number[]): ModelRecipe[] {
  const sorted = [...new Set(periods)].filter((p) => p >= 2).sort((a, b) => a - b);
  const shortest = sorted[0];
  const settings: DecompositionSettings[] = [];
  const add = (s: DecompositionSettings): void => {
    const key = JSON.stringify(s);
    if (!settings.some((existing) => JSON.stringify(existing) === key)) settings.push(s);
  };
  if (sorted.length === 0) {
    add({ periods: [], seasonalWindows: [], robust: false });
  } else {
    const wide = sorted.map((_, k) => 7 + 4 * k);
    add({ periods: sorted, seasonalWindows: wide, robust: false });
    add({ periods: sorted, seasonalWindows: wide.map((w, k) => (k === 0 ? 3 : w)), robust: false });
    add({ periods: sorted, seasonalWindows: sorted.map((_, k) => 5 + 2 * k), robust: true });
    if (sorted.length > 1) {
      add({ periods: [sorted[0]!], seasonalWindows: [7], robust: false });
      add({ periods: [sorted[0]!], seasonalWindows: [3], robust: false });
      add({ periods: [sorted[sorted.length - 1]!], seasonalWindows: [5], robust: false });
    }
  }
  const recipes: ModelRecipe[] = [];
  for (const decomposition of settings) {
    for (const remainder of REMAINDERS) recipes.push({ kind: 'decomposition', decomposition, remainder });
  }
  if (shortest === undefined) {
    recipes.push({ kind: 'seasonal-naive', period: 1 });
    return recipes;
  }
  recipes.push({ kind: 'ets', trend: 'none', period: shortest });
  recipes.push({ kind: 'ets', trend: 'damped', period: shortest });
  for (const period of sorted) recipes.push({ kind: 'seasonal-naive', period });
  return recipes;
}
