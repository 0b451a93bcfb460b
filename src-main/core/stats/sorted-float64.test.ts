import { describe, expect, it } from 'vitest'
import { sortedFloat64 } from './sorted-float64'

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

/** The same doubles in the same order, bit for bit (`-0` is not `0`, NaN is NaN). */
function expectSameDoubles(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`index ${i}: ${actual[i]} where the native sort has ${expected[i]}`)
  }
}

const native = (values: ArrayLike<number>): Float64Array => Float64Array.from(values).sort()

describe('sortedFloat64', () => {
  it('orders a small array numerically', () => {
    expectSameDoubles(sortedFloat64([3, 1, 2]), Float64Array.of(1, 2, 3))
  })

  it('equals the native sort on random doubles of every sign and magnitude (radix path)', () => {
    const random = rng(1)
    for (const size of [4_096, 5_000, 27_000, 100_000]) {
      const values = Float64Array.from({ length: size }, () => {
        const magnitude = Math.exp((random() - 0.5) * 200) * (random() < 0.5 ? -1 : 1)
        return random() < 0.5 ? magnitude : Math.round(magnitude * 100) / 100
      })
      expectSameDoubles(sortedFloat64(values), native(values))
    }
  })

  it('equals the native sort with duplicates, -0, 0, NaN, ±Infinity and subnormals mixed in', () => {
    const random = rng(2)
    const specials = [-0, 0, Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE]
    for (const size of [10, 4_095, 4_096, 20_000]) {
      const values = Array.from({ length: size }, () =>
        random() < 0.3
          ? (specials[Math.floor(random() * specials.length)] as number)
          : Math.floor(random() * 20) - 10,
      )
      expectSameDoubles(sortedFloat64(values), native(values))
    }
  })

  it('equals the native sort when every value is negative, or all equal, or already sorted', () => {
    const random = rng(3)
    const negatives = Float64Array.from({ length: 9_000 }, () => -random() * 1e6)
    expectSameDoubles(sortedFloat64(negatives), native(negatives))
    expectSameDoubles(
      sortedFloat64(new Float64Array(9_000).fill(-2.5)),
      native(new Float64Array(9_000).fill(-2.5)),
    )
    const ascending = Float64Array.from({ length: 9_000 }, (_, i) => i - 4_500)
    expectSameDoubles(sortedFloat64(ascending), ascending)
    const allNaN = new Float64Array(5_000).fill(Number.NaN)
    expectSameDoubles(sortedFloat64(allNaN), allNaN)
  })

  it('leaves its input untouched and stays correct across calls that share scratch space', () => {
    const random = rng(4)
    const big = Float64Array.from({ length: 50_000 }, () => random() - 0.5)
    const copy = Float64Array.from(big)
    const first = sortedFloat64(big)
    const small = Float64Array.from({ length: 6_000 }, () => random() * -3)
    expectSameDoubles(sortedFloat64(small), native(small))
    expectSameDoubles(first, native(copy))
    expectSameDoubles(big, copy)
  })
})
