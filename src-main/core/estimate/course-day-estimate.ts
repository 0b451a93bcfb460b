import type { Frame } from '../data/frame'
import type { TripDurationModel } from '../model/trip-duration-model'
import { tripDurationsMinutes } from '../pipeline/trip-durations'
import { courseLossInputs } from './course-loss-reference'
import type { DirectLossEstimator, EstimatedMae } from './direct-loss-estimation'
import { estimateWindowMae } from './direct-loss-estimation'

/** A day's estimate beside its realized MAE (null when no trip of the day has a duration yet). */
export interface CourseDayEstimate extends EstimatedMae {
  readonly realizedMae: number | null
}

/**
 * The estimated MAE of one day of trips (from the features and the prediction only) and, beside it, the
 * realized MAE exactly as the backfill stores it: the mean of |duration − prediction| over the day's trips
 * whose duration is known (both timestamps), every trip counted (no 0–60 minute filter).
 *
 * @throws {RangeError} on an empty day or a missing feature column.
 */
export function estimateCourseDay(
  estimator: DirectLossEstimator,
  model: TripDurationModel,
  day: Frame,
): CourseDayEstimate {
  const inputs = courseLossInputs(model, day)
  const estimate = estimateWindowMae(estimator, inputs)
  const durations = tripDurationsMinutes(day).values
  const predictionAt = model.featureOrder.length
  let sum = 0
  let labelled = 0
  for (let i = 0; i < inputs.length; i++) {
    const duration = durations[i] as number
    if (Number.isNaN(duration)) continue
    sum += Math.abs((inputs[i]![predictionAt] as number) - duration)
    labelled++
  }
  return { ...estimate, realizedMae: labelled === 0 ? null : sum / labelled }
}
