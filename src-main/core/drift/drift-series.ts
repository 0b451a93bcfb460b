import type { Column } from '../data/frame'
import type { DriftSeries } from './stattests/stat-test'

/**
 * The values a stattest sees for one column: nulls, NaN and ±inf removed (Evidently's
 * `replace([-inf, inf], nan).dropna()`). Numeric storage stays a Float64Array (also for categorical
 * columns with numeric codes, such as location ids); strings stay strings.
 *
 * Evidently's dataset path (DataDriftTable/DatasetDriftMetric) skips this cleaning for a column without
 * NaN, so there a `±inf` in an otherwise complete column reaches the stattest (spec 1.3). driftdesk always
 * drops ±inf, as Evidently's documentation and its ColumnDriftMetric do; the two agree on every column that
 * holds no infinity, which includes all TLC data.
 *
 * Complexity: O(n).
 * @example cleanDriftSeries({ kind: 'float64', values: [1, NaN, Infinity, 2], valid: null }) → Float64Array [1, 2]
 */
export function cleanDriftSeries(column: Column): DriftSeries {
  switch (column.kind) {
    case 'null':
      return new Float64Array(0)
    case 'string': {
      const out: string[] = []
      for (const value of column.values) if (value !== null) out.push(value)
      return out
    }
    default: {
      const { values, valid } = column
      let kept = 0
      const out = new Float64Array(values.length)
      for (let i = 0; i < values.length; i++) {
        const value = values[i] as number
        if ((valid === null || valid[i] === 1) && Number.isFinite(value)) out[kept++] = value
      }
      return kept === values.length ? out : out.slice(0, kept)
    }
  }
}
