/**
 * Below this many values the engine's own sort wins: its set-up is cheaper than the radix sort's six
 * histograms of 2,048 buckets (break-even near 3,000 values in bench/sorted-float64.bench.ts).
 */
const radixThreshold = 4096

/** The radix sort reads a double's halves through an Int32Array view, which assumes little-endian words. */
const isLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

const digitMask = 2047
/** 11-bit digits of the 64-bit pattern: bits 0–10, 11–21, 22–32, 33–43, 44–54 and 55–63. */
const passes = 6

/**
 * Scratch space reused by every sort up to this many values, so a backfill's thousands of window sorts do
 * not each allocate (and page-fault in) a fresh buffer; larger sorts use a buffer of their own.
 */
const maxKeptScratch = 1 << 20
let keptScratch = new Float64Array(0)
const counts = new Int32Array(passes * (digitMask + 1))

/**
 * An ascending copy of `values`, exactly as `Float64Array.prototype.sort` orders it (so as `np.sort`): numeric
 * order, `-0` before `0`, every NaN last.
 *
 * Arrays of 4,096 values or more are sorted by an LSD radix sort on the IEEE-754 bit patterns, moving whole
 * doubles (so each keeps its bits). Read as unsigned integers, those patterns order the non-negative
 * doubles ascending, then the negative ones by ascending magnitude; reversing that negative block and putting
 * it first gives numeric order, `-0` right before `0` (Herf, "Radix tricks"). NaNs are set aside first and
 * put last, as the comparison sort puts them. The result is the very array the comparison sort gives, in
 * O(n): a backfill sorts every numeric column of every window once (issue 11: 18 % of the own-data
 * backfill's CPU went to the comparison sort; 1.5× faster at 27k values).
 *
 * Complexity: O(n) time and memory for n ≥ 4,096, O(n log n) below.
 * @see http://stereopsis.com/radix.html
 * @example sortedFloat64([3, 1, 2]) // Float64Array [1, 2, 3]
 */
export function sortedFloat64(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values)
  return out.length < radixThreshold || !isLittleEndian ? out.sort() : radixSortInPlace(out)
}

function radixSortInPlace(out: Float64Array): Float64Array {
  const n = out.length
  let m = 0
  for (let i = 0; i < n; i++) {
    const value = out[i] as number
    // Non-NaN doubles (±0 and ±Infinity included) are copied bit for bit.
    if (value === value) out[m++] = value
  }
  let scratch: Float64Array
  if (m > maxKeptScratch) scratch = new Float64Array(m)
  else {
    if (keptScratch.length < m) keptScratch = new Float64Array(Math.max(m, 2 * keptScratch.length))
    scratch = keptScratch
  }
  let source = out
  let target = scratch
  let sourceWords = new Int32Array(out.buffer, out.byteOffset, 2 * m)
  let targetWords = new Int32Array(scratch.buffer, scratch.byteOffset, 2 * m)
  counts.fill(0)
  let negatives = 0
  for (let i = 0; i < m; i++) {
    // Little-endian words: [2i] holds bits 0–31, [2i + 1] bits 32–63 (the sign is bit 63).
    const low = sourceWords[2 * i] as number
    const high = sourceWords[2 * i + 1] as number
    negatives += high >>> 31
    counts[low & digitMask]!++
    counts[2048 + ((low >>> 11) & digitMask)]!++
    counts[4096 + (((low >>> 22) | (high << 10)) & digitMask)]!++
    counts[6144 + ((high >>> 1) & digitMask)]!++
    counts[8192 + ((high >>> 12) & digitMask)]!++
    counts[10240 + (high >>> 23)]!++
  }
  for (let pass = 0; pass < passes; pass++) {
    const base = pass * 2048
    // A digit that every value shares leaves the order as it is.
    if (m === 0 || counts[base + digitOf(pass, sourceWords, 0)] === m) continue
    let position = 0
    for (let b = 0; b <= digitMask; b++) {
      const count = counts[base + b] as number
      counts[base + b] = position
      position += count
    }
    if (pass === 2) {
      for (let i = 0; i < m; i++) {
        const digit = ((sourceWords[2 * i]! >>> 22) | (sourceWords[2 * i + 1]! << 10)) & digitMask
        const to = counts[base + digit]!++
        target[to] = source[i]!
      }
    } else {
      const word = pass < 2 ? 0 : 1
      const shift = [0, 11, 0, 1, 12, 23][pass] as number
      for (let i = 0; i < m; i++) {
        const to = counts[base + ((sourceWords[2 * i + word]! >>> shift) & digitMask)]!++
        target[to] = source[i]!
      }
    }
    const sorted = target
    target = source
    source = sorted
    const sortedWords = targetWords
    targetWords = sourceWords
    sourceWords = sortedWords
  }
  // `source` holds the non-negatives ascending, then the negatives by ascending magnitude.
  const nonNegatives = m - negatives
  if (source !== out) {
    for (let i = 0; i < negatives; i++) out[i] = source[m - 1 - i]!
    out.set(source.subarray(0, nonNegatives), negatives)
  } else if (negatives > 0) {
    scratch.set(out.subarray(0, nonNegatives))
    for (let i = 0; i < negatives; i++) scratch[nonNegatives + i] = out[m - 1 - i]!
    out.set(scratch.subarray(nonNegatives, m), 0)
    out.set(scratch.subarray(0, nonNegatives), negatives)
  }
  if (m < n) out.fill(Number.NaN, m)
  return out
}

function digitOf(pass: number, words: Int32Array, i: number): number {
  const low = words[2 * i] as number
  const high = words[2 * i + 1] as number
  switch (pass) {
    case 0:
      return low & digitMask
    case 1:
      return (low >>> 11) & digitMask
    case 2:
      return ((low >>> 22) | (high << 10)) & digitMask
    case 3:
      return (high >>> 1) & digitMask
    case 4:
      return (high >>> 12) & digitMask
    default:
      return high >>> 23
  }
}
