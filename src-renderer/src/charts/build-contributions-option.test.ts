import { describe, expect, it } from 'vitest'
import type { PredictionShift } from '../../../src-main/shared/domain/explain'
import { CHART_COLORS } from './chart-palette'
import { buildContributionsOption } from './build-contributions-option'

function shift(contributions: [string, number][], isEstimate = false): PredictionShift {
  return {
    method: isEstimate ? 'surrogate' : 'linear',
    isEstimate,
    referenceMeanPrediction: 12.61,
    currentMeanPrediction: 13.84,
    observedShift: 1.23,
    explainedShift: 1.23,
    surrogateR2: isEstimate ? 0.9 : null,
    contributions: contributions.map(([feature, contribution]) => ({
      feature,
      coefficient: 0.5,
      referenceMean: 1,
      currentMean: 1 + contribution / 0.5,
      contribution,
      referenceNullShare: 0,
      currentNullShare: 0,
    })),
  }
}

interface BarOption {
  yAxis: { data: string[] }
  series: { data: { value: number; itemStyle: { color: string } }[] }[]
  title: { text: string }
  tooltip: { formatter: (item: { dataIndex: number }) => string }
}

describe('buildContributionsOption', () => {
  it('draws one bar per feature in the ranked order, coloured by direction', () => {
    const option = buildContributionsOption(
      shift([
        ['fare_amount', 0.82],
        ['total_amount', 0.43],
        ['PULocationID', -0.023],
      ]),
    ) as unknown as BarOption
    expect(option.yAxis.data).toEqual(['fare_amount', 'total_amount', 'PULocationID'])
    expect(option.series[0]?.data.map((d) => d.value)).toEqual([0.82, 0.43, -0.023])
    expect(option.series[0]?.data.map((d) => d.itemStyle.color)).toEqual([
      CHART_COLORS.drifted,
      CHART_COLORS.drifted,
      CHART_COLORS.current,
    ])
    expect(option.title.text).toContain('shift +1.23')
    expect(option.title.text).not.toContain('estimate')
  })

  it('says when the contributions are an estimate and escapes feature names in tooltips', () => {
    const option = buildContributionsOption(shift([['<b>x</b>', 1]], true)) as unknown as BarOption
    expect(option.title.text).toContain('estimate')
    expect(option.tooltip.formatter({ dataIndex: 0 })).toContain('&lt;b&gt;x&lt;/b&gt;')
  })
})
