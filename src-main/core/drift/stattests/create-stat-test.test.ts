import { describe, expect, it } from 'vitest'
import { statTests } from './index'

/** Scores that are exact (0 or 1) let each decision operator be checked at equality. */
describe('stattest decisions use Evidently’s exact operators', () => {
  const sample = Float64Array.of(1, 2, 3, 4, 5, 6, 7)

  it('ks drifts when p <= threshold (p = 1 for identical samples)', () => {
    const result = statTests.ks!.run(sample, sample, 'num', 1)
    expect(result).toEqual({ driftScore: 1, driftDetected: true, threshold: 1 })
  })

  it('chisquare and z drift only when p < threshold', () => {
    expect(statTests.chisquare!.run(['a', 'b'], ['b', 'a'], 'cat', 1).driftDetected).toBe(false)
    expect(statTests.z!.run(['a'], ['a'], 'cat', 1)).toEqual({
      driftScore: 1,
      driftDetected: false,
      threshold: 1,
    })
  })

  it('distances drift when d >= threshold (d = 0 for identical samples)', () => {
    for (const name of ['wasserstein', 'jensenshannon', 'psi', 'kl_div'] as const) {
      const result = statTests[name]!.run(sample, sample, 'num', 0)
      expect(result.driftScore, name).toBe(0)
      expect(result.driftDetected, name).toBe(true)
    }
  })

  it('uses the default threshold when none is given', () => {
    expect(statTests.wasserstein!.run(sample, sample, 'num').threshold).toBe(0.1)
    expect(statTests.ks!.run(sample, sample, 'num').threshold).toBe(0.05)
  })

  it('rejects empty samples and a non-finite threshold', () => {
    expect(() => statTests.ks!.run(new Float64Array(0), sample, 'num')).toThrow(
      /empty reference sample/,
    )
    expect(() => statTests.psi!.run(['a'], [], 'cat')).toThrow(/empty current sample/)
    expect(() => statTests.ks!.run(sample, sample, 'num', NaN)).toThrow(RangeError)
  })

  it('rejects NaN and ±inf: inputs must be cleaned first, as ColumnDriftMetric does', () => {
    expect(() => statTests.ks!.run(Float64Array.of(1, NaN), sample, 'num')).toThrow(
      /reference sample holds NaN at index 1; drop null, NaN and ±inf/,
    )
    expect(() => statTests.wasserstein!.run(sample, Float64Array.of(-Infinity), 'num')).toThrow(
      /current sample holds -Infinity at index 0/,
    )
  })

  // Regression (issue 9): the bin width came from the data's range (0 for a constant) and gave 1. Evidently
  // takes it from numpy's edges, one bin [2.5, 3.5] of width 1, so identical constants are at distance 0.
  it('scores Hellinger 0 for two equal constant numeric samples, as Evidently does (one bin of width 1)', () => {
    expect(
      statTests.hellinger!.run(Float64Array.of(3, 3), Float64Array.of(3), 'num').driftScore,
    ).toBe(0)
    expect(
      statTests.hellinger!.run(Float64Array.of(1e9, 1e9), Float64Array.of(1e9), 'num').driftScore,
    ).toBe(0)
    expect(
      statTests.hellinger!.run(Float64Array.of(3, 3), Float64Array.of(4), 'num').driftScore,
    ).toBe(1)
    expect(statTests.hellinger!.run(['k', 'k'], ['k'], 'cat').driftScore).toBe(0)
  })

  it('caches per-reference work without changing the answer when the same reference is reused', () => {
    const reference = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i) * 10)
    const current = Float64Array.from({ length: 300 }, (_, i) => Math.cos(i) * 10 + 1)
    const first = statTests.wasserstein!.run(reference, current, 'num')
    const second = statTests.wasserstein!.run(reference, Float64Array.from(current), 'num')
    expect(second).toEqual(first)
  })
})
