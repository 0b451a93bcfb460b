import { describe, expect, it } from 'vitest'
import { buildLiveMaeOption, hasLabels } from './build-live-mae-option'
import type { LiveMetricsWindow } from '../../../src-main/shared/domain/live'
import { summarizeChartOption } from './summarize-chart-option'

function metricsWindow(
  start: string,
  predictionDrift: number | null,
  mae: number | null,
  labelledShare: number | null,
): LiveMetricsWindow {
  return {
    start,
    end: null,
    rows: 100,
    predictionDrift,
    shareMissingValues: 0.08,
    numDriftedColumns: 2,
    mae,
    rmse: mae === null ? null : mae * 1.4,
    labelledShare,
  }
}

type Series = { name: string; data: [number, number | null][]; yAxisIndex?: number }

describe('buildLiveMaeOption', () => {
  const windows = [
    metricsWindow('2022-03-01T00:00:00.000Z', 0.1, 5.25, 0.97),
    metricsWindow('2022-03-02T00:00:00.000Z', 0.1, null, 0),
  ]

  it('draws the MAE where labels arrived and a gap where they have not, with the labelled share beside it', () => {
    const series = buildLiveMaeOption(windows).series as Series[]
    expect(series.find((entry) => entry.name === 'MAE')?.data).toEqual([
      [Date.UTC(2022, 2, 1), 5.25],
      [Date.UTC(2022, 2, 2), null],
    ])
    const labelled = series.find((entry) => entry.name === 'Labelled share')
    expect(labelled?.yAxisIndex).toBe(1)
    expect(labelled?.data).toEqual([
      [Date.UTC(2022, 2, 1), 0.97],
      [Date.UTC(2022, 2, 2), 0],
    ])
    expect(summarizeChartOption(buildLiveMaeOption(windows)).points).toBe(3)
  })

  it('knows whether any label has arrived', () => {
    expect(hasLabels(windows)).toBe(true)
    expect(hasLabels([windows[1]!])).toBe(false)
  })
})
