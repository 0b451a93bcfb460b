import { describe, expect, it } from 'vitest'
import { numpyMean } from './numpy-mean'

describe('numpyMean', () => {
  it('sums pairwise like numpy, not left to right', () => {
    // np.mean(np.full(10, 0.1)) == 0.1; a left-to-right sum gives 0.09999999999999999
    expect(numpyMean(new Float64Array(10).fill(0.1))).toBe(0.1)
    expect(numpyMean(Float64Array.of(1, 2, 3, 4))).toBe(2.5)
  })
  it('is NaN for an empty array', () => {
    expect(numpyMean([])).toBeNaN()
  })
})
