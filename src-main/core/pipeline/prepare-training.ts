import type { ModelSummary } from '../../shared/domain/metrics'
import type { Frame } from '../data/frame'
import { getNumericColumn, takeRows, withColumn } from '../data/frame'
import { regressionErrors } from '../model/regression-errors'
import type { TripDurationModel } from '../model/trip-duration-model'
import { fitTripDurationModel, predictTripDurations } from '../model/trip-duration-model'
import {
  MODEL_FEATURES,
  PREDICTION_COLUMN,
  REQUIRED_TRIP_COLUMNS,
  TARGET_COLUMN,
  TRAIN_ROWS,
} from './course-columns'
import { checkTripColumns } from './check-trip-columns'
import { selectCourseTrips } from './course-trip-filter'

/** The trained model, the reference frame it is monitored against, and the notebook's numbers. */
export interface TrainingResult {
  readonly model: TripDurationModel
  /** Filtered rows after the first 30,000, with `duration_min` and `prediction` appended. */
  readonly reference: Frame
  readonly summary: ModelSummary
}

/**
 * The course's baseline notebook, step for step:
 * 1. `duration_min` from the pickup and dropoff timestamps;
 * 2. keep `0 <= duration_min <= 60`, then `0 < passenger_count <= 8` (nulls fail both; `selectCourseTrips`);
 * 3. train on the first 30,000 rows (file order), keep the rest as the reference;
 * 4. fit OLS with intercept on the six features (location ids as plain numbers);
 * 5. predict the reference.
 * On January 2022 this gives 62,495 → 61,671 → 55,211 rows, train 30,000, reference 25,211.
 *
 * @throws {RangeError} when a required column is missing or of the wrong type, or too few trips survive the filters.
 */
export function prepareTraining(raw: Frame, referenceMonth: string): TrainingResult {
  checkTripColumns(raw)
  for (const name of REQUIRED_TRIP_COLUMNS) getNumericColumn(raw, name)
  const { rows: keptRows, durations, rowsAfterDurationFilter } = selectCourseTrips(raw)
  if (keptRows.length <= TRAIN_ROWS) {
    throw new RangeError(
      `Training needs more than ${TRAIN_ROWS.toLocaleString('en-US')} trips after the course's filters (0-60 min, 1-8 passengers); ${referenceMonth} has ${keptRows.length.toLocaleString('en-US')}. Choose a fuller reference month.`,
    )
  }

  const filtered = withColumn(takeRows(raw, keptRows), TARGET_COLUMN, {
    kind: 'float64',
    values: durations,
    valid: null,
  })
  const trainIndex = Uint32Array.from({ length: TRAIN_ROWS }, (_, i) => i)
  const referenceIndex = Uint32Array.from(
    { length: filtered.rowCount - TRAIN_ROWS },
    (_, i) => i + TRAIN_ROWS,
  )
  const train = takeRows(filtered, trainIndex)
  const referenceWithoutPrediction = takeRows(filtered, referenceIndex)

  const trainTarget = getNumericColumn(train, TARGET_COLUMN).values
  const model = fitTripDurationModel(train, MODEL_FEATURES, trainTarget)
  const trainPrediction = predictTripDurations(model, train)
  const referencePrediction = predictTripDurations(model, referenceWithoutPrediction)
  const reference = withColumn(referenceWithoutPrediction, PREDICTION_COLUMN, {
    kind: 'float64',
    values: referencePrediction,
    valid: null,
  })
  const trainErrors = regressionErrors(trainTarget, trainPrediction)
  const validationErrors = regressionErrors(
    getNumericColumn(reference, TARGET_COLUMN).values,
    referencePrediction,
  )
  const coefficients: Record<string, number> = {}
  model.featureOrder.forEach((name, j) => (coefficients[name] = model.coefficients[j] as number))

  return {
    model,
    reference,
    summary: {
      referenceMonth,
      rawRows: raw.rowCount,
      rowsAfterDurationFilter,
      filteredRows: keptRows.length,
      trainRows: TRAIN_ROWS,
      referenceRows: reference.rowCount,
      featureOrder: model.featureOrder,
      coefficients,
      intercept: model.intercept,
      maeTrain: trainErrors.mae,
      maeValidation: validationErrors.mae,
      rmseTrain: trainErrors.rmse,
      rmseValidation: validationErrors.rmse,
    },
  }
}
