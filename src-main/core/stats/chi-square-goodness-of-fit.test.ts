import { describe, expect, it } from 'vitest'
import { chiSquareGoodnessOfFit } from './chi-square-goodness-of-fit'

describe('chiSquareGoodnessOfFit', () => {
  it('matches scipy.stats.chisquare with expected frequencies', () => {
    const result = chiSquareGoodnessOfFit([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8])
    expect(result.statistic).toBeCloseTo(3.5, 14)
    expect(result.pValue).toBeCloseTo(0.6233876277495822, 14)
  })
  it('gives p = 0 when a category has no expected count but is observed', () => {
    expect(chiSquareGoodnessOfFit([1, 1], [2, 0]).pValue).toBe(0)
  })
  it('gives p = NaN for a single category (zero degrees of freedom), as scipy', () => {
    expect(chiSquareGoodnessOfFit([5], [5]).pValue).toBeNaN()
  })
  it('rejects sums that disagree, as scipy 1.10 does', () => {
    expect(() => chiSquareGoodnessOfFit([1, 2], [1, 1])).toThrow(/relative tolerance of 1e-08/)
  })
})
