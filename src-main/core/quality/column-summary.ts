import type { Column } from '../data/frame'
import { cellValueOf, isNullAt } from '../data/frame'
import type { CellValue, ColumnTally } from './column-value-counts'
import {
  columnTally,
  columnValueCounts,
  hasTieForMostCommon,
  mostCommonValue,
  pandasMostCommon,
} from './column-value-counts'
import type { SummaryColumnType } from './infer-column-type'
import { linearQuantile } from '../stats/linear-quantile'
import { numpyRound } from './numpy-round'
import { numpyPairwiseSum } from '../stats/numpy-pairwise-sum'
import { standardDeviation } from '../stats/standard-deviation'

/**
 * Evidently 0.4 `NumericCharacteristics` (ColumnSummaryMetric), field names as in its `as_dict()`: the
 * pandas `describe()` statistics plus counts of rows, distinct, missing and infinite values.
 */
export interface NumericCharacteristics extends DescribedNumbers {
  readonly number_of_rows: number
  readonly unique: number
  readonly unique_percentage: number
  readonly missing: number
  readonly missing_percentage: number
  readonly infinite_count: number
  readonly infinite_percentage: number
  readonly most_common: CellValue
  readonly most_common_percentage: number
}

/** Evidently 0.4 `CategoricalCharacteristics`. */
export interface CategoricalCharacteristics {
  readonly number_of_rows: number
  readonly count: number
  readonly unique: number
  readonly unique_percentage: number
  readonly most_common: CellValue | boolean
  readonly most_common_percentage: number
  readonly missing: number
  readonly missing_percentage: number
  readonly new_in_current_values_count: number | null
  readonly unused_in_current_values_count: number | null
}

/** Evidently 0.4 `DatetimeCharacteristics`; `first`/`last` print like pandas Timestamps. */
export interface DatetimeCharacteristics {
  readonly number_of_rows: number
  readonly count: number
  readonly unique: number
  readonly unique_percentage: number
  readonly most_common: CellValue
  readonly most_common_percentage: number
  readonly missing: number
  readonly missing_percentage: number
  readonly first: string | null
  readonly last: string | null
}

export type ColumnCharacteristics =
  NumericCharacteristics | CategoricalCharacteristics | DatetimeCharacteristics

/**
 * Raw (unrounded) describe() statistics kept beside the rounded characteristics, so tests and plots can use
 * exact values while the JSON shows Evidently's 2-decimal numbers.
 */
export interface ColumnSummaryStatistics {
  /** Sorted finite non-null values (numeric and datetime columns); empty for categorical ones. */
  readonly sortedValues: Float64Array
  /** Distinct non-null values of a categorical column (out-of-list tests, new/unused counts); empty otherwise. */
  readonly distinctValues: ReadonlySet<number | string>
  /** Value → count for categorical columns (nulls excluded), in first-seen order. */
  readonly valueCounts: ReadonlyMap<number | string, number>
  /** Whether the column holds a null (Evidently's new/unused value counts treat null as one value). */
  readonly hasNulls?: boolean
}

export interface ColumnSummary {
  readonly column_type: SummaryColumnType
  readonly characteristics: ColumnCharacteristics
  readonly statistics: ColumnSummaryStatistics
}

/**
 * Evidently's per-column summary (`calculations/data_quality.py::get_features_stats`, exposed by
 * ColumnSummaryMetric): counts, pandas `describe()` mean/std (ddof = 1)/quartiles and min/max, each rounded with
 * `np.round(x, 2)`; percentages are `np.round(100·k/n, 2)`; the most common value comes from
 * `value_counts(dropna=False)` (so it can be null) and, for numbers, is rounded to 5 decimals.
 *
 * `reference` (the reference column's summary statistics) enables the categorical new/unused counts.
 * Statistics of an empty or all-null column are null, not an error: Evidently reports them the same way.
 * Complexity O(n log n) for numeric columns (one sort).
 * @example summarizeColumn({ kind: 'float64', values: Float64Array.of(1, 2, 3, 4), valid: null }, 4, 'num')
 *   // characteristics.mean 2.5, std 1.29, p50 2.5
 */
