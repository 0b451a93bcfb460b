import type { Column } from '../data/frame'
import { isNullAt } from '../data/frame'
import { numpyQuicksortArgsort } from '../stats/numpy-quicksort-argsort'

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
 * The most common value the way `value_counts(dropna=False).index[0]` picks it when one value has the
 * highest count (nulls included as one value); when {@link hasTieForMostCommon}, use {@link pandasMostCommon}.
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
  return counts.nullCount > bestCount
    ? { value: null, count: counts.nullCount }
    : { value: best, count: bestCount }
}

/** Whether two or more values (nulls as one) share the highest count, so pandas' sort decides. */
export function hasTieForMostCommon(counts: ValueCounts): boolean {
  let bestCount = counts.nullCount
  let ties = counts.nullCount > 0 ? 1 : 0
  for (const count of counts.counts) {
    if (count > bestCount) {
      bestCount = count
      ties = 1
    } else if (count === bestCount) ties++
  }
  return ties > 1
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
 * such as timestamps or predictions; when several values tie for the most common, {@link pandasMostCommon}
 * picks the one pandas names. Strings use the map.
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
      mostCommon: hasTieForMostCommon(counts)
        ? pandasMostCommon(column, rowCount)
        : mostCommonValue(counts),
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
  let ties = 0
  for (let start = 0; start < sorted.length;) {
    const value = sorted[start] as number
    let end = start + 1
    while (end < sorted.length && sorted[end] === value) end++
    distinct++
    if (end - start > bestCount) {
      best = value
      bestCount = end - start
      ties = 1
    } else if (end - start === bestCount) ties++
    start = end
  }
  if (nullCount > bestCount)
    return { distinct, nullCount, mostCommon: { value: null, count: nullCount } }
  // Several values share the highest count: pandas' pick among them follows its own sort.
  if (ties > 1 || (nullCount === bestCount && nullCount > 0))
    return { distinct, nullCount, mostCommon: pandasMostCommon(column, rowCount) }
  return { distinct, nullCount, mostCommon: { value: best, count: bestCount } }
}

/**
 * `Series.value_counts(dropna=False).index[0]` exactly, ties included, for when several values share the
 * highest count: pandas 1.5 counts values in order of first appearance (nulls as one value), then sorts the
 * counts descending with `nargsort` (reverse, numpy's unstable quicksort argsort, reverse), so the winner
 * among ties depends on numpy's partitioning, which {@link numpyQuicksortArgsort} reproduces.
 * Complexity O(n) plus O(k log k) for k distinct values.
 * @see https://github.com/pandas-dev/pandas/blob/v1.5.3/pandas/core/sorting.py (nargsort)
 */
export function pandasMostCommon(
  column: Column,
  rowCount: number,
): { value: CellValue; count: number } {
  const slots = new Map<number | string, number>()
  const keys: CellValue[] = []
  const counts: number[] = []
  let nullSlot = -1
  for (let i = 0; i < rowCount; i++) {
    if (column.kind === 'null' || isNullAt(column, i)) {
      if (nullSlot < 0) {
        nullSlot = keys.length
        keys.push(null)
        counts.push(0)
      }
      counts[nullSlot] = (counts[nullSlot] as number) + 1
      continue
    }
    const value = column.values[i] as number | string
    let slot = slots.get(value)
    if (slot === undefined) {
      slot = keys.length
      slots.set(value, slot)
      keys.push(value)
      counts.push(0)
    }
    counts[slot] = (counts[slot] as number) + 1
  }
  const k = keys.length
  if (k === 0) return { value: null, count: 0 }
  const reversed = counts.slice().reverse()
  const order = numpyQuicksortArgsort(reversed)
  // nargsort(descending): indexer = reversedIndex[order], then reversed; its first entry is the winner.
  const top = k - 1 - (order[k - 1] as number)
  return { value: keys[top] as CellValue, count: counts[top] as number }
}
