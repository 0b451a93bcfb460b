import { describe, expect, it } from 'vitest'
import { jensenShannonDistance } from './jensen-shannon-distance'

describe('jensenShannonDistance', () => {
  it('uses the natural log: disjoint distributions are sqrt(ln 2) apart', () => {
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.LN2), 15)
  })
  it('matches scipy.spatial.distance.jensenshannon([0.2, 0.8], [0.5, 0.5])', () => {
    expect(jensenShannonDistance([0.2, 0.8], [0.5, 0.5])).toBeCloseTo(0.22510405812771545, 14)
  })
  it('renormalises its inputs and is 0 for equal shapes', () => {
    expect(jensenShannonDistance([2, 6], [1, 3])).toBe(0)
  })
  it('rejects vectors of different lengths', () => {
    expect(() => jensenShannonDistance([1], [0.5, 0.5])).toThrow(RangeError)
  })
})
