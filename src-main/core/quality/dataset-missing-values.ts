import type { Column, Frame } from '../data/frame'
import { getColumn } from '../data/frame'

/** Evidently's default missing values: `""`, `inf`, `-inf` and every pandas null (`None` stands for all of them). */
const DEFAULT_MISSING_VALUE_LABELS = ['', '-inf', 'None', 'inf'] as const
export type MissingValueLabel = (typeof DEFAULT_MISSING_VALUE_LABELS)[number]

/** Evidently 0.4's `DatasetMissingValues` result, field for field (snake_case as in `as_dict()`). */
export interface DatasetMissingValues {
  readonly different_missing_values: Readonly<Record<MissingValueLabel, number>>
  readonly number_of_different_missing_values: number
  readonly different_missing_values_by_column: Readonly<
    Record<string, Readonly<Record<MissingValueLabel, number>>>
  >
  readonly number_of_different_missing_values_by_column: Readonly<Record<string, number>>
  readonly number_of_missing_values: number
  readonly share_of_missing_values: number
  readonly number_of_missing_values_by_column: Readonly<Record<string, number>>
  readonly share_of_missing_values_by_column: Readonly<Record<string, number>>
  readonly number_of_rows: number
  readonly number_of_rows_with_missing_values: number
  readonly share_of_rows_with_missing_values: number
  readonly number_of_columns: number
  readonly columns_with_missing_values: readonly string[]
  readonly number_of_columns_with_missing_values: number
  readonly share_of_columns_with_missing_values: number
}

/**
 * Evidently's `DatasetMissingValuesMetric` with its default missing values, over EVERY column of the frame
 * (not only the mapped features): a cell is missing when it is a pandas null (null, NaN), the empty string,
 * `+inf` or `-inf`.
 *
 * `share_of_missing_values = missing cells / (columns × rows)` (0 with no rows); a row counts once in
 * `number_of_rows_with_missing_values` however many of its cells are missing.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/metrics/data_integrity/dataset_missing_values_metric.py
 * @example a 2×2 frame with one null cell → share_of_missing_values 0.25, number_of_rows_with_missing_values 1
 */
export function datasetMissingValues(frame: Frame): DatasetMissingValues {
  const rows = frame.rowCount
  const rowHasMissing = new Uint8Array(rows)
  const totals: Record<MissingValueLabel, number> = { '': 0, '-inf': 0, None: 0, inf: 0 }
  // Keyed by column names from the data: no prototype, so a column named '__proto__' is a key.
  const byColumnKinds: Record<string, Record<MissingValueLabel, number>> = Object.create(
    null,
  ) as Record<string, Record<MissingValueLabel, number>>
  const differentByColumn: Record<string, number> = Object.create(null) as Record<string, number>
  const numberByColumn: Record<string, number> = Object.create(null) as Record<string, number>
  const shareByColumn: Record<string, number> = Object.create(null) as Record<string, number>
  const columnsWithMissing: string[] = []
  let missingCells = 0

  for (const name of frame.names) {
    const counts = countMissingKinds(getColumn(frame, name), rowHasMissing)
    byColumnKinds[name] = counts
    const total = counts[''] + counts['-inf'] + counts.None + counts.inf
    differentByColumn[name] = DEFAULT_MISSING_VALUE_LABELS.filter(
      (label) => counts[label] > 0,
    ).length
    numberByColumn[name] = total
    shareByColumn[name] = rows === 0 ? 0 : total / rows
    if (total > 0) columnsWithMissing.push(name)
    for (const label of DEFAULT_MISSING_VALUE_LABELS) totals[label] += counts[label]
    missingCells += total
  }
  let rowsWithMissing = 0
  for (let i = 0; i < rows; i++) rowsWithMissing += rowHasMissing[i] as number
  const columns = frame.names.length
  columnsWithMissing.sort()

  return {
    different_missing_values: totals,
    number_of_different_missing_values: DEFAULT_MISSING_VALUE_LABELS.filter((l) => totals[l] > 0)
      .length,
    different_missing_values_by_column: byColumnKinds,
    number_of_different_missing_values_by_column: differentByColumn,
    number_of_missing_values: missingCells,
    share_of_missing_values: rows === 0 || columns === 0 ? 0 : missingCells / (columns * rows),
    number_of_missing_values_by_column: numberByColumn,
    share_of_missing_values_by_column: shareByColumn,
    number_of_rows: rows,
    number_of_rows_with_missing_values: rowsWithMissing,
    share_of_rows_with_missing_values: rows === 0 ? 0 : rowsWithMissing / rows,
    number_of_columns: columns,
    columns_with_missing_values: columnsWithMissing,
    number_of_columns_with_missing_values: columnsWithMissing.length,
    share_of_columns_with_missing_values: columns === 0 ? 0 : columnsWithMissing.length / columns,
  }
}

/** Counts each missing kind in one column and marks the rows that hold one. */
function countMissingKinds(
  column: Column,
  rowHasMissing: Uint8Array,
): Record<MissingValueLabel, number> {
  const counts: Record<MissingValueLabel, number> = { '': 0, '-inf': 0, None: 0, inf: 0 }
  const n = rowHasMissing.length
  switch (column.kind) {
    case 'null':
      counts.None = n
      rowHasMissing.fill(1)
      return counts
    case 'string':
      for (let i = 0; i < n; i++) {
        const value = column.values[i]
        if (value === null) counts.None++
        else if (value === '') counts['']++
        else continue
        rowHasMissing[i] = 1
      }
      return counts
    default:
      for (let i = 0; i < n; i++) {
        const value = column.values[i] as number
        if ((column.valid !== null && column.valid[i] === 0) || Number.isNaN(value)) counts.None++
        else if (value === Infinity) counts.inf++
        else if (value === -Infinity) counts['-inf']++
        else continue
        rowHasMissing[i] = 1
      }
      return counts
  }
}
