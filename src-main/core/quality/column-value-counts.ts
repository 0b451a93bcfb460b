import type { Column } from '../data/frame'
import { isNullAt } from '../data/frame'

/** A value as pandas' `value_counts` keys it: a number, a string or null (every pandas null). */
export type CellValue = number | string | null

/** Counts of each distinct value, in first-seen order (pandas' hash-table order before sorting). */
export interface ValueCounts {
  readonly values: readonly CellValue[]
  readonly counts: readonly number[]
  readonly nullCount: number
}

/**
 * Counts each distinct value of a column, nulls (NaN, None, all-null columns) counted apart.
 * Complexity O(n) with a Map.
 * @example columnValueCounts({ kind: 'string', values: ['a', null, 'a'] }) // values ['a'], counts [2], nullCount 1
 */
export function columnValueCounts(column: Column, rowCount: number): ValueCounts {
  if (column.kind === 'null') return { values: [], counts: [], nullCount: rowCount }
  const index = new Map<number | string, number>()
  const values: CellValue[] = []
  const counts: number[] = []
  let nullCount = 0
  for (let i = 0; i < rowCount; i++) {
    if (isNullAt(column, i)) {
      nullCount++
      continue
    }
    const value = column.values[i] as number | string
    const slot = index.get(value)
    if (slot === undefined) {
      index.set(value, values.length)
      values.push(value)
      counts.push(1)
    } else {
      counts[slot] = (counts[slot] as number) + 1
    }
  }
  return { values, counts, nullCount }
}

/**
 * The most common value the way `value_counts(dropna=False).index[0]` picks it: the highest count, nulls
 * included as one value; ties go to the value seen first.
 */
export function mostCommonValue(counts: ValueCounts): { value: CellValue; count: number } {
  let best: CellValue = null
  let bestCount = 0
  for (let k = 0; k < counts.values.length; k++) {
    const count = counts.counts[k] as number
    if (count > bestCount) {
      best = counts.values[k] as CellValue
      bestCount = count
    }
  }
  // A null majority wins; on a tie the non-null value is kept (pandas' order there is unspecified).
  if (counts.nullCount > bestCount) return { value: null, count: counts.nullCount }
  return { value: best, count: bestCount }
}

/** Distinct values, nulls and the most common value of a column, without keeping every count. */
export interface ColumnTally {
  readonly distinct: number
  readonly nullCount: number
  readonly mostCommon: { readonly value: CellValue; readonly count: number }
}

/**
 * {@link columnValueCounts} reduced to what summaries need. Numeric columns are tallied from their sorted
 * non-null values (runs of equal values), which is much cheaper than a hash map for high-cardinality columns
 * such as timestamps or predictions; ties for the most common value go to the smallest value there (pandas'
 * order among ties is unspecified). Strings use the map.
 * @param sortedValues the column's ascending non-null values when already at hand
 */
export function columnTally(
  column: Column,
  rowCount: number,
  sortedValues?: Float64Array,
): ColumnTally {
  if (column.kind === 'string' || column.kind === 'null') {
    const counts = columnValueCounts(column, rowCount)
    return {
      distinct: counts.values.length,
      nullCount: counts.nullCount,
      mostCommon: mostCommonValue(counts),
    }
  }
  let sorted = sortedValues
  if (sorted === undefined) {
    const values = new Float64Array(rowCount)
    let n = 0
    for (let i = 0; i < rowCount; i++)
      if (!isNullAt(column, i)) values[n++] = column.values[i] as number
    sorted = values.subarray(0, n).sort()
  }
  const nullCount = rowCount - sorted.length
  let distinct = 0
  let best: number | null = null
  let bestCount = 0
  for (let start = 0; start < sorted.length;) {
    const value = sorted[start] as number
    let end = start + 1
    while (end < sorted.length && sorted[end] === value) end++
    distinct++
    if (end - start > bestCount) {
      best = value
      bestCount = end - start
    }
    start = end
  }
  if (nullCount > bestCount)
    return { distinct, nullCount, mostCommon: { value: null, count: nullCount } }
  return { distinct, nullCount, mostCommon: { value: best, count: bestCount } }
}
