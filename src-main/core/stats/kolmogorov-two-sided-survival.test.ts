import { describe, expect, it } from 'vitest'
import { kolmogorovTwoSidedSurvival } from './kolmogorov-two-sided-survival'
import { smirnovOneSidedSurvival } from './smirnov-one-sided-survival'

describe('kolmogorovTwoSidedSurvival', () => {
  it('matches scipy.stats.kstwo.sf at known points', () => {
    expect(kolmogorovTwoSidedSurvival(0.3, 10)).toBeCloseTo(0.27053557479999946, 13)
    expect(kolmogorovTwoSidedSurvival(0.05, 1000)).toBeCloseTo(0.013012074781090332, 13)
  })
  it('is 1 at or below 1/(2n), 0 at or above 1, NaN for a non-integer n', () => {
    expect(kolmogorovTwoSidedSurvival(0.05, 10)).toBe(1)
    expect(kolmogorovTwoSidedSurvival(1, 10)).toBe(0)
    expect(kolmogorovTwoSidedSurvival(0.3, 2.5)).toBeNaN()
  })
})

describe('smirnovOneSidedSurvival', () => {
  it('matches scipy.special.smirnov', () => {
    expect(smirnovOneSidedSurvival(5, 0.3)).toBeCloseTo(0.34282, 14)
    expect(smirnovOneSidedSurvival(200, 0.1) / 0.017055111658647187).toBeCloseTo(1, 11)
    expect(smirnovOneSidedSurvival(10000, 0.02) / 0.00033084243196936547).toBeCloseTo(1, 10)
  })
  it('handles the ends', () => {
    expect(smirnovOneSidedSurvival(1, 0.3)).toBe(0.3)
    expect(smirnovOneSidedSurvival(7, 0)).toBe(1)
    expect(smirnovOneSidedSurvival(7, 1)).toBe(0)
    expect(smirnovOneSidedSurvival(0, 0.5)).toBeNaN()
  })
})
