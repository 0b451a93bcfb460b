import type { Frame } from '../data/frame'
import { getNumericColumn, isNullAt } from '../data/frame'

/** A feature as a linear model reads it: nulls (and NaN) as 0, and how many there were. */
export interface FilledFeature {
  readonly values: Float64Array
  readonly nullCount: number
}

/**
 * A feature column with nulls read as 0 — the course's `current[num + cat].fillna(0)` — and its null
 * count, so an explanation can say how much of a feature's shift comes from missing values.
 *
 * @throws {RangeError} when the column is missing or not numeric, naming it.
 * @example linearFeatureColumn({ rowCount: 2, names: ['x'], columns: { x: { kind: 'float64', values: Float64Array.of(2, NaN), valid: null } } }, 'x') // values [2, 0], nullCount 1
 */
export function linearFeatureColumn(frame: Frame, name: string): FilledFeature {
  const column = getNumericColumn(frame, name)
  const values = Float64Array.from(column.values)
  let nullCount = 0
  for (let i = 0; i < values.length; i++) {
    if (isNullAt(column, i)) {
      values[i] = 0
      nullCount++
    }
  }
  return { values, nullCount }
}
