import type { Frame } from '../data/frame'
import { getNumericColumn } from '../data/frame'
import { tripDurationsMinutes } from './trip-durations'

/** The trips the course keeps, with their durations. */
export interface CourseTrips {
  /** Indices of the kept rows of the input frame, in file order. */
  readonly rows: readonly number[]
  /** `duration_min` of each kept row, aligned with `rows`. */
  readonly durations: Float64Array
  /** How many rows passed the duration filter alone (the notebook prints it). */
  readonly rowsAfterDurationFilter: number
}

/**
 * The course notebook's filters, in its order: `duration_min` from the pickup and dropoff timestamps,
 * keep `0 <= duration_min <= 60`, then `0 < passenger_count <= 8`. A null timestamp or passenger count
 * fails both, as NaN comparisons do in pandas.
 *
 * @throws {RangeError} when the timestamps or `passenger_count` are missing.
 * @example On January 2022 (62,495 rows): 61,671 rows after the duration filter, 55,211 kept.
 */
export function selectCourseTrips(frame: Frame): CourseTrips {
  const durations = tripDurationsMinutes(frame)
  const passengers = getNumericColumn(frame, 'passenger_count')
  let rowsAfterDurationFilter = 0
  const rows: number[] = []
  for (let i = 0; i < frame.rowCount; i++) {
    const d = durations.values[i] as number
    // NaN (a null timestamp) fails both comparisons, as in pandas.
    if (!(d >= 0 && d <= 60)) continue
    rowsAfterDurationFilter += 1
    const isPresent = passengers.valid === null || passengers.valid[i] === 1
    const p = passengers.values[i] as number
    if (isPresent && p > 0 && p <= 8) rows.push(i)
  }
  return {
    rows,
    durations: Float64Array.from(rows, (i) => durations.values[i] as number),
    rowsAfterDurationFilter,
  }
}
