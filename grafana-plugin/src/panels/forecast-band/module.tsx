import { PanelPlugin } from '@grafana/data';
import { DEFAULT_FORECAST_BAND_OPTIONS, type ForecastBandOptions } from './options';
import { ForecastBandPanel } from './ForecastBandPanel';

const SERIES = 'Series';

export const plugin = new PanelPlugin<ForecastBandOptions>(ForecastBandPanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'actualSeries',
      name: 'Actual demand',
      description: 'Legend, frame name or query letter of the measured demand',
      category: [SERIES],
      defaultValue: DEFAULT_FORECAST_BAND_OPTIONS.actualSeries,
    })
    .addTextInput({
      path: 'forecastSeries',
      name: 'Point forecast',
      category: [SERIES],
      defaultValue: DEFAULT_FORECAST_BAND_OPTIONS.forecastSeries,
    })
    .addTextInput({
      path: 'lowerSeries',
      name: 'Band lower edge',
      description: 'A low quantile, e.g. costscale_forecast_demand at a low quantile',
      category: [SERIES],
      defaultValue: DEFAULT_FORECAST_BAND_OPTIONS.lowerSeries,
    })
    .addTextInput({
      path: 'upperSeries',
      name: 'Band upper edge',
      category: [SERIES],
      defaultValue: DEFAULT_FORECAST_BAND_OPTIONS.upperSeries,
    })
    .addTextInput({
      path: 'replicasSeries',
      name: 'Replicas',
      description: 'Drawn as steps on a second axis, e.g. costscale_replicas',
      category: [SERIES],
      defaultValue: DEFAULT_FORECAST_BAND_OPTIONS.replicasSeries,
    })
    .addTextInput({
      path: 'unit',
      name: 'Demand unit',
      description: 'Axis label, e.g. requests/s',
      defaultValue: DEFAULT_FORECAST_BAND_OPTIONS.unit,
    }),
);
