import type { EChartsCoreOption } from 'echarts/core'
import { CHART_COLORS, CHART_FONT } from './chart-palette'

/**
 * Predicted against actual trip duration (minutes) on the validation rows, with the y = x line a perfect
 * model would sit on. Both axes share one range so distance from the line reads as error.
 */
export function buildPredictedVsActualOption(
  pairs: readonly (readonly [actual: number, predicted: number])[],
): EChartsCoreOption {
  let upper = 1
  for (const [actual, predicted] of pairs) upper = Math.max(upper, actual, predicted)
  upper = Math.ceil(upper / 10) * 10
  return {
    textStyle: CHART_FONT,
    animation: false,
    grid: { left: 52, right: 20, top: 20, bottom: 44 },
    tooltip: {
      trigger: 'item',
      formatter: (item: { value?: unknown }) => {
        const [actual, predicted] = (item.value ?? []) as number[]
        return `actual ${actual?.toFixed(1)} min<br/>predicted ${predicted?.toFixed(1)} min`
      },
    },
    xAxis: {
      type: 'value',
      name: 'actual (min)',
      nameLocation: 'middle',
      nameGap: 28,
      min: 0,
      max: upper,
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    yAxis: {
      type: 'value',
      name: 'predicted (min)',
      nameLocation: 'middle',
      nameGap: 36,
      min: 0,
      max: upper,
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    series: [
      {
        name: 'validation rows',
        type: 'scatter',
        symbolSize: 3,
        large: true,
        data: pairs.map(([actual, predicted]) => [actual, predicted]),
        itemStyle: { color: CHART_COLORS.current, opacity: 0.35 },
      },
      {
        name: 'perfect prediction',
        type: 'line',
        data: [
          [0, 0],
          [upper, upper],
        ],
        symbol: 'none',
        silent: true,
        lineStyle: { type: 'dashed', color: CHART_COLORS.threshold, width: 1 },
      },
    ],
  }
}