export function summarizeColumn(
  column: Column,
  rowCount: number,
  columnType: SummaryColumnType,
  reference?: ColumnSummaryStatistics,
): ColumnSummary {
  const isCategorical = columnType === 'cat'
  const sortedValues = isCategorical ? new Float64Array(0) : sortedNonNullValues(column, rowCount)
  const counts = isCategorical ? columnValueCounts(column, rowCount) : null
  const tally = counts === null ? columnTally(column, rowCount, sortedValues) : null
  const nullCount = counts?.nullCount ?? tally?.nullCount ?? 0
  const distinct = counts?.values.length ?? tally?.distinct ?? 0
  const count = rowCount - nullCount
  const percentage = (k: number): number => (rowCount > 0 ? numpyRound((100 * k) / rowCount, 2) : 0)
  const common =
    counts === null
      ? (tally as ColumnTally).mostCommon
      : hasTieForMostCommon(counts)
        ? pandasMostCommon(column, rowCount)
        : mostCommonValue(counts)
  // Only categorical columns keep their distinct values (out-of-list tests, new/unused counts).
  const distinctValues = new Set<number | string>((counts?.values ?? []) as (number | string)[])
  const base = {
    number_of_rows: rowCount,
    count,
    missing: nullCount,
    missing_percentage: percentage(nullCount),
    unique: distinct,
    unique_percentage: percentage(distinct),
  }
  if (counts !== null) {
    const valueCounts = new Map<number | string, number>()
    counts.values.forEach((value, k) =>
      valueCounts.set(value as number | string, counts.counts[k] as number),
    )
    let newInCurrent: number | null = null
    let unusedInCurrent: number | null = null
    if (reference !== undefined) {
      newInCurrent = 0
      for (const value of distinctValues) if (!reference.distinctValues.has(value)) newInCurrent++
      unusedInCurrent = 0
      for (const value of reference.distinctValues)
        if (!distinctValues.has(value)) unusedInCurrent++
      // `set(column.unique())` holds the null too: a null only current has is new, one only the reference
      // has is unused, and nulls on both sides cancel (Evidently's own correction).
      const referenceHasNulls = reference.hasNulls === true
      if (nullCount > 0 && !referenceHasNulls) newInCurrent++
      if (referenceHasNulls && nullCount === 0) unusedInCurrent++
    }
    return {
      column_type: 'cat',
      characteristics: {
        number_of_rows: base.number_of_rows,
        count: base.count,
        missing: base.missing,
        missing_percentage: base.missing_percentage,
        unique: base.unique,
        unique_percentage: base.unique_percentage,
        most_common:
          common.value === null ? missingMostCommon(column) : cellValueOf(column, common.value),
        most_common_percentage: percentage(common.count),
        new_in_current_values_count: newInCurrent,
        unused_in_current_values_count: unusedInCurrent,
      },
      statistics: {
        sortedValues: new Float64Array(0),
        distinctValues,
        valueCounts,
        hasNulls: nullCount > 0,
      },
    }
  }
  if (columnType === 'datetime') {
    return {
      column_type: 'datetime',
      characteristics: {
        // Evidently's field order (as_dict keeps it): counts, missing, unique, most common, first, last.
        ...base,
        most_common: common.value === null ? null : formatTimestamp(common.value as number),
        most_common_percentage: percentage(common.count),
        first: sortedValues.length > 0 ? formatTimestamp(sortedValues[0] as number) : null,
        last:
          sortedValues.length > 0
            ? formatTimestamp(sortedValues[sortedValues.length - 1] as number)
            : null,
      },
      statistics: { sortedValues, distinctValues, valueCounts: new Map() },
    }
  }
  const described = describeNumbers(sortedValues, rowOrderValues(column, rowCount))
  let infinite = 0
  for (const value of sortedValues) if (!Number.isFinite(value)) infinite++
  const round2 = (x: number | null): number | null => (x === null ? null : numpyRound(x, 2))
  return {
    column_type: 'num',
    characteristics: {
      number_of_rows: base.number_of_rows,
      count: base.count,
      missing: base.missing,
      missing_percentage: base.missing_percentage,
      mean: round2(described.mean),
      std: round2(described.std),
      min: round2(described.min),
      p25: round2(described.p25),
      p50: round2(described.p50),
      p75: round2(described.p75),
      max: round2(described.max),
      unique: base.unique,
      unique_percentage: base.unique_percentage,
      infinite_count: infinite,
      infinite_percentage: percentage(infinite),
      most_common:
        typeof common.value === 'number'
          ? numpyRound(common.value, 5)
          : common.value === null
            ? missingMostCommon(column)
            : common.value,
      most_common_percentage: percentage(common.count),
    },
    statistics: { sortedValues, distinctValues, valueCounts: new Map() },
  }
}

