import { describe, expect, it } from 'vitest'
import { cramersV } from './cramers-v'
import { kendallTauB } from './kendall-tau-b'
import { pearsonCorrelation } from './pearson-correlation'

describe('pearsonCorrelation', () => {
  it('matches numpy.corrcoef on a small sample', () => {
    // numpy.corrcoef([1, 2, 3], [2, 4, 7])[0, 1] = 0.9933992677987828
    expect(pearsonCorrelation([1, 2, 3], [2, 4, 7])).toBeCloseTo(0.9933992677987828, 14)
  })
  it('is NaN for a constant sample or a single value', () => {
    expect(pearsonCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN()
    expect(pearsonCorrelation([1], [2])).toBeNaN()
  })
})

describe('kendallTauB', () => {
  it('counts one discordant pair out of six', () => {
    expect(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 15)
  })
  it('applies the tie correction of tau-b (scipy.stats.kendalltau gives 0.8)', () => {
    // 4 concordant, 0 discordant, one pair tied in x and one in y: 4 / sqrt(5 · 5).
    expect(kendallTauB([1, 2, 2, 3], [1, 2, 3, 3])).toBeCloseTo(0.8, 15)
  })
  it('agrees with the O(n²) definition on a seeded sample with many ties', () => {
    let seed = 7
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647
    const x = Array.from({ length: 300 }, () => Math.floor(random() * 6))
    const y = Array.from({ length: 300 }, (_, i) => Math.floor(random() * 4) + (x[i] as number))
    let s = 0
    let tx = 0
    let ty = 0
    for (let i = 0; i < x.length; i++)
      for (let j = 0; j < i; j++) {
        const dx = Math.sign((x[i] as number) - (x[j] as number))
        const dy = Math.sign((y[i] as number) - (y[j] as number))
        s += dx * dy
        if (dx === 0) tx++
        if (dy === 0) ty++
      }
    const pairs = (x.length * (x.length - 1)) / 2
    expect(kendallTauB(x, y)).toBeCloseTo(s / Math.sqrt(pairs - tx) / Math.sqrt(pairs - ty), 12)
  })
})

describe('cramersV', () => {
  it('is 1 for perfectly associated and 0 for independent categories', () => {
    expect(cramersV(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y'])).toBeCloseTo(1, 15)
    expect(cramersV(['a', 'a', 'b', 'b'], ['x', 'y', 'x', 'y'])).toBeCloseTo(0, 15)
  })
  it('is NaN when one side has a single category', () => {
    expect(cramersV(['a', 'a', 'a'], ['x', 'y', 'x'])).toBeNaN()
  })
})
