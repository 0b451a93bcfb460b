/**
 * Columnar frames: the engine's in-memory table. Plain data (typed arrays, arrays, records) so a frame
 * crosses a worker boundary by structured clone with no class to revive.
 *
 * Nulls are explicit and never read as 0: numeric columns carry a validity mask (`valid[i] === 1` means
 * present; `valid === null` means every row is present). This mirrors Arrow's layout and lets the pandas
 * semantics the answer keys depend on (`isnull()`, `fillna(0)`, `dropna()`) be reproduced exactly.
 */

/** Physical kinds a numeric column can come from. Timestamps are microseconds since the epoch. */
export type NumericKind = 'float64' | 'int64' | 'int32' | 'timestamp_us' | 'bool'

export interface NumericColumn {
  readonly kind: NumericKind
  /** One float64 per row; the value at a null row is unspecified (read `valid`). */
  readonly values: Float64Array
  /** 1 = present, 0 = null; `null` when the column has no nulls. */
  readonly valid: Uint8Array | null
}

export interface StringColumn {
  readonly kind: 'string'
  readonly values: readonly (string | null)[]
}

/** A column whose every value is null (Arrow/Parquet type `null`, e.g. `ehail_fee`). */
export interface NullColumn {
  readonly kind: 'null'
  readonly length: number
}

export type Column = NumericColumn | StringColumn | NullColumn

export interface Frame {
  readonly rowCount: number
  /** Column names in file order. */
  readonly names: readonly string[]
  readonly columns: Readonly<Record<string, Column>>
}

/** Number of rows held by a column. */
export function columnLength(column: Column): number {
  return column.kind === 'null' ? column.length : column.values.length
}

/** Whether row `i` of `column` is null (pandas `isnull()`: NaN in a float column counts as null). */
export function isNullAt(column: Column, i: number): boolean {
  switch (column.kind) {
    case 'null':
      return true
    case 'string':
      return column.values[i] === null
    default:
      if (column.valid !== null && column.valid[i] === 0) return true
      // pandas reads NaN in a float column as null; so do we.
      return Number.isNaN(column.values[i])
  }
}

/**
 * Looks up a column by name.
 * @throws {RangeError} when the frame has no such column, naming the columns it has.
 */
export function getColumn(frame: Frame, name: string): Column {
  // Own keys only: a name such as 'constructor' must not find Object.prototype's member.
  const column = Object.hasOwn(frame.columns, name) ? frame.columns[name] : undefined
  if (column === undefined) {
    throw new RangeError(
      `Column '${name}' is missing; the data has: ${frame.names.join(', ') || '(no columns)'}.`,
    )
  }
  return column
}

/** A numeric column or a RangeError naming the column and its actual kind. */
export function getNumericColumn(frame: Frame, name: string): NumericColumn {
  const column = getColumn(frame, name)
  if (column.kind === 'string' || column.kind === 'null') {
    throw new RangeError(`Column '${name}' must be numeric but holds ${column.kind} values.`)
  }
  return column
}

/**
 * Keeps the rows whose index is listed, in the given order.
 * Complexity: O(rows kept × columns).
 */
export function takeRows(frame: Frame, rows: Uint32Array | readonly number[]): Frame {
  // fromEntries defines own keys, so a column named '__proto__' stays a column.
  const columns: Record<string, Column> = Object.fromEntries(
    frame.names.map((name) => [name, takeColumnRows(getColumn(frame, name), rows)]),
  )
  return { rowCount: rows.length, names: frame.names, columns }
}

function takeColumnRows(column: Column, rows: Uint32Array | readonly number[]): Column {
  const n = rows.length
  switch (column.kind) {
    case 'null':
      return { kind: 'null', length: n }
    case 'string': {
      const values = new Array<string | null>(n)
      for (let i = 0; i < n; i++) values[i] = column.values[rows[i] as number] ?? null
      return { kind: 'string', values }
    }
    default: {
      const values = new Float64Array(n)
      let valid: Uint8Array | null = null
      const sourceValid = column.valid
      if (sourceValid !== null) {
        valid = new Uint8Array(n)
        for (let i = 0; i < n; i++) {
          const r = rows[i] as number
          values[i] = column.values[r] as number
          valid[i] = sourceValid[r] as number
        }
      } else {
        for (let i = 0; i < n; i++) values[i] = column.values[rows[i] as number] as number
      }
      return { kind: column.kind, values, valid }
    }
  }
}

/** A frame with one more (or a replaced) column, appended at the end of the column order. */
export function withColumn(frame: Frame, name: string, column: Column): Frame {
  if (columnLength(column) !== frame.rowCount) {
    throw new RangeError(
      `Column '${name}' has ${columnLength(column)} rows but the frame has ${frame.rowCount}.`,
    )
  }
  const names = frame.names.includes(name) ? frame.names : [...frame.names, name]
  return { rowCount: frame.rowCount, names, columns: { ...frame.columns, [name]: column } }
}

/**
 * A stored value as pandas holds it: a boolean column keeps 0/1 in its Float64Array, and prints `false`/
 * `true` (Evidently's categorical keys and most common values of a boolean column are JSON booleans).
 * @example cellValueOf({ kind: 'bool', values: Float64Array.of(1), valid: null }, 1) // true
 */
export function cellValueOf(column: Column, value: number | string): number | string | boolean {
  return column.kind === 'bool' && typeof value === 'number' ? value !== 0 : value
}
