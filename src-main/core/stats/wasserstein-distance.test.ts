import { describe, expect, it } from 'vitest'
import { wassersteinDistance, wassersteinDistanceOfSorted } from './wasserstein-distance'

describe('wassersteinDistance', () => {
  it('reproduces the scipy documentation examples', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 15)
    expect(wassersteinDistance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4])).toBeCloseTo(2.7, 14)
  })
  it('is zero for equal samples and symmetric', () => {
    expect(wassersteinDistance([1, 2, 2, 3], [3, 2, 1, 2])).toBe(0)
    expect(wassersteinDistance([0, 10], [1])).toBe(wassersteinDistance([1], [10, 0]))
  })
  it('handles ties across samples (zero-width steps)', () => {
    // F_u − F_v: u = {1,1,2}, v = {1,2,2}: |2/3 − 1/3| on [1, 2) → 1/3.
    expect(
      wassersteinDistanceOfSorted(Float64Array.of(1, 1, 2), Float64Array.of(1, 2, 2)),
    ).toBeCloseTo(1 / 3, 15)
  })
  it('rejects an empty sample', () => {
    expect(() => wassersteinDistance([], [1])).toThrow(RangeError)
  })
})
