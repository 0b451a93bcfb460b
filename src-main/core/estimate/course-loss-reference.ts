import type { Frame } from '../data/frame'
import type { TripDurationModel } from '../model/trip-duration-model'
import { predictLinear } from '../model/linear-regression'
import { featureColumnsFilledWithZero } from '../model/trip-duration-model'
import { selectCourseTrips } from '../pipeline/course-trip-filter'
import { TRAIN_ROWS } from '../pipeline/course-columns'
import { tripDurationsMinutes } from '../pipeline/trip-durations'
import type { LossReference } from './direct-loss-estimation'

/**
 * The nanny's inputs for every row of `frame`: the model's features as the model sees them (nulls as 0)
 * followed by the model's prediction. Labels are not read.
 * @throws {RangeError} when a feature column is missing or not numeric.
 */
export function courseLossInputs(model: TripDurationModel, frame: Frame): number[][] {
  const columns = featureColumnsFilledWithZero(frame, model.featureOrder)
  const prediction = predictLinear(model, columns)
  return Array.from({ length: frame.rowCount }, (_, i) => [
    ...columns.map((column) => column[i] as number),
    prediction[i] as number,
  ])
}

/**
 * The reference the taxi course's estimator learns from: every trip of the reference month the model did
 * NOT train on — i.e. all raw rows except the first 30,000 trips kept by the course's filters — that has
 * a duration (both timestamps). Not only the course's filtered reference: the daily MAE the backfill
 * stores is over every trip of the day, including the 1–3 % outside 0–60 minutes whose errors of hours
 * dominate it, so the nanny must see such trips to learn how often they come (on January 2022:
 * 62,495 raw − 30,000 trained = 32,495 rows).
 *
 * @param raw the reference month's raw trips (all columns of the TLC file)
 * @throws {RangeError} when required columns are missing.
 */
export function courseLossReference(raw: Frame, model: TripDurationModel): LossReference {
  const trained = new Uint8Array(raw.rowCount)
  for (const row of selectCourseTrips(raw).rows.slice(0, TRAIN_ROWS)) trained[row] = 1
  const durations = tripDurationsMinutes(raw).values
  const inputs = courseLossInputs(model, raw)
  const predictionAt = model.featureOrder.length
  const rows: number[][] = []
  const losses: number[] = []
  for (let i = 0; i < raw.rowCount; i++) {
    const duration = durations[i] as number
    if (trained[i] === 1 || Number.isNaN(duration)) continue
    const row = inputs[i] as number[]
    rows.push(row)
    losses.push(Math.abs(duration - (row[predictionAt] as number)))
  }
  return { rows, losses: Float64Array.from(losses) }
}
