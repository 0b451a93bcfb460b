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
