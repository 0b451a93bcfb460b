import type { Column } from './frame'

/**
 * The type of a column read from text (CSV) or JSON Lines, decided by its values unless declared:
 * `integer` and `float` (numbers), `boolean`, `timestamp` (ISO 8601), `string`; `unknown` while every value
 * seen so far is missing.
 */
export type CellType = 'unknown' | 'integer' | 'float' | 'boolean' | 'timestamp' | 'string'

/** A type a user may declare for a column; `number` accepts integers and floats. */
export type DeclaredType = 'integer' | 'float' | 'number' | 'boolean' | 'timestamp' | 'string'

/** A value that does not fit its column's type; the message names the column, the row and the value. */
export class CellTypeError extends RangeError {
  constructor(
    readonly column: string,
    readonly row: number,
    readonly value: string,
    readonly expected: string,
    why: string,
  ) {
    super(
      `Column '${column}', data row ${row}: the value '${value}' is not ${expected} (${why}). Fix the value, leave the field empty for a missing value, or declare the column's type.`,
    )
    this.name = 'CellTypeError'
  }
}

/**
 * pandas' default missing-value markers (`read_csv`'s `na_values`): an empty field and these read as null,
 * in every column.
 * @see https://pandas.pydata.org/docs/reference/api/pandas.read_csv.html
 */
const missingValueMarkers: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
])

/** What a text spells, in one pass over its characters (the reader's hot path; regexes cost 2× here). */
const enum NumberText {
  None = 0,
  Integer = 1,
  Decimal = 2,
}

/**
 * `[+-]digits` → Integer; `[+-](digits[.digits] | .digits)[(e|E)[+-]digits]` → Decimal; anything else None
 * (so `0x1A`, `1_000` or ` 1` stay text, as pandas keeps them).
 */
function numberText(text: string): NumberText {
  const n = text.length
  let i = 0
  let code = text.charCodeAt(0)
  if (code === 43 || code === 45) i++
  let digits = 0
  while (i < n && (code = text.charCodeAt(i)) >= 48 && code <= 57) {
    i++
    digits++
  }
  if (i === n) return digits > 0 ? NumberText.Integer : NumberText.None
  if (code === 46) {
    i++
    while (i < n && (code = text.charCodeAt(i)) >= 48 && code <= 57) {
      i++
      digits++
    }
  }
  if (digits === 0) return NumberText.None
  if (i === n) return NumberText.Decimal
  if (code !== 101 && code !== 69) return NumberText.None
  i++
  code = text.charCodeAt(i)
  if (code === 43 || code === 45) i++
  const exponentStart = i
  while (i < n && (code = text.charCodeAt(i)) >= 48 && code <= 57) i++
  return i === n && i > exponentStart ? NumberText.Decimal : NumberText.None
}
const infinityPattern = /^([+-]?)(?:inf|infinity)$/i
const booleanValues: ReadonlyMap<string, number> = new Map([
  ['True', 1],
  ['TRUE', 1],
  ['true', 1],
  ['False', 0],
  ['FALSE', 0],
  ['false', 0],
])
const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** The type a single non-missing text value suggests (the first one decides an undeclared column). */
export function cellTypeOf(text: string): Exclude<CellType, 'unknown'> {
  const spelled = numberText(text)
  if (spelled === NumberText.Integer) return 'integer'
  if (spelled === NumberText.Decimal || infinityPattern.test(text)) return 'float'
  if (booleanValues.has(text)) return 'boolean'
  if (parseTimestampMicros(text) !== null) return 'timestamp'
  return 'string'
}

/**
 * Microseconds since the epoch of an ISO 8601 date or date-time (`2024-01-05`, `2024-01-05 13:00`,
 * `2024-01-05T13:00:00.250`, with an optional `Z` or `±HH:MM` offset, converted to UTC); naive values are
 * read as UTC, as pandas keeps them naive. Null when the text is not such a timestamp or names no real
 * date (e.g. February 30).
 * @example parseTimestampMicros('2024-01-01T00:00:01') // 1704067201000000
 */
export function parseTimestampMicros(text: string): number | null {
  const fast = parseCommonTimestamp(text)
  if (fast !== undefined) return fast
  const match = timestampPattern.exec(text)
  if (match === null) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const date = new Date(ms)
  if (
    Number.isNaN(ms) ||
    date.getUTCDate() !== Number(d) ||
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCHours() !== Number(h) ||
    date.getUTCMinutes() !== Number(mi) ||
    date.getUTCSeconds() !== Number(s)
  )
    return null
  let offsetMinutes = 0
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
  }
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6) || '0')
  return (ms - offsetMinutes * 60_000) * 1000 + micros
}

/**
 * The common shapes `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` and `YYYY-MM-DD[T ]HH:MM:SS` read by character codes
 * (a log has one timestamp per row, so this is the reader's hot path): microseconds, null for an impossible
 * date, or undefined to let the full ISO 8601 pattern decide.
 */
