export interface ForecastBandOptions {
  /** Series names (legend, frame name or refId) to draw. */
  actualSeries: string;
  forecastSeries: string;
  lowerSeries: string;
  upperSeries: string;
  replicasSeries: string;
  /** Unit of demand shown on the axis, e.g. `requests/s`. */
  unit: string;
}

export const DEFAULT_FORECAST_BAND_OPTIONS: ForecastBandOptions = {
  actualSeries: 'actual',
  forecastSeries: 'forecast',
  lowerSeries: 'lower',
  upperSeries: 'upper',
  replicasSeries: 'replicas',
  unit: '',
};
