import { describe, expect, it } from 'vitest'
import type { DayMetrics } from '../../../src-main/shared/domain/metrics'
import { buildCourseMetricsOption } from './build-course-metrics-option'

function day(date: string, predictionDrift: number, drifted: number, missing: number): DayMetrics {
  return {
    date,
    rows: 100,
    predictionDrift,
    numDriftedColumns: drifted,
    shareOfDriftedColumns: drifted / 7,
    datasetDrift: drifted >= 4,
    shareMissingValues: missing,
    missingByColumn: {},
    mae: null,
    rmse: null,
    columns: [],
  }
}

type Series = { name: string; data: (number | null)[]; yAxisIndex?: number }

describe('buildCourseMetricsOption', () => {
  const dates = ['2022-02-01', '2022-02-02', '2022-02-03']
  const option = buildCourseMetricsOption(dates, [
    day('2022-02-03', 0.19, 6, 0.08),
    day('2022-02-01', 0.188522969503924, 6, 0.08025169217332619),
  ])
  const series = option.series as Series[]

  it('puts every date of the backfill on the x axis, so days fill in as they arrive', () => {
    expect((option.xAxis as { data: string[] }).data).toEqual(['02-01', '02-02', '02-03'])
  })

  it("draws the course's three numbers, a missing day as a gap rather than zero", () => {
    const byName = Object.fromEntries(series.map((entry) => [entry.name, entry.data]))
    expect(byName['Prediction drift']).toEqual([0.188522969503924, null, 0.19])
    expect(byName['Share of missing values']).toEqual([0.08025169217332619, null, 0.08])
    expect(byName['Drifted columns']).toEqual([6, null, 6])
  })

  it('plots drifted columns (a count) on its own axis', () => {
    expect(series.find((entry) => entry.name === 'Drifted columns')?.yAxisIndex).toBe(1)
  })
})

describe('buildCourseMetricsOption with the MAE overlay', () => {
  const dates = ['2022-03-01', '2022-03-02', '2022-03-03']
  const estimated: DayMetrics = {
    ...day('2022-03-01', 0.1, 1, 0.05),
    mae: 9.87,
    estimatedMae: 13.07,
    estimatedMaeLower: 7.82,
    estimatedMaeUpper: 18.33,
  }
  // A day stored before estimates existed: its realized MAE is drawn, the estimate is a gap.
  const notEstimated: DayMetrics = { ...day('2022-03-03', 0.1, 1, 0.05), mae: 7.5 }
  const option = buildCourseMetricsOption(dates, [estimated, notEstimated], { showMae: true })
  const series = option.series as (Series & {
    stack?: string
    areaStyle?: unknown
    lineStyle?: { type?: string }
  })[]

  it('is off by default: the course chart keeps its three series and two axes', () => {
    const plain = buildCourseMetricsOption(dates, [estimated])
    expect((plain.series as Series[]).map((entry) => entry.name)).toEqual([
      'Drifted columns',
      'Prediction drift',
      'Share of missing values',
    ])
    expect(plain.yAxis as unknown[]).toHaveLength(2)
  })

  it('adds a minutes axis with the realized MAE and the dashed estimate, gaps where a day lacks one', () => {
    expect((option.yAxis as { name: string }[])[2]?.name).toBe('MAE (min)')
    const realized = series.find((entry) => entry.name === 'Realized MAE')!
    const estimate = series.find((entry) => entry.name === 'Estimated MAE')!
    expect(realized.data).toEqual([9.87, null, 7.5])
    expect(estimate.data).toEqual([13.07, null, null])
    expect(realized.yAxisIndex).toBe(2)
    expect(estimate.yAxisIndex).toBe(2)
    expect(estimate.lineStyle?.type).toBe('dashed')
  })

  it('draws the band as the lower bound with the band’s width stacked on it, so the area spans lower..upper', () => {
    const band = series.filter((entry) => entry.name === 'Estimated MAE band')
    expect(band).toHaveLength(2)
    expect(band.every((entry) => entry.stack === 'estimated-mae-band')).toBe(true)
    expect(band[0]!.data).toEqual([7.82, null, null])
    expect(band[0]!.areaStyle).toBeUndefined()
    expect(band[1]!.data[0]).toBeCloseTo(18.33 - 7.82, 12)
    expect(band[1]!.data.slice(1)).toEqual([null, null])
    expect(band[1]!.areaStyle).toBeDefined()
    // The top of the shaded area is the upper bound.
    expect((band[0]!.data[0] as number) + (band[1]!.data[0] as number)).toBeCloseTo(18.33, 12)
  })
})
