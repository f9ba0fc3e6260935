import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** Where Grafana's plugin proxy forwards to the adapter's REST API (the `api/*` route in plugin.json). */
export const API_BASE_URL = `/api/plugin-proxy/${PLUGIN_ID}/api/v1`;

export enum ROUTES {
  Overview = 'overview',
  Forecasts = 'forecasts',
  Recommendations = 'recommendations',
  Budgets = 'budgets',
  Simulator = 'simulator',
  Decisions = 'decisions',
  Anomalies = 'anomalies',
}

export function prefixRoute(route: ROUTES): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
