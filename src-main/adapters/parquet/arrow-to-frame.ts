import type { Data, Date_, Int, Table, Timestamp } from 'apache-arrow'
import { makeVector, Type } from 'apache-arrow'
import type { Column, Frame, NumericColumn, NumericKind } from '../../core/data/frame'
import { Utf8StringInterner } from './utf8-string-interner'

/**
 * Converts an Arrow table into a driftdesk `Frame`, keeping nulls explicit.
 *
 * Arrow's `toArray()` turns nulls into 0 (ENVIRONMENT.md), so each chunk's validity bitmap is read instead.
 * Integers (int8..int64, signed or not) become float64 — exact below 2^53, which TLC ids and counts are.
 * Timestamps of any unit become microseconds since the epoch (naive: no time zone is applied), the unit pandas
 * compares `lpep_pickup_datetime` in after reading the TLC files.
 */
export function arrowTableToFrame(table: Table): Frame {
  const names: string[] = []
  const entries: [string, Column][] = []
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name)
    if (vector === null) continue
    names.push(field.name)
    entries.push([field.name, convertChunks(field.name, vector.data, table.numRows)])
  }
  // fromEntries defines own keys: a column named '__proto__' is a column, not the object's prototype.
  return { rowCount: table.numRows, names, columns: Object.fromEntries(entries) }
}

function convertChunks(name: string, chunks: readonly Data[], rowCount: number): Column {
  const first = chunks[0]
  const typeId = first?.typeId ?? Type.Null
  switch (typeId) {
    case Type.Null:
      return { kind: 'null', length: rowCount }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
      return convertStrings(name, chunks, rowCount)
    case Type.Int:
    case Type.Float:
    case Type.Timestamp:
    case Type.Bool:
    case Type.Date:
      return convertNumbers(chunks, rowCount)
    default:
      throw new RangeError(
        `Column '${name}' has an unsupported Parquet/Arrow type (${String(first?.type)}); driftdesk reads numbers, timestamps, strings and all-null columns.`,
      )
  }
}

function numericKind(data: Data): NumericKind {
  switch (data.typeId) {
    case Type.Int:
      return (data.type as Int).bitWidth === 64 ? 'int64' : 'int32'
    case Type.Timestamp:
    case Type.Date:
      return 'timestamp_us'
    case Type.Bool:
      return 'bool'
    default:
      return 'float64'
  }
}

/** Multiplier from the column's stored unit to microseconds. */
function toMicroseconds(data: Data): number {
  if (data.typeId === Type.Timestamp) {
    const unit: number = (data.type as Timestamp).unit // 0 s, 1 ms, 2 µs, 3 ns (Arrow's TimeUnit)
    return [1e6, 1e3, 1, 1e-3][unit] ?? 1
  }
  if (data.typeId === Type.Date) {
    const unit: number = (data.type as Date_).unit // 0 day, 1 ms (Arrow's DateUnit)
    return unit === 0 ? 86_400e6 : 1e3
  }
  return 1
}

function convertNumbers(chunks: readonly Data[], rowCount: number): NumericColumn {
  const values = new Float64Array(rowCount)
  let valid: Uint8Array | null = null
  let row = 0
  const kind = numericKind(chunks[0] as Data)
  for (const data of chunks) {
    const scale = toMicroseconds(data)
    const length = data.length
    const source = data.values as ArrayLike<number | bigint>
    if (data.typeId === Type.Bool) {
      // Booleans are bit-packed; the chunk's offset applies to the bits.
      const bits = data.values as Uint8Array
      for (let i = 0; i < length; i++) {
        const bit = data.offset + i
        values[row + i] = ((bits[bit >> 3] as number) >> (bit & 7)) & 1
      }
    } else if (source instanceof BigInt64Array || source instanceof BigUint64Array) {
      int64ToFloat64(source, length, values, row, scale)
    } else if (scale === 1) {
      for (let i = 0; i < length; i++) values[row + i] = source[i] as number
    } else {
      for (let i = 0; i < length; i++) values[row + i] = (source[i] as number) * scale
    }
    if (data.nullCount > 0) {
      valid ??= new Uint8Array(rowCount).fill(1)
      const bitmap = data.nullBitmap as Uint8Array
      for (let i = 0; i < length; i++) {
        const bit = data.offset + i
        if ((((bitmap[bit >> 3] as number) >> (bit & 7)) & 1) === 0) valid[row + i] = 0
      }
    }
    row += length
  }
  return { kind, values, valid }
}

