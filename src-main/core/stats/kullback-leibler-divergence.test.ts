import { describe, expect, it } from 'vitest'
import { kullbackLeiblerDivergence } from './kullback-leibler-divergence'
import { relativeEntropyTerm } from './relative-entropy'

describe('kullbackLeiblerDivergence', () => {
  it('matches scipy.stats.entropy([0.5, 0.5], [0.25, 0.75])', () => {
    expect(kullbackLeiblerDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.14384103622589042, 15)
  })
  it('renormalises both vectors first', () => {
    expect(kullbackLeiblerDivergence([1, 1], [1, 3])).toBeCloseTo(0.14384103622589042, 15)
  })
  it('is infinite when q has a zero where p does not', () => {
    expect(kullbackLeiblerDivergence([0.5, 0.5], [1, 0])).toBe(Infinity)
  })
})

describe('relativeEntropyTerm', () => {
  it('follows scipy.special.rel_entr conventions', () => {
    expect(relativeEntropyTerm(0, 0)).toBe(0)
    expect(relativeEntropyTerm(0, 0.3)).toBe(0)
    expect(relativeEntropyTerm(0.3, 0)).toBe(Infinity)
    expect(relativeEntropyTerm(0.5, 0.25)).toBeCloseTo(0.5 * Math.LN2, 15)
  })
})
