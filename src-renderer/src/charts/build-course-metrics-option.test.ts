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
