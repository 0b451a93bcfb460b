import { describe, expect, it } from 'vitest'
import { binnedDistributions, finiteSturgesBinEdges } from './binned-distributions'

describe('binnedDistributions (Evidently get_binned_data)', () => {
  it('gives one bucket per distinct value of the union for categorical columns', () => {
    const shares = binnedDistributions(['a', 'a', 'b', 'c'], ['b', 'd'], 'cat', false)
    expect([...shares.reference]).toEqual([0.5, 0.25, 0.25, 0])
    expect([...shares.current]).toEqual([0, 0.5, 0, 0.5])
  })

  it('treats numeric categories by value and keeps value buckets for ≤ 20 distinct reference values', () => {
    const reference = Float64Array.from({ length: 40 }, (_, i) => i % 20)
    const shares = binnedDistributions(reference, Float64Array.of(0, 0, 25), 'num', false)
    expect(shares.reference.length).toBe(21)
    expect(shares.reference[0]).toBe(2 / 40)
    expect(shares.current[0]).toBe(2 / 3)
    expect(shares.current[20]).toBe(1 / 3)
  })

  it('switches to Sturges bins on the union above 20 distinct reference values', () => {
    const reference = Float64Array.from({ length: 21 }, (_, i) => i)
    const current = Float64Array.of(0, 30)
    // Union of 23 values over [0, 30]: ceil(log2(23) + 1) = 6 bins of width 5.
    const shares = binnedDistributions(reference, current, 'num', false)
    expect([...shares.reference]).toEqual([5, 5, 5, 5, 1, 0].map((c) => c / 21))
    expect([...shares.current]).toEqual([0.5, 0, 0, 0, 0, 0.5])
  })

  it('replaces zero shares by min/1e6 when the minimum is ≤ 1e-4, else by 1e-4 (feel_zeroes)', () => {
    const shares = binnedDistributions(['a', 'b', 'b', 'b'], ['c'], 'cat', true)
    expect([...shares.reference]).toEqual([0.25, 0.75, 0.0001])
    expect([...shares.current]).toEqual([0.0001, 0.0001, 1])
    const tiny = Array.from({ length: 20000 }, (_, i) => (i === 0 ? 'rare' : 'common'))
    const tinyShares = binnedDistributions(tiny, ['new'], 'cat', true)
    expect(tinyShares.reference[2]).toBe(1 / 20000 / 1e6)
  })

  it('rejects empty samples and mixed kinds', () => {
    expect(() => binnedDistributions([], ['a'], 'cat', false)).toThrow(RangeError)
    expect(() => binnedDistributions(['a'], Float64Array.of(1), 'cat', false)).toThrow(TypeError)
  })
})

describe('finiteSturgesBinEdges (review of issue 9: degenerate bins gave a null "no drift" score)', () => {
  it('returns numpy Sturges edges when every bin has a finite, positive width', () => {
    expect([...finiteSturgesBinEdges(4, 0, 3)]).toEqual([0, 1, 2, 3])
  })

  it('refuses a range too narrow for its bins, a constant too large to widen, and a span past the largest double', () => {
    for (const [size, minimum, maximum] of [
      [20, 0.3, 0.30000000000000004],
      [2, 0.3, 0.30000000000000004],
      [20, 1e308, 1e308],
      [52, -1.5e308, 1.5e308],
    ] as const) {
      expect(() => finiteSturgesBinEdges(size, minimum, maximum)).toThrowError(
        /^Too many bins for the data range: the values from .* cannot be cut into \d+ finite-sized histogram bins/,
      )
    }
  })

  it('makes the Sturges path of binnedDistributions refuse a span past the largest double', () => {
    const values = Float64Array.of(
      -1.5e308,
      1.5e308,
      ...Array.from({ length: 24 }, (_, i) => i + 0.5),
    )
    expect(() => binnedDistributions(values, values, 'num', false)).toThrowError(
      /^Too many bins for the data range/,
    )
  })
})
