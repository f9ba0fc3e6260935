import React from 'react';
import { render, screen } from '@testing-library/react';
import {
  dateTime,
  FieldType,
  LoadingState,
  type PanelData,
  type PanelProps,
  PanelPlugin,
  toDataFrame,
} from '@grafana/data';
import { testIds } from '../components/testIds';
import { plugin as burnDownPlugin } from './budget-burndown/module';
import { DEFAULT_BUDGET_BURNDOWN_OPTIONS } from './budget-burndown/options';
import { plugin as forecastBandPlugin } from './forecast-band/module';
import { DEFAULT_FORECAST_BAND_OPTIONS } from './forecast-band/options';

const HOUR = 3600_000;
const range = { from: dateTime(0), to: dateTime(10 * HOUR), raw: { from: 'now-10h', to: 'now' } };
const frame = (name: string, times: number[], values: number[]) =>
  toDataFrame({
    name,
    fields: [
      { name: 'Time', type: FieldType.time, values: times },
      { name: 'Value', type: FieldType.number, values },
    ],
  });

function renderPanel<O extends object>(plugin: PanelPlugin<O>, options: O, series: PanelData['series']) {
  const Panel = plugin.panel as React.ComponentType<PanelProps<O>>;
  const props = {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange: range },
    timeRange: range,
    timeZone: 'utc',
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    width: 600,
    height: 300,
    transparent: false,
    title: 'panel',
    renderCounter: 0,
    eventBus: {},
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<O>;
  return render(<Panel {...props} />);
}

describe('nested panels', () => {
  it('are panel plugins with option editors', () => {
    expect(forecastBandPlugin).toBeInstanceOf(PanelPlugin);
    expect(burnDownPlugin).toBeInstanceOf(PanelPlugin);
    expect(forecastBandPlugin.panel).toBeDefined();
  });

  it('draws the forecast band from query results', () => {
    renderPanel(forecastBandPlugin, DEFAULT_FORECAST_BAND_OPTIONS, [
      frame('actual', [0, HOUR], [10, 12]),
      frame('lower', [HOUR, 2 * HOUR], [9, 10]),
      frame('upper', [HOUR, 2 * HOUR], [14, 16]),
    ]);
    const svg = screen.getByRole('img', { name: 'Demand forecast band' });
    expect(svg.querySelector('[data-series="lower–upper"]')?.getAttribute('d')).toMatch(/^M.*Z$/);
    expect(svg.querySelector('[data-series="actual"]')?.getAttribute('d')).toMatch(/^M/);
  });

  it('names the series it cannot find', () => {
    renderPanel(forecastBandPlugin, DEFAULT_FORECAST_BAND_OPTIONS, []);
    expect(screen.getByText(/No series named "lower", "upper", "actual"/)).toBeInTheDocument();
  });

  it('draws the burn-down with the exhaustion marker', () => {
    renderPanel(burnDownPlugin, DEFAULT_BUDGET_BURNDOWN_OPTIONS, [
      frame('spent', [0, HOUR, 2 * HOUR], [0, 20, 40]),
      frame('amount', [2 * HOUR], [100]),
    ]);
    const chart = screen.getByTestId(testIds.charts.burnDown);
    expect(chart.querySelector('[data-series^="exhausted"]')).not.toBeNull();
  });
});
