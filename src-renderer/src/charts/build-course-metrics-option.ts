import type { EChartsCoreOption } from 'echarts/core'
import type { DayMetrics } from '../../../src-main/shared/domain/metrics'
import { CHART_COLORS, CHART_FONT } from './chart-palette'

/**
 * The course's three numbers per day, as the Grafana dashboard shows them: prediction drift and the
 * share of missing values (left axis, 0..1 scale of scores) and the number of drifted columns (bars,
 * right axis). `dates` fixes the x axis to the whole backfill so days fill in as they arrive; a day
 * without metrics yet is a gap, not a zero.
 *
 * With `showMae`, a third axis (minutes, outer right) overlays the realized MAE, the MAE estimated
 * without labels (dashed) and the estimate's 95 % band (a shaded area: the lower bound, transparent,
 * with the band's width stacked on it), so a day whose realized MAE leaves the band stands out.
 */
export function buildCourseMetricsOption(
  dates: readonly string[],
  metrics: readonly DayMetrics[],
  options: { readonly showMae?: boolean } = {},
): EChartsCoreOption {
  const byDate = new Map(metrics.map((day) => [day.date, day]))
  const pick = (read: (day: DayMetrics) => number | null): (number | null)[] =>
    dates.map((date) => {
      const day = byDate.get(date)
      return day === undefined ? null : read(day)
    })
  const showMae = options.showMae === true
  return {
    textStyle: CHART_FONT,
    animationDuration: 300,
    grid: { left: 48, right: showMae ? 100 : 48, top: 40, bottom: 36 },
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
      ...(showMae
        ? [
            {
              type: 'value',
              name: 'MAE (min)',
              min: 0,
              position: 'right',
              offset: 52,
              splitLine: { show: false },
            },
          ]
        : []),
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
      ...(showMae ? maeSeries(pick) : []),
    ],
  }
}

/** Realized and estimated MAE with the estimate's band, on the third axis (see `showMae`). */
function maeSeries(
  pick: (read: (day: DayMetrics) => number | null) => (number | null)[],
): Record<string, unknown>[] {
  const lower = pick((day) => day.estimatedMaeLower ?? null)
  const upper = pick((day) => day.estimatedMaeUpper ?? null)
  const width = lower.map((low, i) => {
    const high = upper[i] ?? null
    return low === null || high === null ? null : high - low
  })
  return [
    {
      name: 'Estimated MAE band',
      type: 'line',
      yAxisIndex: 2,
      stack: 'estimated-mae-band',
      data: lower,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      // The band's lower edge: invisible in the legend and the tooltip; the width stacked on it is drawn.
      tooltip: { show: false },
    },
    {
      name: 'Estimated MAE band',
      type: 'line',
      yAxisIndex: 2,
      stack: 'estimated-mae-band',
      data: width,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color: CHART_COLORS.estimatedMae, opacity: 0.15 },
      tooltip: { show: false },
    },
    {
      name: 'Estimated MAE',
      type: 'line',
      yAxisIndex: 2,
      data: pick((day) => day.estimatedMae ?? null),
      connectNulls: false,
      symbolSize: 4,
      lineStyle: { width: 2, type: 'dashed', color: CHART_COLORS.estimatedMae },
      itemStyle: { color: CHART_COLORS.estimatedMae },
    },
    {
      name: 'Realized MAE',
      type: 'line',
      yAxisIndex: 2,
      data: pick((day) => day.mae),
      connectNulls: false,
      symbolSize: 5,
      lineStyle: { width: 2, color: CHART_COLORS.realizedMae },
      itemStyle: { color: CHART_COLORS.realizedMae },
    },
  ]
}

function formatValue(value: unknown): string {
  return typeof value === 'number'
    ? Number.isInteger(value)
      ? String(value)
      : value.toFixed(4)
    : '–'
}
