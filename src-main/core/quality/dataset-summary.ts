import type { Column, Frame } from '../data/frame'
import { getColumn, isNullAt } from '../data/frame'
import { columnTally } from './column-value-counts'
import type { SummaryColumnType } from './infer-column-type'

/** Evidently 0.4 `DatasetSummary` (DatasetSummaryMetric), snake_case as in `as_dict()`. */
export interface DatasetSummary {
  readonly target: string | null
  readonly prediction: string | null
  readonly date_column: string | null
  readonly id_column: string | null
  readonly number_of_columns: number
  readonly number_of_rows: number
  readonly number_of_missing_values: number
  readonly number_of_categorical_columns: number
  readonly number_of_numeric_columns: number
  readonly number_of_text_columns: number
  readonly number_of_datetime_columns: number
  readonly number_of_constant_columns: number
  readonly number_of_almost_constant_columns: number
  readonly number_of_duplicated_columns: number
  readonly number_of_almost_duplicated_columns: number
  readonly number_of_empty_rows: number
  readonly number_of_empty_columns: number
  readonly number_of_duplicated_rows: number
  readonly columns_type: Readonly<Record<string, string>>
  readonly nans_by_columns: Readonly<Record<string, number>>
  readonly number_uniques_by_columns: Readonly<Record<string, number>>
}

/** Evidently's thresholds for "almost constant" (top value share) and "almost duplicated" columns. */
export const almostConstantThreshold = 0.95
export const almostDuplicatedThreshold = 0.95

/**
 * Evidently's dataset summary over every column of `frame`:
 * - missing values are pandas nulls only (`isnull().sum().sum()`; DatasetMissingValuesMetric also counts "" and ±inf);
 * - constant columns have at most one distinct non-null value (`nunique() <= 1`); almost constant ones have a
 *   most common value (nulls included) covering ≥ 95 % of rows;
 * - duplicated rows/columns are exact repeats of an earlier row/column (`duplicated()`, nulls equal to nulls);
 * - almost duplicated columns (driftdesk's reading of Evidently's threshold): columns equal to an earlier column on
 *   ≥ 95 % of rows but not on all;
 * - empty rows/columns are entirely null.
 * Complexity O(rows × columns) plus O(columns² × rows) for the almost-duplicate check.
 * @example a frame with columns a = [1, 1], b = [1, 1] → number_of_duplicated_columns 1, number_of_constant_columns 2
 */
export function summarizeDataset(
  frame: Frame,
  columnTypes: Readonly<Record<string, SummaryColumnType>>,
  roles: { target?: string; prediction?: string; datetime?: string; id?: string } = {},
): DatasetSummary {
  const n = frame.rowCount
  // Keyed by column names from the data: no prototype, so a column named '__proto__' is a key.
  const nansByColumn: Record<string, number> = Object.create(null) as Record<string, number>
  const uniquesByColumn: Record<string, number> = Object.create(null) as Record<string, number>
  const columnsType: Record<string, string> = Object.create(null) as Record<string, string>
  let missing = 0
  let constant = 0
  let almostConstant = 0
  let emptyColumns = 0
  let numeric = 0
  let categorical = 0
  let datetime = 0
  const rowNullCount = new Uint32Array(n)
  for (const name of frame.names) {
    const column = getColumn(frame, name)
    const tally = columnTally(column, n)
    nansByColumn[name] = tally.nullCount
    uniquesByColumn[name] = tally.distinct
    columnsType[name] = pandasDtype(column)
    missing += tally.nullCount
    if (tally.distinct <= 1) constant++
    if (n > 0 && tally.mostCommon.count / n >= almostConstantThreshold) almostConstant++
    if (tally.nullCount === n) emptyColumns++
    // Evidently counts features only (`len(columns.num_feature_names)`): target, prediction, datetime
    // and id columns are left out of the per-type counts.
    const isUtility =
      name === roles.target ||
      name === roles.prediction ||
      name === roles.datetime ||
      name === roles.id
    const type = isUtility ? undefined : columnTypes[name]
    if (type === 'num') numeric++
    else if (type === 'cat') categorical++
    else if (type === 'datetime') datetime++
    for (let i = 0; i < n; i++) if (isNullAt(column, i)) rowNullCount[i]!++
  }
  let emptyRows = 0
  if (frame.names.length > 0)
    for (const k of rowNullCount) if (k === frame.names.length) emptyRows++
  const { duplicated, almostDuplicated } = duplicatedColumns(frame)
  return {
    target: roles.target ?? null,
    prediction: roles.prediction ?? null,
    date_column: roles.datetime ?? null,
    id_column: roles.id ?? null,
    number_of_columns: frame.names.length,
    number_of_rows: n,
    number_of_missing_values: missing,
    number_of_categorical_columns: categorical,
    number_of_numeric_columns: numeric,
    number_of_text_columns: 0,
    number_of_datetime_columns: datetime,
    number_of_constant_columns: constant,
    number_of_almost_constant_columns: almostConstant,
    number_of_duplicated_columns: duplicated,
    number_of_almost_duplicated_columns: almostDuplicated,
    number_of_empty_rows: emptyRows,
    number_of_empty_columns: emptyColumns,
    number_of_duplicated_rows: duplicatedRows(frame),
    columns_type: columnsType,
    nans_by_columns: nansByColumn,
    number_uniques_by_columns: uniquesByColumn,
  }
}

