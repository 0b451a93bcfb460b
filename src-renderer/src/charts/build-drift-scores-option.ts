import type { EChartsCoreOption } from 'echarts/core'
import { CHART_COLORS, CHART_FONT } from './chart-palette'
import { escapeHtml } from './escape-html'

export interface DriftScoreBar {
  readonly column: string
  readonly score: number | null
  readonly threshold: number
  readonly isDrifted: boolean | null
  /** False for p-value tests (K-S, chi-square, Z…), where a score below the threshold means drift. */
  readonly isDistance: boolean
}

/**
 * One horizontal bar per column on one scale for every stattest, where 1 is the line between stable and
 * drifted: score / threshold for distances, threshold / score for p-values (where lower means drift).
 * The colour comes from the report's own `drift_detected`, never re-decided here. Ratios are capped at 5
 * so one extreme column (trip_distance reaches ~44 times its threshold) does not flatten the rest.
 */
export function driftRatio(bar: DriftScoreBar, cap = 5): number {
  if (bar.score === null) return 0
  const ratio = bar.isDistance ? bar.score / bar.threshold : bar.threshold / bar.score
  return Number.isFinite(ratio) ? Math.min(cap, Math.max(0, ratio)) : cap
}

export function buildDriftScoresOption(bars: readonly DriftScoreBar[]): EChartsCoreOption {
  const cap = 5
  return {
    textStyle: CHART_FONT,
    animation: false,
    grid: { left: 130, right: 56, top: 22, bottom: 34 },
    tooltip: {
      trigger: 'item',
      formatter: (item: { dataIndex: number }) => {
        const bar = bars[item.dataIndex]
        if (bar === undefined) return ''
        return `${escapeHtml(bar.column)}<br/>score ${bar.score === null ? '–' : bar.score.toPrecision(4)} (threshold ${bar.threshold})`
      },
    },
    xAxis: {
      type: 'value',
      name: 'drift relative to threshold',
      nameLocation: 'middle',
      nameGap: 22,
      min: 0,
      max: cap,
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    yAxis: { type: 'category', data: bars.map((bar) => bar.column), inverse: true },
    series: [
      {
        type: 'bar',
        barMaxWidth: 16,
        data: bars.map((bar) => ({
          value: driftRatio(bar, cap),
          itemStyle: {
            color: bar.isDrifted === true ? CHART_COLORS.drifted : CHART_COLORS.stable,
            borderRadius: [0, 3, 3, 0],
          },
        })),
        markLine: {
          symbol: 'none',
          silent: true,
          data: [{ xAxis: 1 }],
          lineStyle: { color: CHART_COLORS.threshold, type: 'dashed' },
          label: { formatter: 'threshold', position: 'end', fontSize: 11 },
        },
      },
    ],
  }
}
