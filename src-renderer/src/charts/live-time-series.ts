import type { EChartsCoreOption } from 'echarts/core'
import { CHART_COLORS, CHART_FONT } from './chart-palette'

/** One point of a live chart: the window's start (ms since the epoch, UTC) and its value or a gap. */
export type TimePoint = [number, number | null]

/**
 * A window series on a time axis: one point per window at its start. A window without the value
 * (labels not arrived yet) is a gap, not a zero.
 */
export function timeSeriesOf<W extends { readonly start: string }>(
  windows: readonly W[],
  read: (window: W) => number | null,
): TimePoint[] {
  return windows.map((window) => [Date.parse(window.start), read(window)])
}

/** A line series of the live charts. */
export function lineSeries(
  name: string,
  data: TimePoint[],
  color: string,
  yAxisIndex = 0,
): Record<string, unknown> {
  return {
    name,
    type: 'line',
    yAxisIndex,
    data,
    connectNulls: false,
    showSymbol: data.length <= 60,
    symbolSize: 4,
    lineStyle: { width: 2, color },
    itemStyle: { color },
  }
}

/**
 * The frame the four live charts share: a UTC time axis (windows are stored in UTC; showing them in
 * the browser's zone would shift the replayed days), a legend, an axis tooltip, and no entrance
 * animation (the charts redraw every poll).
 */
export function liveChartFrame(yAxis: unknown[], series: unknown[]): EChartsCoreOption {
  return {
    textStyle: CHART_FONT,
    animation: false,
    useUTC: true,
    grid: { left: 56, right: 56, top: 40, bottom: 36 },
    legend: { top: 4, itemWidth: 14, itemHeight: 8 },
    tooltip: { trigger: 'axis', valueFormatter: formatValue },
    xAxis: {
      type: 'time',
      // Bars widen the axis range and ECharts then crowds its time labels: drop the ones that overlap.
      axisLabel: { hideOverlap: true },
      axisLine: { lineStyle: { color: CHART_COLORS.grid } },
      splitLine: { show: false },
    },
    yAxis: yAxis.map((axis, index) => ({
      splitLine: index === 0 ? { lineStyle: { color: CHART_COLORS.grid } } : { show: false },
      ...(axis as object),
    })),
    series,
  }
}

function formatValue(value: unknown): string {
  if (typeof value !== 'number') return '–'
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(4)
}
