import { describe, expect, it } from 'vitest'
import { NumpyLegacyRandomState } from '../../random/numpy-legacy-random-state'
import { andersonDarlingStatTest } from './anderson-darling'
import { cramerVonMisesStatTest } from './cramer-von-mises'
import { empiricalMmdStatTest } from './empirical-mmd'
import { energyDistanceStatTest } from './energy-distance'
import { eppsSingletonStatTest } from './epps-singleton'
import { fisherExactStatTest } from './fisher-exact'
import { gTestStatTest } from './g-test'
import { getStatTest, statTests } from './index'
import { mannWhitneyUStatTest } from './mann-whitney-u'
import type { DriftSeries, StatTest } from './stat-test'
import { tTestStatTest } from './t-test'
import { totalVariationDistanceStatTest } from './total-variation-distance'

const numericReference = Float64Array.of(0.1, 0.5, 0.9, 1.3, 1.7, 2.1, 2.4, 3.0, 3.3, 4.1, 4.4, 5.2)
const numericCurrent = Float64Array.of(1.1, 1.6, 2.0, 2.6, 3.1, 3.6, 4.0, 4.7, 5.1, 5.9, 6.3)
const binaryReference = ['a', 'a', 'a', 'b', 'a', 'a', 'b', 'a', 'a', 'a', 'b', 'a']
const binaryCurrent = ['b', 'b', 'a', 'b', 'b', 'a', 'b', 'b', 'a', 'b', 'b', 'b']

interface DecisionCase {
  readonly test: StatTest
  readonly reference: DriftSeries
  readonly current: DriftSeries
  /** Evidently's operator: drift when score `op` threshold. */
  readonly operator: '<' | '<=' | '>'
  readonly displayName: string
  readonly defaultThreshold: number
}

const decisionCases: readonly DecisionCase[] = [
  {
    test: andersonDarlingStatTest,
    reference: numericReference,
    current: numericCurrent,
    operator: '<',
    displayName: 'Anderson-Darling',
    defaultThreshold: 0.1,
  },
  {
    test: cramerVonMisesStatTest,
    reference: numericReference,
    current: numericCurrent,
    operator: '<=',
    displayName: 'Cramer-von Mises',
    defaultThreshold: 0.1,
  },
  {
    test: energyDistanceStatTest,
    reference: numericReference,
    current: numericCurrent,
    operator: '>',
    displayName: 'Energy-distance',
    defaultThreshold: 0.1,
  },
  {
    test: eppsSingletonStatTest,
    reference: numericReference,
    current: numericCurrent,
    operator: '<',
    displayName: 'Epps-Singleton',
    defaultThreshold: 0.05,
  },
  {
    test: mannWhitneyUStatTest,
    reference: numericReference,
    current: numericCurrent,
    operator: '<',
    displayName: 'Mann-Whitney U-rank test',
    defaultThreshold: 0.05,
  },
  {
    test: tTestStatTest,
    reference: numericReference,
    current: numericCurrent,
    operator: '<',
    displayName: 't_test',
    defaultThreshold: 0.05,
  },
  {
    test: empiricalMmdStatTest,
    reference: numericReference,
    current: numericCurrent,
    operator: '<',
    displayName: 'emperical_mmd',
    defaultThreshold: 0.1,
  },
  {
    test: fisherExactStatTest,
    reference: binaryReference,
    current: binaryCurrent,
    operator: '<',
    displayName: "Fisher's Exact test",
    defaultThreshold: 0.1,
  },
  {
    test: gTestStatTest,
    reference: binaryReference,
    current: binaryCurrent,
    operator: '<',
    displayName: 'g_test',
    defaultThreshold: 0.1,
  },
  {
    test: totalVariationDistanceStatTest,
    reference: binaryReference,
    current: binaryCurrent,
    operator: '<',
    displayName: 'Total-Variation-Distance',
    defaultThreshold: 0.1,
  },
]

