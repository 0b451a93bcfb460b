import type { Column, Frame } from '../data/frame'
import { parseTimestampMicros } from '../data/text-column-builder'

/** A column of the frame built from logged records: its name and the kind the reference has. */
export interface LoggedColumnSpec {
  readonly name: string
  readonly kind: Column['kind']
}

/**
 * The columns a window of logged records is built with: the reference's, in its order and with its
 * kinds, so the window is typed as the project's files are (what `backfill --project` reads).
 * @example loggedColumnsOf(reference) // [{ name: 'age', kind: 'int64' }, { name: 'plan', kind: 'string' }]
 */
export function loggedColumnsOf(reference: Frame): LoggedColumnSpec[] {
  return reference.names.map((name) => ({
    name,
    kind: (reference.columns[name] as Column).kind,
  }))
}

const WORDS: Readonly<Record<Column['kind'], string>> = {
  int32: 'a whole number',
  int64: 'a whole number',
  float64: 'a number',
  bool: 'true or false',
  timestamp_us: "a local time like '2024-02-01 09:00:00'",
  string: 'a string',
  null: 'a number, a string or a boolean',
}

interface NumericBuffers {
  values: Float64Array
  valid: Uint8Array
}

/**
 * Builds the frame of one window of logged JSON records (a project's prediction log) with the columns
 * and kinds of the project's reference, so the window has exactly the frame `backfill --project` reads
 * from a file holding the same rows: JSON numbers in numeric columns (whole numbers in integer ones),
 * strings, booleans, timestamps as local-time text; a field sent as null or left out is a missing value.
 * A column the reference holds as all-null takes the kind of the first value logged in it (number →
 * float64, string, boolean), as a file's reader would type it. The logged prediction (the log keeps it
 * apart from the record) fills the prediction column. Memory is one typed array per column.
 *
 * @example
 * const builder = new LoggedRecordFrameBuilder([{ name: 'age', kind: 'int64' }, { name: 'score', kind: 'float64' }], 'score')
 * builder.append({ age: 31 }, 0.4, 'row 1')
 * builder.finish().columns.score // { kind: 'float64', values: [0.4], valid: null }
 */
export class LoggedRecordFrameBuilder {
  #rows = 0
  #capacity = 1024
  readonly #columns: readonly LoggedColumnSpec[]
  readonly #predictionColumn: string | null
  readonly #numbers = new Map<string, NumericBuffers>()
  readonly #strings = new Map<string, (string | null)[]>()
  /** Columns the reference holds as all-null: their kind once a value arrives, and the values. */
  readonly #untyped = new Map<
    string,
    { kind: 'float64' | 'string' | 'bool' | null; values: unknown[] }
  >()
  /** Columns that received at least one value. */
  readonly #seen = new Set<string>()

  /**
   * @param columns the reference's columns (see {@link loggedColumnsOf}), the window column left out.
   * @param predictionColumn the column the logged prediction fills (null: none).
   */
  constructor(columns: readonly LoggedColumnSpec[], predictionColumn: string | null) {
    this.#columns = columns
    this.#predictionColumn =
      predictionColumn !== null && columns.some((c) => c.name === predictionColumn)
        ? predictionColumn
        : null
    for (const { name, kind } of columns) {
      if (kind === 'string') this.#strings.set(name, [])
      else if (kind === 'null') this.#untyped.set(name, { kind: null, values: [] })
      else this.#numbers.set(name, this.#numericBuffers())
    }
  }

  get rowCount(): number {
    return this.#rows
  }

  /** Whether any appended record held a value (not null, not left out) in `column`. */
  hasValues(column: string): boolean {
    return this.#seen.has(column)
  }

