import { describe, expect, it } from 'vitest'
import { linearQuantile } from '../stats/linear-quantile'
import { numpyRound } from './numpy-round'

describe('numpy rounding and quantiles', () => {
  it('rounds like np.round: scale, half to even, unscale', () => {
    expect(numpyRound(0.125, 2)).toBe(0.12)
    expect(numpyRound(0.135, 2)).toBe(0.14)
    // 2.675·100 is exactly 267.5 in float64, so numpy gives 2.68 where Python's round() gives 2.67.
    expect(numpyRound(2.675, 2)).toBe(2.68)
    expect(numpyRound(0.0125036, 3)).toBe(0.013)
    expect(numpyRound(-1.5, 0)).toBe(-2)
  })
  it('interpolates quantiles linearly like np.quantile', () => {
    expect(linearQuantile(Float64Array.of(1, 2, 3, 4), 0.5)).toBe(2.5)
    expect(linearQuantile(Float64Array.of(1, 2, 3, 4), 0.25)).toBe(1.75)
    expect(linearQuantile(Float64Array.of(7), 0.9)).toBe(7)
    expect(() => linearQuantile(new Float64Array(0), 0.5)).toThrow(RangeError)
  })
})
