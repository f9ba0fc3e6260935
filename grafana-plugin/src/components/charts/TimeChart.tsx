import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import {
  bandPath,
  type Extent,
  extentOf,
  isPresent,
  linearScale,
  linePath,
  niceAxis,
  axisTicks,
  timeTicks,
} from '../../utils/chartGeometry';

// A small SVG time chart drawn with the Grafana theme: lines (optionally step-shaped, on a left or
// right axis), shaded bands, horizontal rules and vertical markers, a legend and a hover read-out.
// Pages and the nested panels share it, so it works without Grafana's panel machinery.

export interface ChartLine {
  readonly label: string;
  readonly times: readonly number[];
  readonly values: ReadonlyArray<number | null>;
  readonly color: string;
  readonly dashed?: boolean;
  readonly step?: boolean;
  readonly axis?: 'left' | 'right';
  readonly width?: number;
}

export interface ChartBand {
  readonly label: string;
  readonly times: readonly number[];
  readonly lower: ReadonlyArray<number | null>;
  readonly upper: ReadonlyArray<number | null>;
  readonly color: string;
  readonly opacity: number;
}

export interface ChartRule {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

export interface ChartMarker {
  readonly label: string;
  readonly at: number;
  readonly color: string;
}

/** A shaded span of time across the plot, such as an anomaly episode. */
export interface ChartRegion {
  readonly label: string;
  readonly from: number;
  readonly to: number;
  readonly color: string;
}

export interface ChartAxis {
  readonly label?: string;
  readonly format: (value: number) => string;
  /** Start the axis at zero when every value is positive. */
  readonly fromZero?: boolean;
  /** Whole-number ticks only (counts such as replicas). */
  readonly integer?: boolean;
}

export interface TimeChartProps {
  readonly width: number;
  readonly height: number;
  /** The time range shown; defaults to the extent of the data. */
  readonly timeRange?: Extent;
  readonly timeZone?: string;
  readonly left: ChartAxis;
  readonly right?: ChartAxis;
  readonly lines?: readonly ChartLine[];
  readonly bands?: readonly ChartBand[];
  readonly rules?: readonly ChartRule[];
  readonly markers?: readonly ChartMarker[];
  readonly regions?: readonly ChartRegion[];
  readonly title: string;
  readonly testId?: string;
  readonly showLegend?: boolean;
}

const MARGIN = { top: 12, right: 56, bottom: 28, left: 64 };
const LEGEND_HEIGHT = 24;

function timeFormatFor(step: number): string {
  if (step >= 24 * 3600_000) {
    return 'MMM D';
  }
  return 'HH:mm';
}

export function TimeChart(props: TimeChartProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const {
    width,
    height,
    left,
    right,
    lines = [],
    bands = [],
    rules = [],
    markers = [],
    regions = [],
  } = props;
  const [hoverX, setHoverX] = useState<number | undefined>(undefined);
  const legendHeight = props.showLegend === false ? 0 : LEGEND_HEIGHT;
  const plot = {
    x0: MARGIN.left,
    x1: Math.max(MARGIN.left + 10, width - (right ? MARGIN.right : 16)),
    y0: MARGIN.top,
    y1: Math.max(MARGIN.top + 10, height - MARGIN.bottom - legendHeight),
  };

  const geometry = useMemo(() => {
    const allTimes = [...lines.map((l) => l.times), ...bands.map((b) => b.times)];
    const timeExtent = props.timeRange ??
      extentOf(...allTimes, ...markers.map((m) => [m.at])) ?? { min: 0, max: 1 };
    const x = linearScale(timeExtent, { min: plot.x0, max: plot.x1 });
    const leftValues = [
      ...lines.filter((l) => l.axis !== 'right').map((l) => l.values),
      ...bands.flatMap((b) => [b.lower, b.upper]),
      rules.map((r) => r.value),
    ];
    const leftExtent = niceAxis(extentOf(...leftValues) ?? { min: 0, max: 1 }, 5, left.fromZero ?? true);
    const yLeft = linearScale(leftExtent, { min: plot.y1, max: plot.y0 });
    const rightValues = lines.filter((l) => l.axis === 'right').map((l) => l.values);
    const rightExtent = right
      ? niceAxis(
          extentOf(...rightValues) ?? { min: 0, max: 1 },
          5,
          right.fromZero ?? true,
          right.integer ? 1 : 0,
        )
      : undefined;
    const yRight = rightExtent ? linearScale(rightExtent, { min: plot.y1, max: plot.y0 }) : undefined;
    return { timeExtent, x, leftExtent, yLeft, rightExtent, yRight };
  }, [
    lines,
    bands,
    rules,
    markers,
    props.timeRange,
    left.fromZero,
    right,
    plot.x0,
    plot.x1,
    plot.y0,
    plot.y1,
  ]);

  const { timeExtent, x, leftExtent, yLeft, rightExtent, yRight } = geometry;
  const { ticks: xTicks, step: xStep } = timeTicks(
    timeExtent,
    Math.max(2, Math.floor((plot.x1 - plot.x0) / 110)),
  );
  const yTicks = axisTicks(leftExtent);
  const yRightTicks = rightExtent ? axisTicks(rightExtent) : [];
  const timeFormat = timeFormatFor(xStep);
  const inTime = (t: number) => t >= timeExtent.min && t <= timeExtent.max;

  const hover =
    hoverX === undefined ? undefined : readOut(lines, x.domain, (hoverX - plot.x0) / (plot.x1 - plot.x0));

  return (
    <div className={styles.container} data-testid={props.testId}>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={props.title}
        onMouseMove={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          const px = e.clientX - box.left;
          setHoverX(px >= plot.x0 && px <= plot.x1 ? px : undefined);
        }}
        onMouseLeave={() => setHoverX(undefined)}
      >
        <title>{props.title}</title>
        {yTicks.map((v) => (
          <g key={`yl${v}`}>
            <line x1={plot.x0} x2={plot.x1} y1={yLeft(v)} y2={yLeft(v)} stroke={theme.colors.border.weak} />
            <text
              x={plot.x0 - 6}
              y={yLeft(v)}
              className={styles.tick}
              textAnchor="end"
              dominantBaseline="middle"
            >
              {left.format(v)}
            </text>
          </g>
        ))}
        {yRight &&
          right &&
          yRightTicks.map((v) => (
            <text
              key={`yr${v}`}
              x={plot.x1 + 6}
              y={yRight(v)}
              className={styles.tick}
              textAnchor="start"
              dominantBaseline="middle"
            >
              {right.format(v)}
            </text>
          ))}
        {xTicks.map((t) => (
          <g key={`x${t}`}>
            <line x1={x(t)} x2={x(t)} y1={plot.y0} y2={plot.y1} stroke={theme.colors.border.weak} />
            <text x={x(t)} y={plot.y1 + 16} className={styles.tick} textAnchor="middle">
              {dateTimeFormat(t, { format: timeFormat, timeZone: props.timeZone })}
            </text>
          </g>
        ))}
        {left.label && (
          <text
            className={styles.axisLabel}
            transform={`translate(12 ${(plot.y0 + plot.y1) / 2}) rotate(-90)`}
          >
            {left.label}
          </text>
        )}
        {right?.label && (
          <text
            className={styles.axisLabel}
            transform={`translate(${width - 8} ${(plot.y0 + plot.y1) / 2}) rotate(90)`}
          >
            {right.label}
          </text>
        )}
        <clipPath id={`${props.testId ?? 'chart'}-clip`}>
          <rect x={plot.x0} y={plot.y0 - 2} width={plot.x1 - plot.x0} height={plot.y1 - plot.y0 + 4} />
        </clipPath>
        <g clipPath={`url(#${props.testId ?? 'chart'}-clip)`}>
          {regions.map((r) => {
            const x0 = Math.max(plot.x0, x(r.from));
            const x1 = Math.min(plot.x1, x(r.to));
            return x1 < x0 ? null : (
              <rect
                key={`${r.label}-${r.from}`}
                x={x0}
                y={plot.y0}
                // A span shorter than a pixel is still visible.
                width={Math.max(2, x1 - x0)}
                height={plot.y1 - plot.y0}
                fill={theme.visualization.getColorByName(r.color)}
                fillOpacity={0.15}
                data-series={r.label}
              />
            );
          })}
          {bands.map((b) => (
            <path
              key={b.label}
              d={bandPath(b.times, b.lower, b.upper, x, yLeft)}
              fill={theme.visualization.getColorByName(b.color)}
              fillOpacity={b.opacity}
              data-series={b.label}
            />
          ))}
          {rules.map((r) => (
            <line
              key={r.label}
              x1={plot.x0}
              x2={plot.x1}
              y1={yLeft(r.value)}
              y2={yLeft(r.value)}
              stroke={theme.visualization.getColorByName(r.color)}
              strokeDasharray="6 4"
              strokeWidth={1.5}
              data-series={r.label}
            />
          ))}
          {lines.map((l) => {
            const y = l.axis === 'right' && yRight ? yRight : yLeft;
            return (
              <path
                key={l.label}
                d={linePath(l.times, l.values, x, y, l.step)}
                fill="none"
                stroke={theme.visualization.getColorByName(l.color)}
                strokeWidth={l.width ?? 2}
                strokeDasharray={l.dashed ? '6 4' : undefined}
                data-series={l.label}
              />
            );
          })}
          {markers
            .filter((m) => inTime(m.at))
            .map((m) => (
              <g key={m.label} data-series={m.label}>
                <line
                  x1={x(m.at)}
                  x2={x(m.at)}
                  y1={plot.y0}
                  y2={plot.y1}
                  stroke={theme.visualization.getColorByName(m.color)}
                  strokeDasharray="2 3"
                  strokeWidth={1.5}
                />
                <text
                  // Near the right edge the label goes to the left of its line.
                  x={x(m.at) > plot.x1 - 160 ? x(m.at) - 4 : x(m.at) + 4}
                  textAnchor={x(m.at) > plot.x1 - 160 ? 'end' : 'start'}
                  y={plot.y0 + 10}
                  className={styles.marker}
                  fill={theme.visualization.getColorByName(m.color)}
                >
                  {m.label}
                </text>
              </g>
            ))}
        </g>
        {hover && hoverX !== undefined && (
          <line
            x1={hoverX}
            x2={hoverX}
            y1={plot.y0}
            y2={plot.y1}
            stroke={theme.colors.text.secondary}
            strokeWidth={1}
          />
        )}
      </svg>
      {hover && hoverX !== undefined && (
        <div
          className={styles.tooltip}
          style={{ left: Math.min(hoverX + 12, Math.max(0, width - 220)), top: plot.y0 }}
          role="tooltip"
        >
          <div className={styles.tooltipTime}>{dateTimeFormat(hover.at, { timeZone: props.timeZone })}</div>
          {hover.values.map((v) => (
            <div key={v.label}>
              <span
                className={styles.swatch}
                style={{ background: theme.visualization.getColorByName(v.color) }}
              />
              {v.label}: {(v.axis === 'right' && right ? right : left).format(v.value)}
            </div>
          ))}
        </div>
      )}
      {props.showLegend !== false && (
        <div className={styles.legend}>
          {[...lines, ...bands, ...rules, ...markers, ...uniqueLabels(regions)].map((item) => (
            <span key={item.label} className={styles.legendItem}>
              <span
                className={styles.swatch}
                style={{ background: theme.visualization.getColorByName(item.color) }}
              />
              {item.label}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

/** One legend entry per region label (an episode chart may shade several of the same kind). */
function uniqueLabels(regions: readonly ChartRegion[]): ChartRegion[] {
  const seen = new Set<string>();
  return regions.filter((r) => !seen.has(r.label) && seen.add(r.label));
}

interface ReadOutValue {
  readonly label: string;
  readonly color: string;
  readonly value: number;
  readonly axis?: 'left' | 'right';
}

/** The values of each line at the time under the pointer (nearest point in time). */
function readOut(
  lines: readonly ChartLine[],
  time: Extent,
  fraction: number,
): { at: number; values: ReadOutValue[] } {
  const at = time.min + fraction * (time.max - time.min);
  const values: ReadOutValue[] = [];
  for (const l of lines) {
    let best = -1;
    for (let i = 0; i < l.times.length; i++) {
      if (
        isPresent(l.values[i]) &&
        (best < 0 || Math.abs(l.times[i]! - at) < Math.abs(l.times[best]! - at))
      ) {
        best = i;
      }
    }
    if (best >= 0) {
      values.push({ label: l.label, color: l.color, value: l.values[best]!, axis: l.axis });
    }
  }
  return { at, values };
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ position: 'relative' }),
  tick: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  axisLabel: css({
    fill: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    textAnchor: 'middle',
  }),
  marker: css({ fontSize: theme.typography.bodySmall.fontSize }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    paddingLeft: MARGIN.left,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  legendItem: css({ display: 'inline-flex', alignItems: 'center' }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: 2,
    marginRight: theme.spacing(0.5),
  }),
  tooltip: css({
    position: 'absolute',
    pointerEvents: 'none',
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    boxShadow: theme.shadows.z2,
    minWidth: 160,
  }),
  tooltipTime: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(0.5) }),
});
