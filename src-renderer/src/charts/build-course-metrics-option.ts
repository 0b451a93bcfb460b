import type { EChartsCoreOption } from 'echarts/core'
import type { DayMetrics } from '../../../src-main/shared/domain/metrics'
import { CHART_COLORS, CHART_FONT } from './chart-palette'

/**
 * The course's three numbers per day, as the Grafana dashboard shows them: prediction drift and the
 * share of missing values (left axis, 0..1 scale of scores) and the number of drifted columns (bars,
 * right axis). `dates` fixes the x axis to the whole backfill so days fill in as they arrive; a day
 * without metrics yet is a gap, not a zero.
 */
export function buildCourseMetricsOption(
  dates: readonly string[],
  metrics: readonly DayMetrics[],
): EChartsCoreOption {
  const byDate = new Map(metrics.map((day) => [day.date, day]))
  const pick = (read: (day: DayMetrics) => number | null): (number | null)[] =>
    dates.map((date) => {
      const day = byDate.get(date)
      return day === undefined ? null : read(day)
    })
  return {
    textStyle: CHART_FONT,
    animationDuration: 300,
    grid: { left: 48, right: 48, top: 40, bottom: 36 },
    legend: { top: 4, itemWidth: 14, itemHeight: 8 },
    tooltip: { trigger: 'axis', valueFormatter: formatValue },
    xAxis: {
      type: 'category',
      data: dates.map((date) => date.slice(5)),
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    yAxis: [
      {
        type: 'value',
        name: 'score',
        min: 0,
        splitLine: { lineStyle: { color: CHART_COLORS.grid } },
      },
      {
        type: 'value',
        name: 'columns',
        min: 0,
        max: 7,
        interval: 1,
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: 'Drifted columns',
        type: 'bar',
        yAxisIndex: 1,
        data: pick((day) => day.numDriftedColumns),
        itemStyle: {
          color: CHART_COLORS.driftedColumns,
          opacity: 0.35,
          borderRadius: [3, 3, 0, 0],
        },
        barMaxWidth: 18,
      },
      {
        name: 'Prediction drift',
        type: 'line',
        data: pick((day) => day.predictionDrift),
        connectNulls: false,
        symbolSize: 5,
        lineStyle: { width: 2, color: CHART_COLORS.predictionDrift },
        itemStyle: { color: CHART_COLORS.predictionDrift },
      },
      {
        name: 'Share of missing values',
        type: 'line',
        data: pick((day) => day.shareMissingValues),
        connectNulls: false,
        symbolSize: 5,
        lineStyle: { width: 2, color: CHART_COLORS.missingShare },
        itemStyle: { color: CHART_COLORS.missingShare },
      },
    ],
  }
}

function formatValue(value: unknown): string {
  return typeof value === 'number'
    ? Number.isInteger(value)
      ? String(value)
      : value.toFixed(4)
    : '–'
}
