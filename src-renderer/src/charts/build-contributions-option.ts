import type { EChartsCoreOption } from 'echarts/core'
import type { PredictionShift } from '../../../src-main/shared/domain/explain'
import { CHART_COLORS, CHART_FONT } from './chart-palette'
import { escapeHtml } from './escape-html'

/**
 * Why the prediction moved, as a ranked horizontal bar chart: one bar per feature, largest |contribution|
 * on top (the order the core ranks them in), in minutes of mean prediction. Bars that push the mean up
 * are drawn in the danger colour, those that pull it down in the current-data colour; the title line
 * says the observed shift, and "estimate" when the coefficients are a surrogate's.
 */
export function buildContributionsOption(shift: PredictionShift): EChartsCoreOption {
  const bars = shift.contributions
  return {
    textStyle: CHART_FONT,
    animation: false,
    title: {
      text: `Mean prediction ${shift.referenceMeanPrediction.toPrecision(4)} → ${shift.currentMeanPrediction.toPrecision(4)} (shift ${shift.observedShift >= 0 ? '+' : ''}${shift.observedShift.toPrecision(3)})${shift.isEstimate ? ' — estimate (surrogate)' : ''}`,
      textStyle: { fontSize: 12, fontWeight: 'normal', color: CHART_COLORS.text },
      left: 0,
      top: 0,
    },
    grid: { left: 130, right: 40, top: 30, bottom: 34 },
    tooltip: {
      trigger: 'item',
      formatter: (item: { dataIndex: number }) => {
        const bar = bars[item.dataIndex]
        if (bar === undefined) return ''
        return `${escapeHtml(bar.feature)}<br/>contribution ${bar.contribution.toPrecision(4)}<br/>coefficient ${bar.coefficient.toPrecision(4)} × (${bar.currentMean.toPrecision(4)} − ${bar.referenceMean.toPrecision(4)})`
      },
    },
    xAxis: {
      type: 'value',
      name: 'contribution to the mean prediction shift',
      nameLocation: 'middle',
      nameGap: 22,
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    yAxis: { type: 'category', data: bars.map((bar) => bar.feature), inverse: true },
    series: [
      {
        name: 'contribution',
        type: 'bar',
        barMaxWidth: 16,
        data: bars.map((bar) => ({
          value: bar.contribution,
          itemStyle: {
            color: bar.contribution >= 0 ? CHART_COLORS.drifted : CHART_COLORS.current,
          },
        })),
      },
    ],
  }
}