function parseCommonTimestamp(text: string): number | null | undefined {
  const length = text.length
  if (length !== 10 && length !== 16 && length !== 19) return undefined
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  if (year < 0 || month < 0 || day < 0) return undefined
  let hours = 0
  let minutes = 0
  let seconds = 0
  if (length > 10) {
    const separator = text.charCodeAt(10)
    if ((separator !== 84 && separator !== 32) || text.charCodeAt(13) !== 58) return undefined
    hours = digitsAt(text, 11, 2)
    minutes = digitsAt(text, 14, 2)
    if (length === 19) {
      if (text.charCodeAt(16) !== 58) return undefined
      seconds = digitsAt(text, 17, 2)
    }
    if (hours < 0 || minutes < 0 || seconds < 0) return undefined
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  if (hours > 23 || minutes > 59 || seconds > 59) return null
  const days = daysFromCivil(year, month, day)
  return ((days * 24 + hours) * 60 + minutes) * 60_000_000 + seconds * 1_000_000
}

/** The decimal number written by `count` digits at `at`, or −1 when one is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0
  for (let k = at; k < at + count; k++) {
    const code = text.charCodeAt(k) - 48
    if (code < 0 || code > 9) return -1
    value = value * 10 + code
  }
  return value
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

const typeNames: Record<CellType, string> = {
  unknown: 'a value',
  integer: 'an integer',
  float: 'a number',
  boolean: 'a boolean (True/False)',
  timestamp: 'a timestamp (ISO 8601, e.g. 2024-01-05T13:00:00)',
  string: 'text',
}

/**
 * Builds one column from batches of text cells, deciding its type as pandas' `read_csv` would where its rule
 * is clear: a missing marker (empty field, `NA`, `NaN`, `null`…) is null; a column of integers is integer,
 * and becomes float when a decimal value appears (as pandas widens int64 to float64); `True`/`False` is
 * boolean. driftdesk also reads ISO 8601 date-times as timestamps (pandas needs `parse_dates`). A value that
 * does not fit the type (a word in a number column: pandas would silently turn the whole column into text)
 * is a {@link CellTypeError} naming the column, the row and the value. A text column (decided by its first
 * value) keeps every value as text.
 */
export class TextColumnBuilder {
  private type: CellType
  private firstValue: { row: number; text: string } | null = null

  constructor(
    readonly name: string,
    private readonly declared?: DeclaredType,
  ) {
    this.type = declared === undefined ? 'unknown' : declared === 'number' ? 'integer' : declared
  }

  /** The type decided so far. */
  get cellType(): CellType {
    return this.type
  }

  /**
   * Converts one batch of cells (null = absent field) into a column; `firstRow` numbers the batch's first row
   * for error messages (1-based data rows, as a spreadsheet shows them below the header).
   * @throws {CellTypeError} on a value that does not fit.
   */
  addBatch(cells: readonly (string | null)[], firstRow: number): Column {
    return this.addCells(cells.length, (i) => cells[i] ?? null, firstRow)
  }

  /**
   * {@link addBatch} reading cell `i` through `cellAt`, so a reader hands over its parsed rows without
   * copying them into one array per column.
   */
  addCells(n: number, cellAt: (i: number) => string | null, firstRow: number): Column {
    if (this.type === 'unknown') {
      for (let i = 0; i < n; i++) {
        const text = cellAt(i)
        if (text === null || text === undefined || missingValueMarkers.has(text)) continue
        this.type = cellTypeOf(text)
        this.firstValue = { row: firstRow + i, text }
        break
      }
      if (this.type === 'unknown') return { kind: 'null', length: n }
    }
    if (this.type === 'string') {
      const values = new Array<string | null>(n)
      for (let i = 0; i < n; i++) {
        const text = cellAt(i)
        values[i] = text === null || missingValueMarkers.has(text) ? null : text
      }
      return { kind: 'string', values }
    }
    const values = new Float64Array(n)
    let valid: Uint8Array | null = null
    for (let i = 0; i < n; i++) {
      const text = cellAt(i)
      // The common case first, without hashing the text into the missing-marker set: no marker spells a
      // number or a YYYY-MM-DD[ HH:MM[:SS]] date, so such a value is read here exactly as parse() reads it.
      if (text !== null && text !== undefined) {
        const type = this.type
        if (type === 'integer' || type === 'float') {
          const spelled = numberText(text)
          if (
            spelled === NumberText.Integer ||
            (spelled === NumberText.Decimal && type === 'float')
          ) {
            values[i] = Number(text)
            continue
          }
        } else if (type === 'timestamp') {
          const micros = parseCommonTimestamp(text)
          if (typeof micros === 'number') {
            values[i] = micros
            continue
          }
        }
      }
      if (text === null || missingValueMarkers.has(text)) {
        valid ??= new Uint8Array(n).fill(1)
        valid[i] = 0
        values[i] = Number.NaN
        continue
      }
      values[i] = this.parse(text, firstRow + i)
    }
    const kind =
      this.type === 'integer'
        ? 'int64'
        : this.type === 'float'
          ? 'float64'
          : this.type === 'boolean'
            ? 'bool'
            : 'timestamp_us'
    return { kind, values, valid }
  }

  private parse(text: string, row: number): number {
    switch (this.type) {
      case 'integer': {
        const spelled = numberText(text)
        if (spelled === NumberText.Integer) return Number(text)
        if (spelled === NumberText.Decimal || infinityPattern.test(text)) {
          if (this.declared === 'integer') throw this.mismatch(text, row)
          this.type = 'float'
          return this.parse(text, row)
        }
        throw this.mismatch(text, row)
      }
      case 'float': {
        if (numberText(text) !== NumberText.None) return Number(text)
        const infinity = infinityPattern.exec(text)
        if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity
        throw this.mismatch(text, row)
      }
      case 'boolean': {
        const value = booleanValues.get(text)
        if (value === undefined) throw this.mismatch(text, row)
        return value
      }
      default: {
        const micros = parseTimestampMicros(text)
        if (micros === null) throw this.mismatch(text, row)
        return micros
      }
    }
  }

  private mismatch(text: string, row: number): CellTypeError {
    const why =
      this.declared !== undefined
        ? `the column is declared ${this.declared}`
        : this.firstValue === null
          ? `the column's type is ${this.type}`
          : `the column is ${this.type === 'float' ? 'numeric' : this.type}, decided by its first value '${this.firstValue.text}' on row ${this.firstValue.row}; mixed types are not guessed`
    return new CellTypeError(this.name, row, text, typeNames[this.type], why)
  }
}
