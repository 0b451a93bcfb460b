import type { DriftColumnType } from '../../shared/domain/metrics'

/** One value of a sample as written by a user: a number (NaN and ±inf allowed), a string, a boolean or null. */
export type SampleValue = number | string | boolean | null

/** The pandas dtype a list of such values becomes in `pd.Series(values)` (numpy's kind, simplified). */
export type SampleDtype = 'int' | 'float' | 'bool' | 'object'

/** Evidently's `NUMBER_UNIQUE_AS_CATEGORICAL`. */
const maxUniqueAsCategorical = 5

/**
 * The dtype pandas gives `pd.Series(values)`: whole numbers only → int64; numbers with a NaN, ±inf, a fraction
 * or a null → float64; booleans only → bool; anything else (strings, booleans with nulls, only nulls) → object.
 * An empty list is float64, as in pandas 1.5. A number is "whole" by its value: `2.0` counts as an integer,
 * since a parsed JSON number no longer says how it was written.
 *
 * @example sampleDtype([1, 2, null]) // 'float'
 */
export function sampleDtype(values: readonly SampleValue[]): SampleDtype {
  if (values.length === 0) return 'float'
  let numbers = 0
  let whole = 0
  let booleans = 0
  for (const value of values) {
    if (value === null) continue
    if (typeof value === 'number') {
      numbers++
      if (Number.isInteger(value)) whole++
    } else if (typeof value === 'boolean') booleans++
    else return 'object'
  }
  if (booleans > 0) return booleans === values.length ? 'bool' : 'object'
  if (numbers === 0) return 'object'
  return whole === values.length ? 'int' : 'float'
}

/**
 * The drift column type Evidently 0.4 gives a column when the user passes no column mapping: `Report.run`
 * then uses a default `ColumnMapping()` (target "target", prediction "prediction"), and
 * `utils/data_preprocessing.py::_get_column_type` decides:
 * - the dtype is the current sample's, or the reference's when they differ and one of them is not numeric;
 * - nunique is the reference's count of distinct non-null values, or the current's when that is 0;
 * - a column named `target`: numerical when numeric with nunique > 5, else categorical;
 * - a column named `prediction`: categorical when a string, an integer with nunique ≤ 5, or a number with
 *   nunique ≤ 5 outside [0, 1] in the current sample; else numerical (so a 0/1 float or boolean is numerical);
 * - any other column: integers with nunique ≤ 5 and booleans are categorical, other numbers numerical,
 *   everything else (strings) categorical.
 * Datetime and text columns do not arise from JSON values.
 *
 * @param column the column's name (only "target" and "prediction" change the rule)
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/utils/data_preprocessing.py
 * @example inferSampleColumnType('x', [1.5, 2, 3], [2, 4]) // 'num'
 * @example inferSampleColumnType('x', [1, 2, 2], [1, 3]) // 'cat' (an integer with 3 distinct values)
 */
export function inferSampleColumnType(
  column: string,
  reference: readonly SampleValue[],
  current: readonly SampleValue[],
): DriftColumnType {
  const referenceDtype = sampleDtype(reference)
  const currentDtype = sampleDtype(current)
  const isNumericKind = (dtype: SampleDtype): boolean => dtype === 'int' || dtype === 'float'
  const dtype =
    referenceDtype !== currentDtype &&
    (!isNumericKind(referenceDtype) || !isNumericKind(currentDtype))
      ? referenceDtype
      : currentDtype
  const nunique = distinctCount(reference) || distinctCount(current)
  // pandas' is_numeric_dtype is true for bool too.
  const isNumeric = dtype !== 'object'
  if (column === 'target') return isNumeric && nunique > maxUniqueAsCategorical ? 'num' : 'cat'
  if (column === 'prediction') {
    const few = nunique <= maxUniqueAsCategorical
    if (dtype === 'object' || (dtype === 'int' && few)) return 'cat'
    return isNumeric && few && outsideUnitInterval(current) ? 'cat' : 'num'
  }
  if (dtype === 'int') return nunique <= maxUniqueAsCategorical ? 'cat' : 'num'
  return dtype === 'float' ? 'num' : 'cat'
}

/** pandas' `nunique()`: distinct values, nulls and NaN left out (±inf count). */
function distinctCount(values: readonly SampleValue[]): number {
  const distinct = new Set<SampleValue>()
  for (const value of values) {
    if (value === null || (typeof value === 'number' && Number.isNaN(value))) continue
    distinct.add(value)
  }
  return distinct.size
}

/** `series.max() > 1 or series.min() < 0`, NaN and nulls skipped; booleans are 0 and 1. */
function outsideUnitInterval(values: readonly SampleValue[]): boolean {
  for (const value of values) {
    const number = typeof value === 'boolean' ? Number(value) : value
    if (typeof number === 'number' && (number > 1 || number < 0)) return true
  }
  return false
}
