import { describe, expect, it } from 'vitest'
import {
  alignedValueCounts,
  getSeriesProfile,
  requireSameKind,
  unionDistinctCount,
  unionKeys,
} from './series-profile'

describe('getSeriesProfile', () => {
  it('returns the same cached profile for the same array object', () => {
    const series = Float64Array.of(3, 1, 3)
    expect(getSeriesProfile(series)).toBe(getSeriesProfile(series))
    expect(getSeriesProfile(Float64Array.of(3, 1, 3))).not.toBe(getSeriesProfile(series))
  })

  it('derives the sorted copy, distinct counts and population std of numbers', () => {
    const profile = getSeriesProfile(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9))
    expect([...profile.sorted()]).toEqual([2, 4, 4, 4, 5, 5, 7, 9])
    expect([...profile.distinctNumbers().values]).toEqual([2, 4, 5, 7, 9])
    expect([...profile.distinctNumbers().counts]).toEqual([1, 3, 2, 1, 1])
    expect(profile.distinctCount()).toBe(5)
    expect(profile.populationStandardDeviation()).toBe(2)
    expect([...profile.valueCounts()]).toEqual([
      [2, 1],
      [4, 3],
      [5, 2],
      [7, 1],
      [9, 1],
    ])
  })

  it('counts 0 and −0 as one value, as pandas does', () => {
    expect(getSeriesProfile(Float64Array.of(0, -0, 1)).distinctCount()).toBe(2)
  })

  it('counts strings in first-seen order and refuses numeric-only work', () => {
    const profile = getSeriesProfile(['b', 'a', 'b'])
    expect([...profile.valueCounts()]).toEqual([
      ['b', 2],
      ['a', 1],
    ])
    expect(profile.firstNonFiniteIndex()).toBe(-1)
    expect(() => profile.sorted()).toThrow(TypeError)
    expect(() => profile.populationStandardDeviation()).toThrow(TypeError)
  })

  it('finds the first NaN or infinite value', () => {
    expect(getSeriesProfile(Float64Array.of(1, Infinity, NaN)).firstNonFiniteIndex()).toBe(1)
    expect(getSeriesProfile(Float64Array.of(1, 2)).firstNonFiniteIndex()).toBe(-1)
  })
})

describe('union helpers', () => {
  it('aligns the counts of numeric samples over the ascending union', () => {
    const counts = alignedValueCounts(Float64Array.of(3, 1, 1), Float64Array.of(2, 3, 5))
    expect(counts.keys).toEqual([1, 2, 3, 5])
    expect([...counts.reference]).toEqual([2, 0, 1, 0])
    expect([...counts.current]).toEqual([0, 1, 1, 1])
    expect(unionDistinctCount(Float64Array.of(3, 1, 1), Float64Array.of(2, 3, 5))).toBe(4)
  })

  it('aligns the counts of string samples, reference values first', () => {
    const counts = alignedValueCounts(['x', 'y', 'x'], ['z', 'y'])
    expect(counts.keys).toEqual(['x', 'y', 'z'])
    expect([...counts.reference]).toEqual([2, 1, 0])
    expect([...counts.current]).toEqual([0, 1, 1])
    expect(unionKeys(['x', 'y', 'x'], ['z', 'y'])).toEqual(['x', 'y', 'z'])
    expect(unionDistinctCount(['x', 'y', 'x'], ['z', 'y'])).toBe(3)
  })

  it('refuses to compare numbers with strings', () => {
    expect(() => requireSameKind(Float64Array.of(1), ['1'])).toThrow(
      /reference is numeric, current is strings/,
    )
  })
})
