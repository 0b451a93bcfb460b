import { describe, expect, it } from 'vitest'
import { kolmogorovSmirnovTwoSample } from './kolmogorov-smirnov-two-sample'

describe('kolmogorovSmirnovTwoSample', () => {
  it('gives the exact p-value 2/C(6,3) for fully separated samples of three', () => {
    const result = kolmogorovSmirnovTwoSample([1, 2, 3], [4, 5, 6])
    expect(result.statistic).toBe(1)
    expect(result.pValue).toBeCloseTo(0.1, 15)
    expect(result.method).toBe('exact')
  })
  it('returns p = 1 when the rounded statistic is 0 (identical samples)', () => {
    expect(kolmogorovSmirnovTwoSample([1, 2, 2, 3], [3, 2, 2, 1])).toEqual({
      statistic: 0,
      pValue: 1,
      method: 'exact',
    })
  })
  it('falls back to the asymptotic method when the exact sum leaves [0, 1] (n1 = n2 = 10000, D = 0.001)', () => {
    const reference = Float64Array.from({ length: 10000 }, (_, i) => i)
    const current = Float64Array.from({ length: 10000 }, (_, i) => i + 10)
    const result = kolmogorovSmirnovTwoSample(reference, current)
    expect(result.method).toBe('asymptotic')
    expect(result.statistic).toBe(0.001)
    expect(result.pValue).toBe(1)
  })
  it('uses the asymptotic method above 10000 values', () => {
    const reference = Float64Array.from({ length: 10001 }, (_, i) => i / 10001)
    const current = Float64Array.from({ length: 50 }, (_, i) => 0.5 + i / 100)
    expect(kolmogorovSmirnovTwoSample(reference, current).method).toBe('asymptotic')
  })
  it('rejects an empty sample with scipy’s message', () => {
    expect(() => kolmogorovSmirnovTwoSample([], [1])).toThrow(
      'Data passed to ks_2samp must not be empty',
    )
  })
})
