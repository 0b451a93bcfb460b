import {
  Dictionary,
  Int32,
  Int64,
  LargeUtf8,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  Uint64,
  Utf8,
  vectorFromArray,
} from 'apache-arrow'
import type { Data, Vector } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { arrowTableToFrame } from './arrow-to-frame'
import { Utf8StringInterner } from './utf8-string-interner'

/** A seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Short random strings over ASCII, 2-, 3- and 4-byte UTF-8 characters, some empty, from a small or large pool. */
function randomStrings(random: () => number, n: number, distinct: number): (string | null)[] {
  const alphabet = ['a', 'Z', '0', ' ', 'é', 'ß', 'Ж', '中', '€', '😀', '𝄞', '\u0000', '\ufeff']
  const pool = Array.from({ length: distinct }, () => {
    const length = Math.floor(random() * 6)
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)]
    return text
  })
  return Array.from({ length: n }, () =>
    random() < 0.1 ? null : (pool[Math.floor(random() * pool.length)] as string),
  )
}

/** What apache-arrow's own `get()` gives for every row of a column (the reader's previous path). */
function arrowGet(vector: Vector): unknown[] {
  const out: unknown[] = []
  for (const data of vector.data as Data[]) {
    const chunk = makeVector(data)
    for (let i = 0; i < data.length; i++) out.push(chunk.get(i))
  }
  return out
}

function stringsOf(vector: Vector): unknown {
  const frame = arrowTableToFrame(new Table({ s: vector }))
  const column = frame.columns.s
  expect(column?.kind).toBe('string')
  return column?.kind === 'string' ? column.values : undefined
}

describe('arrowTableToFrame strings', () => {
  it('decodes Utf8 chunks to the same strings as apache-arrow get(), nulls and multi-byte included', () => {
    const random = rng(11)
    for (const distinct of [1, 7, 300, 5000]) {
      const vector = vectorFromArray(randomStrings(random, 20_000, distinct), new Utf8())
      expect(stringsOf(vector)).toEqual(arrowGet(vector))
    }
  })

  it('decodes sliced chunks (offsets into shared buffers, a validity bitmap read at an offset)', () => {
    const random = rng(12)
    const whole = vectorFromArray(randomStrings(random, 5_000, 40), new Utf8())
    for (const [begin, end] of [
      [0, 1],
      [3, 4_001],
      [7, 5_000],
      [1_234, 1_235],
    ] as const) {
      const slice = whole.slice(begin, end)
      expect(slice.data[0]?.offset).toBe(begin)
      expect(stringsOf(slice)).toEqual(arrowGet(slice))
    }
    // Several sliced chunks in one column.
    const chunked = whole.slice(5, 900).concat(whole.slice(2_000, 2_003), whole.slice(4_100))
    expect(chunked.data.length).toBe(3)
    expect(stringsOf(chunked)).toEqual(arrowGet(chunked))
  })

  it('gives rows with the same bytes one shared string, distinct across distinct bytes', () => {
    const vector = vectorFromArray(['north', 'south', 'north', '', 'north', ''], new Utf8())
    expect(stringsOf(vector)).toEqual(['north', 'south', 'north', '', 'north', ''])
  })

  it('decodes LargeUtf8 (64-bit offsets) as apache-arrow does', () => {
    const random = rng(13)
    const vector = vectorFromArray(randomStrings(random, 3_000, 50), new LargeUtf8())
    expect(vector.data[0]?.typeId).toBe(new LargeUtf8().typeId)
    expect(stringsOf(vector)).toEqual(arrowGet(vector))
    const slice = vector.slice(17, 2_500)
    expect(stringsOf(slice)).toEqual(arrowGet(slice))
  })

  it('decodes Dictionary<Utf8> chunks (sliced ones too) as apache-arrow does', () => {
    const random = rng(14)
    const vector = vectorFromArray(
      randomStrings(random, 4_000, 30),
      new Dictionary(new Utf8(), new Int32()),
    )
    expect(vector.data[0]?.typeId).toBe(new Dictionary(new Utf8(), new Int32()).typeId)
    expect(stringsOf(vector)).toEqual(arrowGet(vector))
    const slice = vector.slice(101, 3_333)
    expect(stringsOf(slice)).toEqual(arrowGet(slice))
  })

  it('keeps exact strings past the interning bounds (long values, many distinct values)', () => {
    const long = ['x'.repeat(129), 'é'.repeat(100), 'y'.repeat(128)]
    const unique = Array.from({ length: 70_000 }, (_, i) => `id-${i}-ü`)
    const values = [...long, ...unique, ...long, ...unique.slice(0, 10)]
    const vector = vectorFromArray(values, new Utf8())
    expect(stringsOf(vector)).toEqual(values)
  })

  it('decodes invalid UTF-8 and a leading byte-order mark exactly as apache-arrow get() does', () => {
    const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62, 0xc3, 0xef, 0xbb, 0xbf, 0x61)
    const data = makeData({
      type: new Utf8(),
      length: 4,
      valueOffsets: Int32Array.of(0, 4, 6, 7, 11),
      data: bytes,
    })
    const vector = makeVector(data)
    expect(stringsOf(vector)).toEqual(arrowGet(vector))
    expect(stringsOf(vector)).toEqual(['a', '\ufffdb', '\ufffd', 'a'])
  })
})

