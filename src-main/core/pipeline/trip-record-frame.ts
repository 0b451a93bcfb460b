import type { Column, Frame, NumericKind } from '../data/frame'

/** How a column of the TLC green-trip Parquet file reads into a frame (what `read-parquet-frame` gives). */
type TripColumnKind = NumericKind | 'string' | 'null'

/**
 * The 20 columns of the 2022 TLC green-trip files, in file order, with the kind the Parquet reader gives
 * each (measured on green_tripdata_2022-02.parquet): ids as int64, the two times as timestamp_us,
 * the flag as string, every other number as float64, and `ehail_fee` as an all-null column.
 */
export const GREEN_TRIP_COLUMN_KINDS: readonly (readonly [string, TripColumnKind])[] = [
  ['VendorID', 'int64'],
  ['lpep_pickup_datetime', 'timestamp_us'],
  ['lpep_dropoff_datetime', 'timestamp_us'],
  ['store_and_fwd_flag', 'string'],
  ['RatecodeID', 'float64'],
  ['PULocationID', 'int64'],
  ['DOLocationID', 'int64'],
  ['passenger_count', 'float64'],
  ['trip_distance', 'float64'],
  ['fare_amount', 'float64'],
  ['extra', 'float64'],
  ['mta_tax', 'float64'],
  ['tip_amount', 'float64'],
  ['tolls_amount', 'float64'],
  ['ehail_fee', 'null'],
  ['improvement_surcharge', 'float64'],
  ['total_amount', 'float64'],
  ['payment_type', 'float64'],
  ['trip_type', 'float64'],
  ['congestion_surcharge', 'float64'],
]

const LOCAL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/

/**
 * Microseconds since the epoch of a naive local timestamp as the TLC files hold it (no zone applied, as
 * pandas reads it): `2022-02-01T00:05:12` or `2022-02-01 00:05:12.5`.
 * @throws {RangeError} when the text is not such a timestamp.
 * @example naiveTimestampMicros('1970-01-01T00:00:01.5') → 1500000
 */
export function naiveTimestampMicros(text: string): number {
  const match = LOCAL_TIMESTAMP.exec(text)
  if (match === null) {
    throw new RangeError(`'${text}' is not a timestamp like 2022-02-01T00:05:12.`)
  }
  const [, y, mo, d, h, mi, s, fraction] = match as unknown as string[]
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const micros = fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'))
  return ms * 1000 + micros
}

/**
 * Builds the frame of logged trip records one record at a time, column by column, with the same
 * columns, kinds and nulls as the TLC Parquet file gives for the same trips: a field sent as null or
 * left out is a null; a number in `ehail_fee` (all-null in the files) turns that column into float64.
 * Memory is one typed array per column (the window's rows), never an array of row objects.
 *
 * @example
 * const builder = new TripRecordFrameBuilder()
 * builder.append({ PULocationID: 74, lpep_pickup_datetime: '2022-02-01T00:05:12', ehail_fee: null })
 * builder.finish().columns.PULocationID → { kind: 'int64', values: [74], valid: null }
 */
export class TripRecordFrameBuilder {
  #rows = 0
  #capacity = 1024
  readonly #numbers = new Map<string, { values: Float64Array; valid: Uint8Array }>()
  readonly #strings = new Map<string, (string | null)[]>()
  readonly #nullColumnValues = new Map<string, { values: Float64Array; valid: Uint8Array }>()

  constructor() {
    for (const [name, kind] of GREEN_TRIP_COLUMN_KINDS) {
      if (kind === 'string') this.#strings.set(name, [])
      else if (kind !== 'null') this.#numbers.set(name, this.#numericBuffers())
    }
  }

  get rowCount(): number {
    return this.#rows
  }

  /**
   * Adds one record (a logged JSON object).
   * @throws {TypeError} when a field holds a value of the wrong type, naming the field and value.
   */
  append(record: Readonly<Record<string, unknown>>): void {
    if (this.#rows === this.#capacity) this.#grow()
    const row = this.#rows
    for (const [name, kind] of GREEN_TRIP_COLUMN_KINDS) {
      const value = Object.hasOwn(record, name) ? record[name] : null
      if (kind === 'string') {
        if (value !== null && typeof value !== 'string') throw wrongType(name, value, 'a string')
        // By index, not push: a record refused half-way leaves nothing the next one does not overwrite.
        this.#strings.get(name)![row] = value
        continue
      }
      let buffers = kind === 'null' ? this.#nullColumnValues.get(name) : this.#numbers.get(name)
      if (value === null) {
        if (buffers !== undefined) buffers.valid[row] = 0
        continue
      }
      if (buffers === undefined) {
        // A value in a column the files hold as all-null: keep it, as float64.
        buffers = this.#numericBuffers()
        this.#nullColumnValues.set(name, buffers)
      }
      if (kind === 'timestamp_us') {
        if (typeof value !== 'string') throw wrongType(name, value, 'a timestamp string')
        buffers.values[row] = naiveTimestampMicros(value)
      } else {
        if (typeof value !== 'number') throw wrongType(name, value, 'a number')
        buffers.values[row] = value
      }
      buffers.valid[row] = 1
    }
    this.#rows++
  }

  /** The frame of every appended record, in append order. */
  finish(): Frame {
    const n = this.#rows
    const columns: Record<string, Column> = Object.create(null) as Record<string, Column>
    for (const [name, kind] of GREEN_TRIP_COLUMN_KINDS) {
      if (kind === 'string') {
        columns[name] = { kind: 'string', values: this.#strings.get(name)!.slice(0, n) }
        continue
      }
      const buffers = kind === 'null' ? this.#nullColumnValues.get(name) : this.#numbers.get(name)
      if (buffers === undefined) {
        columns[name] = { kind: 'null', length: n }
        continue
      }
      const valid = buffers.valid.slice(0, n)
      columns[name] = {
        kind: kind === 'null' ? 'float64' : kind,
        values: buffers.values.slice(0, n),
        valid: valid.includes(0) ? valid : null,
      }
    }
    return { rowCount: n, names: GREEN_TRIP_COLUMN_KINDS.map(([name]) => name), columns }
  }

  #numericBuffers(): { values: Float64Array; valid: Uint8Array } {
    return { values: new Float64Array(this.#capacity), valid: new Uint8Array(this.#capacity) }
  }

  #grow(): void {
    this.#capacity *= 2
    for (const map of [this.#numbers, this.#nullColumnValues]) {
      for (const [name, old] of map) {
        const grown = this.#numericBuffers()
        grown.values.set(old.values)
        grown.valid.set(old.valid)
        map.set(name, grown)
      }
    }
  }
}

function wrongType(name: string, value: unknown, expected: string): TypeError {
  return new TypeError(
    `Field '${name}' of a logged record holds ${JSON.stringify(value)}; expected ${expected} or null.`,
  )
}
