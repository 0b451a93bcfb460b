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
 * so one extreme column (trip_distance reaches ~30 times its threshold) does not flatten the rest; a
 * capped bar ends in a label with its real ratio, so the cap never hides how far it goes.
 */
export function driftRatio(bar: DriftScoreBar, cap = 5): number {
  const ratio = uncappedRatio(bar)
  return Number.isFinite(ratio) ? Math.min(cap, Math.max(0, ratio)) : cap
}

/** The bar's ratio before the cap (Infinity for a p-value of 0). */
function uncappedRatio(bar: DriftScoreBar): number {
  if (bar.score === null) return 0
  return bar.isDistance ? bar.score / bar.threshold : bar.threshold / bar.score
}

/** `29.6×`, `∞×`: the label of a bar cut at the cap. */
function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '∞×'
  return `${ratio >= 100 ? ratio.toExponential(1) : ratio.toPrecision(3)}×`
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
      name: 'score ÷ threshold (dashed line: threshold = 1)',
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
        data: bars.map((bar) => {
          const ratio = uncappedRatio(bar)
          const isClipped = ratio > cap
          return {
            value: driftRatio(bar, cap),
            itemStyle: {
              color: bar.isDrifted === true ? CHART_COLORS.drifted : CHART_COLORS.stable,
              // A clipped bar ends square, with a white notch-like border: it goes on past the axis.
              borderRadius: isClipped ? 0 : [0, 3, 3, 0],
            },
            label: isClipped
              ? {
                  show: true,
                  position: 'insideRight',
                  color: '#ffffff',
                  fontWeight: 600,
                  fontSize: 11,
                  formatter: `${formatRatio(ratio)} ▸`,
                }
              : { show: false },
          }
        }),
        // The dashed line marks the threshold; its meaning is in the axis name, so no label sits on
        // the axis where it would hide the "1" tick.
        markLine: {
          symbol: 'none',
          silent: true,
          data: [{ xAxis: 1 }],
          lineStyle: { color: CHART_COLORS.threshold, type: 'dashed' },
          label: { show: false },
        },
      },
    ],
  }
}
