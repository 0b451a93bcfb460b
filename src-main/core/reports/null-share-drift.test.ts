import { describe, expect, it } from 'vitest'
import { nullShareDrift } from './null-share-drift'

describe('nullShareDrift (pooled two-proportion z-test on null shares)', () => {
  it('matches the z-test p-value computed with scipy.stats.norm', () => {
    // Python: p1 = 12/1000, p2 = 40/2399, pooled (p1·n1 + p2·n2)/(n1 + n2), 2·(1 − Φ(|z|)) = 0.3117235536567289
    const result = nullShareDrift(12, 1000, 40, 2399)
    expect(result.p_value).toBeCloseTo(0.3117235536567289, 12)
    expect(result.drift_detected).toBe(false)
  })
  it('gives p = 1 for equal shares, including both zero', () => {
    expect(nullShareDrift(100, 1000, 90, 900).p_value).toBe(1)
    expect(nullShareDrift(0, 10, 0, 20).p_value).toBe(1)
  })
  it('detects a jump in nulls and rejects impossible counts', () => {
    expect(nullShareDrift(0, 1000, 274, 2399).drift_detected).toBe(true)
    expect(() => nullShareDrift(5, 4, 0, 1)).toThrow(RangeError)
  })
})
