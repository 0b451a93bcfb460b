import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readParquetFile } from '../../src-main/adapters/parquet/read-parquet-frame'
import type { Frame } from '../../src-main/core/data/frame'
import { isNullAt, takeRows } from '../../src-main/core/data/frame'
import { computeDayMetrics } from '../../src-main/core/pipeline/compute-day-metrics'
import { splitDailyWindows } from '../../src-main/core/pipeline/daily-windows'
import type { TrainingResult } from '../../src-main/core/pipeline/prepare-training'
import { prepareTraining } from '../../src-main/core/pipeline/prepare-training'
import type { ReferenceContext } from '../../src-main/core/pipeline/reference-context'
import { createReferenceContext } from '../../src-main/core/pipeline/reference-context'
import { syntheticTaxiDataDir } from '../support/taxi-data'

/**
 * The same pipeline on the generated green-taxi files a fresh clone tests with: no answer key exists for
 * them, so these tests check the invariants the course's numbers obey and recount by hand.
 */
describe('the course pipeline on synthetic TLC-shaped files', () => {
  let training: TrainingResult
  let february: Frame
  let context: ReferenceContext

  beforeAll(async () => {
    const dir = await syntheticTaxiDataDir()
    training = prepareTraining(
      await readParquetFile(join(dir, 'green_tripdata_2022-01.parquet')),
      '2022-01',
    )
    february = await readParquetFile(join(dir, 'green_tripdata_2022-02.parquet'))
    context = createReferenceContext(training.reference, training.model)
  })

  it('applies the notebook filters and splits train/reference at 30,000 rows', () => {
    const { summary, reference } = training
    expect(summary.rawRows).toBeGreaterThan(summary.rowsAfterDurationFilter)
    expect(summary.rowsAfterDurationFilter).toBeGreaterThan(summary.filteredRows)
    expect(summary.trainRows).toBe(30_000)
    expect(summary.referenceRows).toBe(summary.filteredRows - 30_000)
    expect(reference.names).toContain('duration_min')
    expect(reference.names.at(-1)).toBe('prediction')
    const duration = reference.columns.duration_min
    const passengers = reference.columns.passenger_count
    for (let i = 0; i < reference.rowCount; i++) {
      const d = duration && 'values' in duration ? (duration.values[i] as number) : NaN
      expect(d >= 0 && d <= 60).toBe(true)
      const p = passengers && 'values' in passengers ? (passengers.values[i] as number) : NaN
      expect(p > 0 && p <= 8).toBe(true)
    }
  })

  it('computes every day with the large-reference defaults and consistent counts', () => {
    const windows = splitDailyWindows(february, '2022-02-01', 28)
    for (const { date, rows } of windows) {
      const current = takeRows(february, rows)
      const day = computeDayMetrics(context, current, date)
      expect(day.rows).toBe(rows.length)
      expect(day.columns.map((c) => c.column)).toEqual([
        'prediction',
        'fare_amount',
        'passenger_count',
        'total_amount',
        'trip_distance',
        'PULocationID',
        'DOLocationID',
      ])
      for (const column of day.columns) {
        expect(column.error).toBeUndefined()
        expect(column.stattest).toBe(column.columnType === 'cat' ? 'jensenshannon' : 'wasserstein')
        expect(column.driftDetected).toBe((column.driftScore as number) >= 0.1)
      }
      expect(day.numDriftedColumns).toBe(day.columns.filter((c) => c.driftDetected).length)
      expect(day.predictionDrift).toBe(day.columns[0]?.driftScore)

      // Recount the missing cells by hand: 20 raw columns + the prediction, which is never missing.
      let missing = 0
      for (const name of current.names) {
        const column = current.columns[name]!
        for (let i = 0; i < current.rowCount; i++) {
          if (isNullAt(column, i)) missing++
          else if (column.kind === 'string' && column.values[i] === '') missing++
        }
      }
      expect(day.shareMissingValues).toBeCloseTo(missing / (21 * current.rowCount), 14)
    }
  })

  it('reports a day without trips as such and still computes the others', () => {
    const empty = takeRows(february, [])
    const day = computeDayMetrics(context, empty, '2022-02-28')
    expect(day.rows).toBe(0)
    expect(day.predictionDrift).toBeNull()
    expect(day.error).toMatch(/No trips were picked up on 2022-02-28/)
  })

  it('names a missing feature column when the file lacks it', () => {
    const { passenger_count: _dropped, ...rest } = february.columns
    const broken: Frame = {
      ...february,
      names: february.names.filter((n) => n !== 'passenger_count'),
      columns: rest,
    }
    expect(() => computeDayMetrics(context, broken, '2022-02-01')).toThrow(
      /Column 'passenger_count' is missing/,
    )
  })
})
