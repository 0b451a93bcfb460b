import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readParquetFile } from '../../src-main/adapters/parquet/read-parquet-frame'
import type { Frame } from '../../src-main/core/data/frame'
import { getColumn, getNumericColumn, isNullAt, takeRows } from '../../src-main/core/data/frame'
import { regressionErrors } from '../../src-main/core/model/regression-errors'
import { predictTripDurations } from '../../src-main/core/model/trip-duration-model'
import { PREDICTION_COLUMN } from '../../src-main/core/pipeline/course-columns'
import { selectCourseTrips } from '../../src-main/core/pipeline/course-trip-filter'
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
      const key = readAnswerJson<ModelAnswer>('model_and_reference.json')
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

    it('reproduces the notebook: filtered shape, reference columns, missing values and prediction statistics', () => {
      const key = readAnswerJson<ModelAnswer>('model_and_reference.json')
      const { reference, summary } = training
      expect(summary.featureOrder).toEqual(key.feature_order)
      // The filtered frame is the raw columns plus duration_min; the reference adds the prediction.
      expect(reference.names).toEqual(key.reference_columns)
      const filteredColumns = reference.names.filter((name) => name !== PREDICTION_COLUMN)
      expect([summary.filteredRows, filteredColumns.length]).toEqual(key.jan_filtered_shape)
      expect(reference.rowCount).toBe(key.reference_rows)
      const missing = Object.fromEntries(
        reference.names.map((name) => {
          const column = getColumn(reference, name)
          let count = 0
          for (let i = 0; i < reference.rowCount; i++) if (isNullAt(column, i)) count += 1
          return [name, count]
        }),
      )
      expect(missing).toEqual(key.reference_missing_per_column)

      // pandas' Series.mean/std(ddof=1)/min/max/sum of the reference predictions.
      const prediction = getNumericColumn(reference, PREDICTION_COLUMN).values
      const n = prediction.length
      const sum = prediction.reduce((total, value) => total + value, 0)
      const mean = sum / n
      const std = Math.sqrt(
        prediction.reduce((total, value) => total + (value - mean) ** 2, 0) / (n - 1),
      )
      const stats = key.reference_prediction_stats
      expect(isClose(sum, stats.sum), `sum ${sum} vs ${stats.sum}`).toBe(true)
      expect(isClose(mean, stats.mean), `mean ${mean} vs ${stats.mean}`).toBe(true)
      expect(isClose(std, stats.std), `std ${std} vs ${stats.std}`).toBe(true)
      expect(isClose(Math.min(...prediction), stats.min)).toBe(true)
      expect(isClose(Math.max(...prediction), stats.max)).toBe(true)
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
      const key = readAnswerJson<RegressionAnswer>('regression_per_day.json')
      expect(key.days.map((d) => d.date)).toEqual(days.map((d) => d.date))
      for (const expected of key.days) {
        const day = days.find((d) => d.date === expected.date) as DayMetrics
        expect(day.rows, day.date).toBe(expected.rows_all)
        expect(isClose(day.mae as number, expected.sklearn_all_rows.mae), day.date).toBe(true)
        expect(isClose(day.rmse as number, expected.sklearn_all_rows.rmse), day.date).toBe(true)
      }
    })

    it("reproduces each day's MAE and RMSE on the rows that pass the course's filters", () => {
      const key = readAnswerJson<RegressionAnswer>('regression_per_day.json')
      const windows = splitDailyWindows(february, '2022-02-01', 27)
      for (const expected of key.days) {
        const window = windows.find((w) => w.date === expected.date)
        expect(window, expected.date).toBeDefined()
        const day = takeRows(february, window!.rows)
        const trips = selectCourseTrips(day)
        expect(trips.rows.length, expected.date).toBe(expected.rows_course_filter)
        const errors = regressionErrors(
          trips.durations,
          predictTripDurations(training.model, takeRows(day, trips.rows)),
        )
        const { mae, rmse } = expected.sklearn_course_filter
        expect(isClose(errors.mae, mae), `${expected.date} MAE ${errors.mae} vs ${mae}`).toBe(true)
        expect(isClose(errors.rmse, rmse), `${expected.date} RMSE ${errors.rmse} vs ${rmse}`).toBe(
          true,
        )
      }
    })
  },
)

interface ModelAnswer {
  jan_raw_shape: [number, number]
  jan_rows_after_duration_filter: number
  jan_filtered_shape: [number, number]
  train_rows: number
  reference_rows: number
  reference_columns: string[]
  reference_missing_per_column: Record<string, number>
  feature_order: string[]
  coef: Record<string, number>
  intercept: number
  mae_train: number
  mae_val: number
  rmse_train: number
  rmse_val: number
  reference_prediction_stats: { mean: number; std: number; min: number; max: number; sum: number }
}

interface RegressionAnswer {
  days: {
    date: string
    rows_all: number
    sklearn_all_rows: { mae: number; rmse: number }
    rows_course_filter: number
    sklearn_course_filter: { mae: number; rmse: number }
  }[]
}