/** pandas `Series.describe()` of sorted non-null numbers: mean, std (ddof = 1), min, quartiles, max. */
export interface DescribedNumbers {
  readonly count: number
  readonly mean: number | null
  readonly std: number | null
  readonly min: number | null
  readonly p25: number | null
  readonly p50: number | null
  readonly p75: number | null
  readonly max: number | null
}

/**
 * pandas `describe()` of one numeric column: count, mean, std (ddof = 1), min, quartiles, max (±inf allowed,
 * as pandas keeps them).
 *
 * `sorted` gives the order statistics. Mean and std are summed the way pandas' `nanops.nanmean`/`nanvar` do:
 * numpy pairwise summation over `rowOrder` (the column in its ORIGINAL row order, NaN = null, filled with 0
 * inside the sums). Summing the sorted values instead changes the 2-decimal values Evidently prints for about
 * 0.2% of small samples (16.18 vs 16.19). Without `rowOrder` the sorted values are used (only right when the
 * data was already in that order).
 * std is NaN with one value (ddof = 1); every statistic is null with none.
 * @example describeNumbers(Float64Array.of(1, 2, 3, 4), [4, NaN, 1, 3, 2]) // mean 2.5, std 1.29…, p50 2.5
 */
export function describeNumbers(
  sorted: Float64Array,
  rowOrder: ArrayLike<number> = sorted,
): DescribedNumbers {
  const n = sorted.length
  if (n === 0) {
    return {
      count: 0,
      mean: null,
      std: null,
      min: null,
      p25: null,
      p50: null,
      p75: null,
      max: null,
    }
  }
  const zeroFilled = new Float64Array(rowOrder.length)
  for (let i = 0; i < rowOrder.length; i++) {
    const value = rowOrder[i]!
    if (!Number.isNaN(value)) zeroFilled[i] = value
  }
  return {
    count: n,
    mean: numpyPairwiseSum(zeroFilled) / n,
    std: standardDeviation(rowOrder, { ddof: 1, skipNaN: true }),
    min: sorted[0] as number,
    p25: linearQuantile(sorted, 0.25),
    p50: linearQuantile(sorted, 0.5),
    p75: linearQuantile(sorted, 0.75),
    max: sorted[n - 1] as number,
  }
}

/** A numeric column's values in row order with NaN at null rows (pandas' float view of the column). */
function rowOrderValues(column: Column, rowCount: number): Float64Array {
  const values = new Float64Array(rowCount)
  if (column.kind === 'null' || column.kind === 'string') return values.fill(Number.NaN)
  for (let i = 0; i < rowCount; i++) {
    values[i] = isNullAt(column, i) ? Number.NaN : (column.values[i] as number)
  }
  return values
}

/** Non-null values of a numeric column, ascending (strings and all-null columns give none). */
export function sortedNonNullValues(column: Column, rowCount: number): Float64Array {
  if (column.kind === 'null' || column.kind === 'string') return new Float64Array(0)
  const values = new Float64Array(rowCount)
  let n = 0
  for (let i = 0; i < rowCount; i++) {
    if (!isNullAt(column, i)) values[n++] = column.values[i] as number
  }
  return values.subarray(0, n).sort()
}

/** A microsecond epoch timestamp as pandas prints a naive Timestamp: `2022-02-01 00:02:41`. */
function formatTimestamp(microseconds: number): string {
  const milliseconds = Math.floor(microseconds / 1000)
  const iso = new Date(milliseconds).toISOString()
  const micros = microseconds - milliseconds * 1000
  const fraction = milliseconds % 1000 !== 0 || micros !== 0
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
  if (!fraction) return text
  const subsecond =
    String(((milliseconds % 1000) + 1000) % 1000).padStart(3, '0') + String(micros).padStart(3, '0')
  return `${text}.${subsecond}`
}

/**
 * The most common value when nulls win: pandas' `value_counts(dropna=False).index[0]` is NaN in a numeric
 * column (printed "NaN") and None in a text or all-null column (printed null).
 */
function missingMostCommon(column: Column): number | null {
  return column.kind === 'string' || column.kind === 'null' ? null : Number.NaN
}
