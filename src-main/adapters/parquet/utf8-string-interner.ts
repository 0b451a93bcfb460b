/** Byte sequences longer than this are decoded every time: long text is rarely a repeated category. */
const maxInternedBytes = 128

/** Distinct strings kept per interner: bounds memory (and probing) on a column of unique values. */
const defaultMaxEntries = 1 << 16

/**
 * Decodes UTF-8 byte ranges to strings, returning the one string already made for the same bytes.
 *
 * A categorical Arrow column (a region, a device, a plan name) repeats a few dozen values over millions of
 * rows; decoding every row with `TextDecoder` cost most of a Parquet read (issue 11's profile: 5 % in
 * `decode`, 4.5 % `decodeUTF8`, 8 % in apache-arrow's `get`). Here the bytes are hashed (FNV-1a) and
 * compared byte for byte with the bytes kept for each distinct value, so each distinct value is decoded once
 * and every row shares one string instance (which also makes later `Map` lookups by that string cheaper).
 *
 * Exact for any bytes: a miss is decoded by the same `new TextDecoder('utf-8')` apache-arrow uses (so a
 * leading BOM is dropped and invalid sequences become U+FFFD exactly as `vector.get(i)` gives them), and a hit
 * returns the string decoded from identical bytes. High-cardinality columns stay bounded: values longer than
 * 128 bytes are never kept, and once `maxEntries` distinct values are kept, new values are decoded without
 * being kept.
 */
export class Utf8StringInterner {
  private readonly decoder = new TextDecoder('utf-8')
  private readonly maxEntries: number
  /** Open addressing: slot → entry index + 1 (0 = empty). */
  private slots = new Int32Array(256)
  private hashes = new Int32Array(128)
  private starts = new Int32Array(128)
  private lengths = new Int32Array(128)
  private strings: string[] = []
  /** The kept bytes of every entry, back to back. */
  private pool = new Uint8Array(4096)
  private poolUsed = 0

  constructor(maxEntries = defaultMaxEntries) {
    this.maxEntries = maxEntries
  }

  /** The string of `bytes[start, end)`. */
  decode(bytes: Uint8Array, start: number, end: number): string {
    const length = end - start
    if (length > maxInternedBytes) return this.decoder.decode(bytes.subarray(start, end))
    let hash = 0x811c9dc5 | 0
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193)
    const mask = this.slots.length - 1
    let slot = hash & mask
    for (;;) {
      const entry = (this.slots[slot] as number) - 1
      if (entry < 0) break
      if (this.hashes[entry] === hash && this.lengths[entry] === length) {
        const kept = this.starts[entry] as number
        let same = true
        for (let i = 0; i < length; i++) {
          if (this.pool[kept + i] !== bytes[start + i]) {
            same = false
            break
          }
        }
        if (same) return this.strings[entry] as string
      }
      slot = (slot + 1) & mask
    }
    const value = this.decoder.decode(bytes.subarray(start, end))
    if (this.strings.length < this.maxEntries) this.keep(hash, bytes, start, length, value, slot)
    return value
  }

  private keep(
    hash: number,
    bytes: Uint8Array,
    start: number,
    length: number,
    value: string,
    slot: number,
  ): void {
    const entry = this.strings.length
    if (entry === this.hashes.length) {
      this.hashes = grown(this.hashes, entry * 2)
      this.starts = grown(this.starts, entry * 2)
      this.lengths = grown(this.lengths, entry * 2)
    }
    if (this.poolUsed + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + length))
      pool.set(this.pool.subarray(0, this.poolUsed))
      this.pool = pool
    }
    this.pool.set(bytes.subarray(start, start + length), this.poolUsed)
    this.hashes[entry] = hash
    this.starts[entry] = this.poolUsed
    this.lengths[entry] = length
    this.poolUsed += length
    this.strings.push(value)
    this.slots[slot] = entry + 1
    // Keep the table at most half full so probes stay short.
    if ((entry + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2)
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size)
    const mask = size - 1
    for (let entry = 0; entry < this.strings.length; entry++) {
      let slot = (this.hashes[entry] as number) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = entry + 1
    }
    this.slots = slots
  }
}

function grown(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size)
  out.set(array)
  return out
}
