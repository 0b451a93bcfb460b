import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readParquetFile } from '../../src-main/adapters/parquet/read-parquet-frame'
import type { Frame } from '../../src-main/core/data/frame'
import { takeRows } from '../../src-main/core/data/frame'
import { computeDayMetrics } from '../../src-main/core/pipeline/compute-day-metrics'
import { splitDailyWindows } from '../../src-main/core/pipeline/daily-windows'
import type { TrainingResult } from '../../src-main/core/pipeline/prepare-training'
import { prepareTraining } from '../../src-main/core/pipeline/prepare-training'
import { createReferenceContext } from '../../src-main/core/pipeline/reference-context'
import type { DayMetrics } from '../../src-main/shared/domain/metrics'
import { realTaxiDataDir } from '../support/taxi-data'
import { hasAnswerKeys, isClose, readAnswerJson, readAnswerTsv } from '../support/answer-keys'

/**
 * The engine against Evidently 0.4's own output on the course data (../shared/answers): the notebook's model,
 * then the 27 days of the course backfill — every value to 1e-9 relative.
 */
const DATA_DIR = realTaxiDataDir() ?? ''

describe.skipIf(!hasAnswerKeys() || DATA_DIR === '')(
  'the course pipeline on the real TLC files (answer keys)',
  () => {
    let training: TrainingResult
    let february: Frame
    let days: DayMetrics[]

    beforeAll(async () => {
      training = prepareTraining(
        await readParquetFile(join(DATA_DIR, 'green_tripdata_2022-01.parquet')),
        '2022-01',
      )
      february = await readParquetFile(join(DATA_DIR, 'green_tripdata_2022-02.parquet'))
      const context = createReferenceContext(training.reference, training.model)
      days = splitDailyWindows(february, '2022-02-01', 27).map(({ date, rows }) =>
        computeDayMetrics(context, takeRows(february, rows), date),
      )
    })

    it('reproduces the notebook: row counts, coefficients, intercept, MAE and RMSE', () => {
      const key = readAnswerJson<{
        jan_raw_shape: [number, number]
        jan_rows_after_duration_filter: number
        train_rows: number
        reference_rows: number
        coef: Record<string, number>
        intercept: number
        mae_train: number
        mae_val: number
        rmse_train: number
        rmse_val: number
        reference_prediction_stats: { mean: number; sum: number }
      }>('model_and_reference.json')
      const { summary } = training
      expect(summary.rawRows).toBe(key.jan_raw_shape[0])
      expect(summary.rowsAfterDurationFilter).toBe(key.jan_rows_after_duration_filter)
      expect(summary.trainRows).toBe(key.train_rows)
      expect(summary.referenceRows).toBe(key.reference_rows)
      for (const [feature, coefficient] of Object.entries(key.coef)) {
        expect(isClose(summary.coefficients[feature] as number, coefficient), feature).toBe(true)
      }
      expect(isClose(summary.intercept, key.intercept)).toBe(true)
      expect(isClose(summary.maeTrain, key.mae_train)).toBe(true)
      expect(isClose(summary.maeValidation, key.mae_val)).toBe(true)
      expect(isClose(summary.rmseTrain, key.rmse_train)).toBe(true)
      expect(isClose(summary.rmseValidation, key.rmse_val)).toBe(true)
    })

    it('reproduces summary.tsv: rows, prediction drift, drifted columns and missing share for 27 days', () => {
      const expected = readAnswerTsv('summary.tsv')
      expect(days.map((d) => d.date)).toEqual(expected.map((row) => row.date))
      for (const [i, row] of expected.entries()) {
        const day = days[i] as DayMetrics
        expect(day.rows, day.date).toBe(Number(row.current_rows))
        expect(isClose(day.predictionDrift as number, Number(row.prediction_drift)), day.date).toBe(
          true,
        )
        expect(day.numDriftedColumns, day.date).toBe(Number(row.num_drifted_columns))
        expect(
          isClose(day.shareMissingValues as number, Number(row.share_missing_values)),
          day.date,
        ).toBe(true)
      }
    })

    it('reproduces drift_by_column.tsv: stattest, threshold, score and decision per day and column', () => {
      const expected = readAnswerTsv('drift_by_column.tsv')
      expect(expected.length).toBe(27 * 7)
      for (const row of expected) {
        const day = days.find((d) => d.date === row.date) as DayMetrics
        const column = day.columns.find((c) => c.column === row.column)
        expect(column, `${row.date} ${row.column}`).toBeDefined()
        expect(column?.columnType).toBe(row.column_type)
        expect(column?.stattestName).toBe(row.stattest_name)
        expect(column?.threshold).toBe(Number(row.stattest_threshold))
        expect(
          isClose(column?.driftScore as number, Number(row.drift_score)),
          `${row.date} ${row.column}`,
        ).toBe(true)
        expect(column?.driftDetected).toBe(row.drift_detected === 'True')
      }
    })

    it('reproduces the MAE and RMSE of each day against the real durations', () => {
      const key = readAnswerJson<{
        days: { date: string; sklearn_all_rows: { mae: number; rmse: number } }[]
      }>('regression_per_day.json')
      for (const expected of key.days) {
        const day = days.find((d) => d.date === expected.date) as DayMetrics
        expect(isClose(day.mae as number, expected.sklearn_all_rows.mae), day.date).toBe(true)
        expect(isClose(day.rmse as number, expected.sklearn_all_rows.rmse), day.date).toBe(true)
      }
    })
  },
)