/** The dtype pandas would give the column after `read_parquet` (int with nulls → float64, null → object). */
function pandasDtype(column: Column): string {
  switch (column.kind) {
    case 'null':
    case 'string':
      return 'object'
    case 'timestamp_us':
      return 'datetime64[ns]'
    case 'bool':
      return 'bool'
    case 'int64':
    case 'int32':
      return column.valid !== null && column.valid.includes(0) ? 'float64' : 'int64'
    default:
      return 'float64'
  }
}

const floatView = new Float64Array(1)
const wordView = new Uint32Array(floatView.buffer)

/** A 32-bit hash of one cell; nulls hash alike (pandas' `duplicated` treats NaN/None as equal). */
function cellHash(column: Column, i: number): number {
  if (isNullAt(column, i) || column.kind === 'null') return 0x9e3779b9
  if (column.kind === 'string') {
    const text = column.values[i] as string
    let h = 0x811c9dc5
    for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193)
    return h >>> 0
  }
  floatView[0] = (column.values[i] as number) + 0 // -0 and 0 hash alike
  return (
    (Math.imul(wordView[0] as number, 0x85ebca6b) ^
      Math.imul(wordView[1] as number, 0xc2b2ae35)) >>>
    0
  )
}

/** `DataFrame.duplicated().sum()`: rows equal to an earlier row in every column (hash, then compare). */
function duplicatedRows(frame: Frame): number {
  const columns = frame.names.map((name) => getColumn(frame, name))
  const n = frame.rowCount
  const hashes = new Uint32Array(n)
  for (const column of columns) {
    for (let i = 0; i < n; i++) {
      hashes[i] =
        (Math.imul((hashes[i] as number) ^ cellHash(column, i), 0x27d4eb2d) + 0x165667b1) >>> 0
    }
  }
  const firstRows = new Map<number, number[]>()
  let duplicates = 0
  for (let i = 0; i < n; i++) {
    const hash = hashes[i] as number
    const candidates = firstRows.get(hash)
    if (candidates === undefined) {
      firstRows.set(hash, [i])
      continue
    }
    if (candidates.some((row) => columns.every((column) => cellsEqualAcrossRows(column, row, i))))
      duplicates++
    else candidates.push(i)
  }
  return duplicates
}

function cellsEqualAcrossRows(column: Column, a: number, b: number): boolean {
  const aNull = isNullAt(column, a)
  const bNull = isNullAt(column, b)
  if (aNull || bNull) return aNull && bNull
  return (
    (column as { values: ArrayLike<unknown> }).values[a] ===
    (column as { values: ArrayLike<unknown> }).values[b]
  )
}

function duplicatedColumns(frame: Frame): { duplicated: number; almostDuplicated: number } {
  const columns = frame.names.map((name) => getColumn(frame, name))
  let duplicated = 0
  let almostDuplicated = 0
  for (let b = 1; b < columns.length; b++) {
    let best = 0
    for (let a = 0; a < b; a++) {
      let equal = 0
      const left = columns[a] as Column
      const right = columns[b] as Column
      if (isStringColumn(left) !== isStringColumn(right)) continue
      // Stop as soon as the pair cannot reach the almost-duplicate share any more.
      const allowedMismatches = Math.floor((1 - almostDuplicatedThreshold) * frame.rowCount)
      let mismatches = 0
      for (let i = 0; i < frame.rowCount && mismatches <= allowedMismatches; i++) {
        if (cellsEqual(left, right, i)) equal++
        else mismatches++
      }
      if (mismatches > allowedMismatches) continue
      best = Math.max(best, frame.rowCount === 0 ? 1 : equal / frame.rowCount)
      if (best === 1) break
    }
    if (best === 1) duplicated++
    else if (best >= almostDuplicatedThreshold) almostDuplicated++
  }
  return { duplicated, almostDuplicated }
}

function isStringColumn(column: Column): boolean {
  return column.kind === 'string'
}

function cellsEqual(left: Column, right: Column, i: number): boolean {
  const leftNull = isNullAt(left, i)
  const rightNull = isNullAt(right, i)
  if (leftNull || rightNull) return leftNull && rightNull
  return (
    (left as { values: ArrayLike<unknown> }).values[i] ===
    (right as { values: ArrayLike<unknown> }).values[i]
  )
}
