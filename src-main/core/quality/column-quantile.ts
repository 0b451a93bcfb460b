import type { Frame } from '../data/frame'
import { getColumn } from '../data/frame'
import { sortedNonNullValues } from './column-summary'
import { linearQuantile } from '../stats/linear-quantile'

/** Evidently 0.4 `ColumnQuantileMetric` result (plot-only distributions left out). */
export interface ColumnQuantileResult {
  readonly column_name: string
  readonly column_type: 'num'
  readonly quantile: number
  readonly current: { readonly value: number | null }
  readonly reference: { readonly value: number | null } | null
}

/**
 * The q-quantile of a numeric column's non-null values, as `pandas.Series.quantile(q)` computes it
 * (linear interpolation). This is the 2024 homework's "median of fare_amount per day" (q = 0.5).
 * An empty or all-null column gives `value: null` rather than an error.
 * @throws {RangeError} when q is outside [0, 1] or the column is missing or not numeric.
 * @example columnQuantile(frame, 'fare_amount', 0.5).current.value // 12.5 on 2024-03-01
 */
export function columnQuantile(
  current: Frame,
  column: string,
  quantile: number,
  reference?: Frame,
): ColumnQuantileResult {
  if (!(quantile >= 0 && quantile <= 1)) {
    throw new RangeError(`ColumnQuantileMetric needs a quantile within [0, 1]; got ${quantile}.`)
  }
  const valueOf = (frame: Frame): number | null => {
    const data = getColumn(frame, column)
    if (data.kind === 'string') {
      throw new RangeError(
        `ColumnQuantileMetric needs a numeric column; '${column}' holds strings.`,
      )
    }
    const sorted = sortedNonNullValues(data, frame.rowCount)
    return sorted.length === 0 ? null : linearQuantile(sorted, quantile)
  }
  return {
    column_name: column,
    column_type: 'num',
    quantile,
    current: { value: valueOf(current) },
    reference: reference === undefined ? null : { value: valueOf(reference) },
  }
}