/** Whether this platform stores integers little-endian (the layout Arrow's buffers use on every target we ship). */
const isLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/**
 * `Number(source[i]) * scale` into `out` from `row` on, without making a BigInt per value: each 64-bit integer
 * is read as its two 32-bit halves, and `high · 2³² + low` is the exact integer's nearest double (the product
 * is exact, so the one rounding of the sum is the same round-to-nearest-even `Number(bigint)` does), for every
 * int64 and uint64, not only below 2^53.
 */
function int64ToFloat64(
  source: BigInt64Array | BigUint64Array,
  length: number,
  out: Float64Array,
  row: number,
  scale: number,
): void {
  if (!isLittleEndian) {
    for (let i = 0; i < length; i++) out[row + i] = Number(source[i] as bigint) * scale
    return
  }
  const words = new Int32Array(source.buffer, source.byteOffset, length * 2)
  const signed = source instanceof BigInt64Array
  for (let i = 0; i < length; i++) {
    const low = (words[2 * i] as number) >>> 0
    const high = signed ? (words[2 * i + 1] as number) : (words[2 * i + 1] as number) >>> 0
    out[row + i] = (high * 4294967296 + low) * scale
  }
}

function convertStrings(name: string, chunks: readonly Data[], rowCount: number) {
  const values = new Array<string | null>(rowCount)
  const interner = new Utf8StringInterner()
  let row = 0
  for (const data of chunks) {
    if (!decodeUtf8Chunk(data, interner, values, row)) {
      // Anything else (a dictionary of non-strings, say) goes through apache-arrow's own get().
      const vector = makeVectorFromData(data)
      for (let i = 0; i < data.length; i++) {
        const value = vector.get(i)
        if (value !== null && typeof value !== 'string') {
          throw new RangeError(`Column '${name}' mixes strings with other values.`)
        }
        values[row + i] = value
      }
    }
    row += data.length
  }
  return { kind: 'string' as const, values }
}

/**
 * Writes a Utf8, LargeUtf8 or Dictionary-of-Utf8 chunk's values into `out` from `row` on, straight from its
 * offsets and data buffers, each distinct value decoded once ({@link Utf8StringInterner}); the same strings
 * `makeVector(data).get(i)` returns. Returns false (writing nothing) for any other layout.
 *
 * apache-arrow slices a variable-width chunk by slicing its offsets (so offsets[i] is row i's start) and a
 * dictionary chunk by slicing its indices; the validity bitmap is never sliced, so it is read at offset + i.
 */
export function decodeUtf8Chunk(
  data: Data,
  interner: Utf8StringInterner,
  out: (string | null)[],
  row: number,
): boolean {
  const length = data.length
  const bitmap = data.nullCount > 0 ? (data.nullBitmap as Uint8Array | undefined) : undefined
  const isValid = (i: number): boolean => {
    if (bitmap === undefined || bitmap.length === 0) return true
    const bit = data.offset + i
    return (((bitmap[bit >> 3] as number) >> (bit & 7)) & 1) === 1
  }
  if (data.typeId === Type.Utf8 || data.typeId === Type.LargeUtf8) {
    const bytes = data.values as Uint8Array
    const offsets = data.valueOffsets as Int32Array | BigInt64Array
    if (offsets instanceof BigInt64Array) {
      for (let i = 0; i < length; i++)
        out[row + i] = isValid(i)
          ? interner.decode(bytes, Number(offsets[i]), Number(offsets[i + 1]))
          : null
    } else if (bitmap === undefined) {
      let start = offsets[0] as number
      for (let i = 0; i < length; i++) {
        const end = offsets[i + 1] as number
        out[row + i] = interner.decode(bytes, start, end)
        start = end
      }
    } else {
      for (let i = 0; i < length; i++)
        out[row + i] = isValid(i)
          ? interner.decode(bytes, offsets[i] as number, offsets[i + 1] as number)
          : null
    }
    return true
  }
  if (data.typeId === Type.Dictionary) {
    const dictionary = data.dictionary
    if (dictionary === undefined) return false
    const words: (string | null)[] = new Array<string | null>(dictionary.length)
    let at = 0
    for (const chunk of dictionary.data as readonly Data[]) {
      if (chunk.typeId !== Type.Utf8 && chunk.typeId !== Type.LargeUtf8) return false
      decodeUtf8Chunk(chunk, interner, words, at)
      at += chunk.length
    }
    const indices = data.values as ArrayLike<number | bigint>
    for (let i = 0; i < length; i++) {
      const index = Number(indices[i])
      // An index outside the dictionary: apache-arrow's get() path reports the column (undefined value).
      if (isValid(i) && !(index >= 0 && index < words.length)) return false
      out[row + i] = isValid(i) ? (words[index] as string | null) : null
    }
    return true
  }
  return false
}

function makeVectorFromData(data: Data): { get(i: number): unknown } {
  return makeVector(data) as { get(i: number): unknown }
}
