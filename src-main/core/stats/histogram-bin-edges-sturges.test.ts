import { describe, expect, it } from 'vitest'
import { histogramBinEdgesSturges } from './histogram-bin-edges-sturges'

describe('histogramBinEdgesSturges', () => {
  it('uses log2(n) + 1 bins over [min, max] like numpy', () => {
    expect([...histogramBinEdgesSturges(4, 0, 3)]).toEqual([0, 1, 2, 3])
    expect([...histogramBinEdgesSturges(8, 0, 7)]).toEqual([0, 1.75, 3.5, 5.25, 7])
  })
  it('widens a constant sample to [v − 0.5, v + 0.5] with one bin', () => {
    expect([...histogramBinEdgesSturges(3, 5, 5)]).toEqual([4.5, 5.5])
  })
  it('sets the last edge to the maximum exactly (numpy.linspace endpoint)', () => {
    const edges = histogramBinEdgesSturges(1000, 0.1, 0.7)
    expect(edges[edges.length - 1]).toBe(0.7)
    expect(edges[0]).toBe(0.1)
  })
  it('rejects an empty sample and a non-finite range', () => {
    expect(() => histogramBinEdgesSturges(0, 0, 1)).toThrow(RangeError)
    expect(() => histogramBinEdgesSturges(3, 0, Infinity)).toThrow(/not finite/)
  })
})
