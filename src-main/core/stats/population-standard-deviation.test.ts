import { describe, expect, it } from 'vitest'
import { populationStandardDeviation } from './population-standard-deviation'

describe('populationStandardDeviation', () => {
  it('divides by n, like numpy.std with ddof=0', () => {
    expect(populationStandardDeviation(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9))).toBe(2)
  })
  it('is 0 for a constant sample and for one value', () => {
    expect(populationStandardDeviation(Float64Array.of(3, 3, 3))).toBe(0)
    expect(populationStandardDeviation([7])).toBe(0)
  })
  it('rejects an empty sample', () => {
    expect(() => populationStandardDeviation([])).toThrow(RangeError)
  })
})
