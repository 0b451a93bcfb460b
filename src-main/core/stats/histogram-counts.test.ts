import { describe, expect, it } from 'vitest'
import { histogramCounts, histogramCountsOfSorted } from './histogram-counts'

describe('histogramCounts', () => {
  it('uses half-open bins with the last bin closed, like numpy.histogram', () => {
    expect([...histogramCounts([0, 1, 1, 2, 3], [0, 1, 2, 3])]).toEqual([1, 2, 2])
  })
  it('ignores values outside the edges', () => {
    expect([
      ...histogramCountsOfSorted(Float64Array.of(-1, 0.5, 4), Float64Array.of(0, 1, 2)),
    ]).toEqual([1, 0])
  })
  it('rejects fewer than two edges', () => {
    expect(() => histogramCounts([1], [0])).toThrow(RangeError)
  })
})
