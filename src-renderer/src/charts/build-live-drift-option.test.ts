import { describe, expect, it } from 'vitest'
import type { LiveMetricsWindow } from '../../../src-main/shared/domain/live'
import { buildLiveDriftOption } from './build-live-drift-option'

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

type Series = { name: string; data: [number, number | null][] }

describe('buildLiveDriftOption', () => {
  it('draws prediction drift and the share of missing values per window', () => {
    const option = buildLiveDriftOption([
      metricsWindow('2022-03-01T00:00:00.000Z', 0.188522969503924, null, 0),
      metricsWindow('2022-03-02T00:00:00.000Z', null, null, 0),
    ])
    const byName = Object.fromEntries(
      (option.series as Series[]).map((entry) => [entry.name, entry.data]),
    )
    expect(byName['Prediction drift']).toEqual([
      [Date.UTC(2022, 2, 1), 0.188522969503924],
      [Date.UTC(2022, 2, 2), null],
    ])
    expect(byName['Share of missing values']?.[0]).toEqual([Date.UTC(2022, 2, 1), 0.08])
  })
})
