// Test ids shared by the unit tests and the browser end-to-end test.
export const testIds = {
  states: {
    loading: 'data-testid loading',
    error: 'data-testid error',
    empty: 'data-testid empty',
    unavailable: 'data-testid api-unavailable',
  },
  appConfig: {
    adapterUrl: 'data-testid adapter-url',
    apiKey: 'data-testid api-key',
    submit: 'data-testid save-settings',
    testConnection: 'data-testid test-connection',
    connectionResult: 'data-testid connection-result',
  },
  overview: {
    container: 'data-testid overview',
    spend: 'data-testid overview-spend',
    savings: 'data-testid overview-savings',
    policies: 'data-testid overview-policies',
    health: 'data-testid overview-health',
  },
  forecasts: {
    container: 'data-testid forecasts',
    policyPicker: 'data-testid forecast-policy',
    chart: 'data-testid forecast-chart',
    accuracy: 'data-testid forecast-accuracy',
  },
  recommendations: {
    container: 'data-testid recommendations',
    table: 'data-testid recommendations-table',
  },
  budgets: {
    container: 'data-testid budgets',
    card: 'data-testid budget-card',
    chart: 'data-testid budget-burndown',
    events: 'data-testid budget-events',
    create: 'data-testid budget-create',
    form: 'data-testid budget-form',
    name: 'data-testid budget-name',
    amount: 'data-testid budget-amount',
    save: 'data-testid budget-save',
  },
  simulator: {
    container: 'data-testid simulator',
    run: 'data-testid simulator-run',
    result: 'data-testid simulator-result',
  },
  decisions: {
    container: 'data-testid decisions',
    table: 'data-testid decisions-table',
    explanation: 'data-testid decision-explanation',
    anomaly: 'data-testid decision-anomaly',
  },
  anomalies: {
    container: 'data-testid anomalies',
    table: 'data-testid anomalies-table',
    chart: 'data-testid anomaly-chart',
  },
  charts: {
    forecast: 'data-testid chart-forecast',
    burnDown: 'data-testid chart-burndown',
  },
};
