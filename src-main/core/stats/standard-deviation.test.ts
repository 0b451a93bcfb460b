import { describe, expect, it } from 'vitest'
import { standardDeviation } from './standard-deviation'

describe('standardDeviation', () => {
  it('is the population value by default (numpy ddof 0)', () => {
    expect(standardDeviation(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9))).toBe(2)
  })
  it('is 0 for a constant sample', () => {
    expect(standardDeviation(Float64Array.of(3, 3, 3))).toBe(0)
    expect(standardDeviation([7])).toBe(0)
  })
  it('divides by count − ddof (pandas ddof 1) and is NaN when count <= ddof', () => {
    // np.std([1, 2, 3, 4], ddof=1) = 1.2909944487358056
    expect(standardDeviation([1, 2, 3, 4], { ddof: 1 })).toBeCloseTo(1.2909944487358056, 15)
    expect(standardDeviation([5], { ddof: 1 })).toBeNaN()
  })
  it('skips NaN like pandas when asked, and propagates it otherwise', () => {
    // pd.Series([1, nan, 3]).std() = 1.4142135623730951
    expect(standardDeviation([1, Number.NaN, 3], { ddof: 1, skipNaN: true })).toBe(
      1.4142135623730951,
    )
    expect(standardDeviation([1, Number.NaN, 3])).toBeNaN()
    expect(standardDeviation([Number.NaN, 2], { ddof: 1, skipNaN: true })).toBeNaN()
  })
  it('is NaN with an infinite value, as numpy', () => {
    expect(standardDeviation([1, Number.POSITIVE_INFINITY, 3])).toBeNaN()
  })
  it('throws on an empty sample or a bad ddof', () => {
    expect(() => standardDeviation([])).toThrow(RangeError)
    expect(() => standardDeviation([1, 2], { ddof: -1 })).toThrow(RangeError)
  })
})