  /**
   * Adds one logged record and the prediction logged with it.
   * @param row how an error names the row (`logged row <request id> at <event time>`).
   * @throws {TypeError} when a field holds a value of the wrong type for its column, naming the column,
   *   the row, the value and what the column holds. The builder is unchanged (the row is not added).
   */
  append(record: Readonly<Record<string, unknown>>, prediction: number, row: string): void {
    // Check the whole record first, so a refused row leaves nothing behind.
    for (const { name, kind } of this.#columns) {
      const value = name === this.#predictionColumn ? prediction : fieldOf(record, name)
      if (value === null) continue
      const untyped = this.#untyped.get(name)
      const expected = untyped === undefined ? kind : (untyped.kind ?? kindOfValue(value))
      if (expected === null || !fits(expected, value))
        throw new TypeError(
          `Column '${name}' of ${row} holds ${JSON.stringify(value)}, but the column holds ${WORDS[expected ?? 'null']} or null${untyped === undefined ? ' in the reference' : ' (the type of its first value in this window)'}.`,
        )
    }
    if (this.#rows === this.#capacity) this.#grow()
    const at = this.#rows
    for (const { name, kind } of this.#columns) {
      const value = name === this.#predictionColumn ? prediction : fieldOf(record, name)
      if (value !== null) this.#seen.add(name)
      const strings = this.#strings.get(name)
      if (strings !== undefined) {
        strings[at] = value as string | null
        continue
      }
      const untyped = this.#untyped.get(name)
      if (untyped !== undefined) {
        if (value !== null) untyped.kind ??= kindOfValue(value)
        untyped.values[at] = value
        continue
      }
      const buffers = this.#numbers.get(name) as NumericBuffers
      if (value === null) {
        buffers.valid[at] = 0
        continue
      }
      buffers.values[at] =
        kind === 'timestamp_us'
          ? (parseTimestampMicros(value as string) as number)
          : kind === 'bool'
            ? Number(value as boolean)
            : (value as number)
      buffers.valid[at] = 1
    }
    this.#rows++
  }

  /** The frame of every appended record, in append order, columns in the reference's order. */
  finish(): Frame {
    const n = this.#rows
    const columns: Record<string, Column> = Object.create(null) as Record<string, Column>
    for (const { name, kind } of this.#columns) {
      const strings = this.#strings.get(name)
      if (strings !== undefined) {
        const values = strings.slice(0, n)
        for (let i = 0; i < n; i++) values[i] ??= null
        columns[name] = { kind: 'string', values }
        continue
      }
      const untyped = this.#untyped.get(name)
      if (untyped !== undefined) {
        columns[name] = untypedColumn(untyped.kind, untyped.values, n)
        continue
      }
      const buffers = this.#numbers.get(name) as NumericBuffers
      const valid = buffers.valid.slice(0, n)
      columns[name] = {
        kind: kind as Exclude<Column['kind'], 'string' | 'null'>,
        values: buffers.values.slice(0, n),
        valid: valid.includes(0) ? valid : null,
      }
    }
    return { rowCount: n, names: this.#columns.map((c) => c.name), columns }
  }

  #numericBuffers(): NumericBuffers {
    return { values: new Float64Array(this.#capacity), valid: new Uint8Array(this.#capacity) }
  }

  #grow(): void {
    this.#capacity *= 2
    for (const [name, old] of this.#numbers) {
      const grown = this.#numericBuffers()
      grown.values.set(old.values)
      grown.valid.set(old.valid)
      this.#numbers.set(name, grown)
    }
  }
}

/** A record's field; left out, undefined or null are all a missing value. */
function fieldOf(record: Readonly<Record<string, unknown>>, name: string): unknown {
  const value = Object.hasOwn(record, name) ? record[name] : null
  return value === undefined ? null : value
}

function kindOfValue(value: unknown): 'float64' | 'string' | 'bool' | null {
  if (typeof value === 'number') return 'float64'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  return null
}

function fits(kind: Column['kind'], value: unknown): boolean {
  switch (kind) {
    case 'int32':
    case 'int64':
      return typeof value === 'number' && Number.isInteger(value)
    case 'float64':
      return typeof value === 'number' && Number.isFinite(value)
    case 'bool':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string'
    case 'timestamp_us':
      return typeof value === 'string' && parseTimestampMicros(value) !== null
    default:
      return false
  }
}

function untypedColumn(
  kind: 'float64' | 'string' | 'bool' | null,
  values: readonly unknown[],
  n: number,
): Column {
  if (kind === null) return { kind: 'null', length: n }
  if (kind === 'string')
    return {
      kind: 'string',
      values: Array.from({ length: n }, (_, i) => (values[i] ?? null) as string | null),
    }
  const numbers = new Float64Array(n)
  const valid = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const value = values[i]
    if (value === null || value === undefined) continue
    numbers[i] = Number(value)
    valid[i] = 1
  }
  return { kind, values: numbers, valid: valid.includes(0) ? valid : null }
}
