import type { Frame, NumericColumn } from '../data/frame'
import { getNumericColumn } from '../data/frame'
import { DROPOFF_COLUMN, PICKUP_COLUMN } from './course-columns'

/**
 * Trip duration in minutes, as the course notebook computes it:
 * `(dropoff - pickup).total_seconds() / 60` on pandas nanosecond timedeltas.
 *
 * Timestamps are microseconds here, so the difference is scaled to nanoseconds first and then divided
 * exactly as pandas does (`ns / 1e9`, then `/ 60`), which makes every value bit-identical to the notebook's.
 * A null pickup or dropoff gives a null duration.
 *
 * @example durations of a 10-minute trip → 10
 */
export function tripDurationsMinutes(frame: Frame): NumericColumn {
  const pickup = getNumericColumn(frame, PICKUP_COLUMN)
  const dropoff = getNumericColumn(frame, DROPOFF_COLUMN)
  const n = frame.rowCount
  const values = new Float64Array(n)
  let valid: Uint8Array | null = null
  for (let i = 0; i < n; i++) {
    const isPresent =
      (pickup.valid === null || pickup.valid[i] === 1) &&
      (dropoff.valid === null || dropoff.valid[i] === 1)
    if (!isPresent) {
      valid ??= new Uint8Array(n).fill(1)
      valid[i] = 0
      values[i] = Number.NaN
      continue
    }
    const nanoseconds = ((dropoff.values[i] as number) - (pickup.values[i] as number)) * 1000
    values[i] = nanoseconds / 1e9 / 60
  }
  return { kind: 'float64', values, valid }
}
