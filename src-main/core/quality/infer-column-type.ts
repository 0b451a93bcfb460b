import type { Column } from '../data/frame'

/** Evidently's column types for summaries: numerical, categorical or datetime. */
export type SummaryColumnType = 'num' | 'cat' | 'datetime'

/** Evidently's `NUMBER_UNIQUE_AS_CATEGORICAL`: integer columns with at most 5 distinct values are categorical. */
const maxUniqueForIntegerCategorical = 5

/**
 * The type Evidently gives a column that is not in the column mapping (`utils/data_preprocessing.py::
 * _get_column_type`): timestamps are datetime; strings, booleans and all-null columns are categorical;
 * integer columns (no nulls, as pandas would keep them int64) with ≤ 5 distinct values are categorical;
 * every other number is numerical.
 *
 * `mapped` (from the column mapping) always wins. The type is decided on the reference when there is one,
 * as Evidently's data definition is.
 * @example inferColumnType({ kind: 'int64', values: Float64Array.of(1, 2, 2), valid: null }) // 'cat'
 */
export function inferColumnType(column: Column, mapped?: 'num' | 'cat'): SummaryColumnType {
  if (mapped !== undefined) return mapped
  switch (column.kind) {
    case 'null':
    case 'string':
    case 'bool':
      return 'cat'
    case 'timestamp_us':
      return 'datetime'
    case 'int64':
    case 'int32': {
      // pandas stores an integer column with nulls as float64, which Evidently treats as numerical.
      if (column.valid !== null && column.valid.includes(0)) return 'num'
      const distinct = new Set<number>()
      for (const value of column.values) {
        distinct.add(value)
        if (distinct.size > maxUniqueForIntegerCategorical) return 'num'
      }
      return 'cat'
    }
    default:
      return 'num'
  }
}