describe("the extended stattests' decision operators at the threshold", () => {
  for (const {
    test,
    reference,
    current,
    operator,
    displayName,
    defaultThreshold,
  } of decisionCases) {
    const columnType = test.allowedTypes[0]!
    it(`${test.name} uses Evidently's display name, default threshold and column type`, () => {
      expect(test.displayName).toBe(displayName)
      expect(test.defaultThreshold).toBe(defaultThreshold)
      expect(statTests[test.name]).toBe(test)
      expect(getStatTest(test.name, columnType)).toBe(test)
    })

    it(`${test.name} flags drift when score ${operator} threshold, exactly at the boundary`, () => {
      const score = test.run(reference, current, columnType).driftScore
      expect(Number.isFinite(score)).toBe(true)
      const atScore = test.run(reference, current, columnType, score)
      expect(atScore.threshold).toBe(score)
      // Inclusive operators flag drift when the score equals the threshold; strict ones do not.
      expect(atScore.driftDetected).toBe(operator === '<=')
      const nudge = Math.max(Math.abs(score) * 1e-9, 1e-12)
      const above = test.run(reference, current, columnType, score + nudge).driftDetected
      const below = test.run(reference, current, columnType, score - nudge).driftDetected
      // p-value tests drift for thresholds above the score; distance tests for thresholds below it.
      expect(above).toBe(operator !== '>')
      expect(below).toBe(operator === '>')
    })

    it(`${test.name} applies its default threshold when none is given`, () => {
      expect(test.run(reference, current, columnType).threshold).toBe(defaultThreshold)
    })
  }

  it('rejects the wrong column type through the registry', () => {
    expect(() => getStatTest('t_test', 'cat')).toThrow(RangeError)
    expect(() => getStatTest('TVD', 'num')).toThrow(RangeError)
  })

  it("accepts Evidently's registry spelling emperical_mmd for empirical_mmd", () => {
    expect(getStatTest('emperical_mmd', 'num')).toBe(statTests.empirical_mmd)
    expect(() => getStatTest('emperical_mmd', 'cat')).toThrow(/isn't applicable/)
  })

  it('rejects a string series for numeric tests', () => {
    expect(() => tTestStatTest.run(['a', 'b'], ['a', 'b'], 'num')).toThrow(TypeError)
  })
})

describe('extended stattests: Evidently-specific behaviour', () => {
  it('mannw is one-sided: a current sample shifted down is not drift', () => {
    const shiftedDown = numericCurrent.map((value) => value - 4)
    const result = mannWhitneyUStatTest.run(numericReference, shiftedDown, 'num')
    expect(result.driftScore).toBeGreaterThan(0.9)
    expect(result.driftDetected).toBe(false)
    const shiftedUp = numericCurrent.map((value) => value + 3)
    expect(mannWhitneyUStatTest.run(numericReference, shiftedUp, 'num').driftDetected).toBe(true)
  })

  it('es raises when the pooled interquartile range is zero', () => {
    const constant = new Float64Array(12).fill(3)
    expect(() => eppsSingletonStatTest.run(constant, constant, 'num')).toThrow(
      /interquartile range/,
    )
  })

  it('fisher_exact raises on infinite codes, 3 categories and unequal lengths', () => {
    expect(() =>
      fisherExactStatTest.run(Float64Array.of(1, Infinity), Float64Array.of(1, 2), 'cat'),
    ).toThrow(/inf/)
    expect(() => fisherExactStatTest.run(['a', 'b', 'c'], ['a', 'b', 'a'], 'cat')).toThrow(/binary/)
    expect(() => fisherExactStatTest.run(['a', 'b'], ['a', 'b', 'a'], 'cat')).toThrow(
      /equal length/,
    )
    // Each sample is binary but together they hold 3 categories: Evidently's answer depends on set order.
    expect(() => fisherExactStatTest.run(['a', 'b'], ['b', 'c'], 'cat')).toThrow(/3 categories/)
  })

  it('fisher_exact gives p = 1 for a single category in both samples', () => {
    expect(fisherExactStatTest.run(['x', 'x', 'x'], ['x', 'x', 'x'], 'cat').driftScore).toBe(1)
  })

  it('g_test raises when reference and current differ in size, as scipy >= 1.9 does', () => {
    expect(() => gTestStatTest.run(['a', 'b', 'b'], ['a', 'b'], 'cat')).toThrow(/same size/)
  })

  it('t_test gives NaN and no drift for two equal constant samples', () => {
    const result = tTestStatTest.run(Float64Array.of(2, 2, 2), Float64Array.of(2, 2), 'num')
    expect(result.driftScore).toBeNaN()
    expect(result.driftDetected).toBe(false)
  })

  it('TVD and empirical_mmd are reproducible with an injected seeded generator', () => {
    const seeded = (seed: number): (() => number) => {
      const state = new NumpyLegacyRandomState(seed)
      return () => state.randomSample()
    }
    for (const [test, reference, current] of [
      [totalVariationDistanceStatTest, binaryReference, binaryCurrent],
      [empiricalMmdStatTest, numericReference, numericCurrent],
    ] as const) {
      const columnType = test.allowedTypes[0]!
      const first = test.run(reference, current, columnType, undefined, { random: seeded(11) })
      const again = test.run(reference, current, columnType, undefined, { random: seeded(11) })
      expect(again.driftScore).toBe(first.driftScore)
      expect(first.driftScore).toBeGreaterThanOrEqual(0)
      expect(first.driftScore).toBeLessThanOrEqual(1)
    }
  })

  it('empirical_mmd refuses a kernel matrix beyond 5000 pooled values', () => {
    const large = new Float64Array(2600).map((_, index) => index)
    expect(() => empiricalMmdStatTest.run(large, large, 'num')).toThrow(/Sample the reference/)
  })
})