describe('Utf8StringInterner', () => {
  it('returns the TextDecoder string for every byte range, hits and misses alike', () => {
    const random = rng(21)
    const interner = new Utf8StringInterner(50)
    const decoder = new TextDecoder('utf-8')
    const bytes = Uint8Array.from({ length: 4_000 }, () =>
      random() < 0.7 ? 0x61 + Math.floor(random() * 3) : Math.floor(random() * 256),
    )
    for (let k = 0; k < 20_000; k++) {
      const start = Math.floor(random() * 3_990)
      const end = start + Math.floor(random() * 8)
      expect(interner.decode(bytes, start, end)).toBe(decoder.decode(bytes.subarray(start, end)))
    }
  })
})

describe('arrowTableToFrame 64-bit integers', () => {
  it('converts int64 and uint64 exactly as Number(bigint), beyond 2^53 and at the extremes', () => {
    const random = rng(31)
    const signed = [0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 3n, 2n ** 63n - 1n, -(2n ** 63n)]
    for (let i = 0; i < 2_000; i++) {
      const high = BigInt(Math.floor(random() * 2 ** 32)) - 2n ** 31n
      const low = BigInt(Math.floor(random() * 2 ** 32))
      signed.push((high << 32n) | low)
    }
    const unsigned = [0n, 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 53n + 1n]
    for (let i = 0; i < 2_000; i++)
      unsigned.push(BigInt(Math.floor(random() * 2 ** 32)) * 2n ** 32n + 12_345n)
    const table = new Table({
      s: makeVector(makeData({ type: new Int64(), data: BigInt64Array.from(signed) })),
    })
    const values = arrowTableToFrame(table).columns.s
    expect(values?.kind === 'int64' && Array.from(values.values)).toEqual(signed.map(Number))
    const sliced = makeVector(
      makeData({ type: new Uint64(), data: BigUint64Array.from(unsigned) }),
    ).slice(3)
    const u = arrowTableToFrame(new Table({ u: sliced })).columns.u
    expect(u && u.kind !== 'string' && u.kind !== 'null' && Array.from(u.values)).toEqual(
      unsigned.slice(3).map(Number),
    )
  })

  it('scales 64-bit timestamps to microseconds as before', () => {
    const ms = [0n, 1_700_000_000_123n, -86_400_000n]
    const vector = makeVector(
      makeData({ type: new TimestampMillisecond(), data: BigInt64Array.from(ms) }),
    )
    const column = arrowTableToFrame(new Table({ t: vector })).columns.t
    expect(column?.kind === 'timestamp_us' && Array.from(column.values)).toEqual(
      ms.map((v) => Number(v) * 1e3),
    )
  })
})
