import type { Frame } from '../data/frame'
import { getNumericColumn } from '../data/frame'
import type { LinearModel } from './linear-regression'
import { fitLinearRegression, predictLinear } from './linear-regression'

/** The course's model: linear regression of trip duration on six features. Plain data (saved as JSON). */
export interface TripDurationModel extends LinearModel {
  readonly featureOrder: readonly string[]
}

/**
 * Feature columns as dense arrays, nulls read as 0 — the course's `current[num + cat].fillna(0)`.
 * @throws {RangeError} when a feature column is missing or not numeric, naming it.
 */
export function featureColumnsFilledWithZero(
  frame: Frame,
  features: readonly string[],
): Float64Array[] {
  return features.map((name) => {
    const column = getNumericColumn(frame, name)
    const out = Float64Array.from(column.values)
    for (let i = 0; i < out.length; i++) {
      if ((column.valid !== null && column.valid[i] === 0) || Number.isNaN(out[i])) out[i] = 0
    }
    return out
  })
}

/** Fits the trip-duration model on `frame` (features and `target` must be present). */
export function fitTripDurationModel(
  frame: Frame,
  features: readonly string[],
  target: Float64Array,
): TripDurationModel {
  const fitted = fitLinearRegression(featureColumnsFilledWithZero(frame, features), target)
  return { ...fitted, featureOrder: [...features] }
}

/** Predicted durations (minutes) for every row of `frame`; null features count as 0. */
export function predictTripDurations(model: TripDurationModel, frame: Frame): Float64Array {
  return predictLinear(model, featureColumnsFilledWithZero(frame, model.featureOrder))
}
