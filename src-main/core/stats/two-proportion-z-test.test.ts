import { describe, expect, it } from 'vitest'
import { twoProportionZTest } from './two-proportion-z-test'

describe('twoProportionZTest', () => {
  it('pools the proportions (textbook 30/100 vs 50/100)', () => {
    const result = twoProportionZTest(30, 100, 50, 100)
    expect(result.statistic).toBeCloseTo(-2.886751345948129, 14)
    expect(result.pValue).toBeCloseTo(0.0038924171227785465, 14)
  })
  it('is 1 for equal proportions', () => {
    expect(twoProportionZTest(5, 10, 10, 20).pValue).toBe(1)
  })
  it('is NaN when both samples are all ones (P(1 − P) = 0)', () => {
    expect(twoProportionZTest(4, 4, 3, 3).pValue).toBeNaN()
  })
  it('rejects empty samples', () => {
    expect(() => twoProportionZTest(0, 0, 1, 2)).toThrow(RangeError)
  })
})
