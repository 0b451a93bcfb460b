import { describe, expect, it } from 'vitest'
import deterministicFixture from '../../../../test/fixtures/scipy/extended-stattests.json'
import permutationFixture from '../../../../test/fixtures/scipy/extended-stattests-permutation.json'
import { andersonDarlingStatTest } from './anderson-darling'
import { cramerVonMisesStatTest } from './cramer-von-mises'
import { empiricalMmdStatTest } from './empirical-mmd'
import { energyDistanceStatTest } from './energy-distance'
import { eppsSingletonStatTest } from './epps-singleton'
import { fisherExactStatTest } from './fisher-exact'
import { gTestStatTest } from './g-test'
import { mannWhitneyUStatTest } from './mann-whitney-u'
import type { DriftSeries, StatTest } from './stat-test'
import { tTestStatTest } from './t-test'
import { totalVariationDistanceStatTest } from './total-variation-distance'

/** Expected outcome of one stattest on one case, as written by scripts/scipy/extended_stattests.py. */
interface Expected {
  readonly ok?: number | string
  readonly error?: { readonly type: string; readonly message: string }
}

interface PermutationExpected extends Expected {
  /** MMD only: the p-value counting / not counting permutations that tie the observed MMD in theory. */
  readonly pValueWithoutTies?: number
  readonly pValueWithTies?: number
}

interface FixtureCase {
  readonly name: string
  readonly columnType: string
  readonly reference: readonly (number | string)[]
  readonly current: readonly (number | string)[]
  readonly expected: Readonly<Record<string, Expected>>
}

const deterministicTests: Readonly<Record<string, StatTest>> = {
  anderson: andersonDarlingStatTest,
  cramer_von_mises: cramerVonMisesStatTest,
  ed: energyDistanceStatTest,
  es: eppsSingletonStatTest,
  mannw: mannWhitneyUStatTest,
  t_test: tTestStatTest,
  fisher_exact: fisherExactStatTest,
  g_test: gTestStatTest,
}

function toSeries(values: readonly (number | string)[]): DriftSeries {
  return values.every((value) => typeof value === 'number')
    ? Float64Array.from(values as readonly number[])
    : values.map(String)
}

function fromJsonNumber(value: number | string): number {
  if (typeof value === 'number') return value
  return value === 'NaN' ? Number.NaN : value === 'Infinity' ? Infinity : -Infinity
}

/** |actual − expected| <= 1e-9·|expected|, with NaN equal to NaN and an absolute floor for p ≈ 0. */
function expectClose(actual: number, expected: number, absolute = 0): void {
  if (Number.isNaN(expected)) {
    expect(actual).toBeNaN()
    return
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    Math.max(1e-9 * Math.abs(expected), absolute),
  )
}

/** The fixture JSON, checked for the shape these tests rely on (its inferred type is a union per case). */
function readCases<T extends FixtureCase>(value: unknown): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) throw new TypeError('fixture has no cases')
  for (const item of value as unknown[]) {
    const candidate = item as Partial<FixtureCase>
    if (!Array.isArray(candidate.reference) || !Array.isArray(candidate.current)) {
      throw new TypeError(`fixture case ${String(candidate.name)} lacks reference/current arrays`)
    }
  }
  return value as T[]
}

const cases = readCases<FixtureCase>(deterministicFixture.cases)

describe('extended stattests against scipy 1.10 (scripts/scipy/extended_stattests.py)', () => {
  for (const fixtureCase of cases) {
    for (const [testName, expected] of Object.entries(fixtureCase.expected)) {
      const test = deterministicTests[testName]!
      const reference = toSeries(fixtureCase.reference)
      const current = toSeries(fixtureCase.current)
      if (expected.error !== undefined) {
        it(`${testName} raises on ${fixtureCase.name} like Evidently (${expected.error.type})`, () => {
          expect(() => test.run(reference, current, test.allowedTypes[0]!)).toThrow(RangeError)
        })
      } else {
        it(`${testName} scores ${fixtureCase.name} as Evidently does`, () => {
          const result = test.run(reference, current, test.allowedTypes[0]!)
          // CvM's asymptotic p is 1 − cdf with cdf ≈ 1: both implementations round it to a multiple
          // of ulp(1) ≈ 2.2e-16, so below p ≈ 1e-6 only an absolute tolerance is meaningful.
          expectClose(
            result.driftScore,
            fromJsonNumber(expected.ok!),
            testName === 'cramer_von_mises' ? 5e-15 : 0,
          )
        })
      }
    }
  }
})

describe('permutation stattests reproduce numpy seed(0)', () => {
  const permutationCases = readCases<
    FixtureCase & { readonly test: string; readonly expected: PermutationExpected }
  >(permutationFixture.cases)
  for (const fixtureCase of permutationCases) {
    const reference = toSeries(fixtureCase.reference)
    const current = toSeries(fixtureCase.current)
    const expected = fixtureCase.expected
    if (fixtureCase.test === 'TVD') {
      it(`TVD p-value on ${fixtureCase.name} equals Evidently's exactly`, () => {
        const result = totalVariationDistanceStatTest.run(reference, current, 'cat')
        expect(result.driftScore).toBe(expected.ok)
      })
      continue
    }
    const hasTies = expected.pValueWithoutTies !== expected.pValueWithTies
    if (!hasTies) {
      it(`empirical_mmd p-value on ${fixtureCase.name} equals Evidently's exactly`, () => {
        expect(empiricalMmdStatTest.run(reference, current, 'num').driftScore).toBe(expected.ok)
      })
    } else {
      // Permutations that tie the observed MMD in exact arithmetic: Evidently counts them by the last
      // bit of numpy's exp (CPU-dependent); driftdesk counts them all, the exact-arithmetic p-value,
      // which is the upper end of the interval Evidently's own answer lies in.
      it(`empirical_mmd p-value on ${fixtureCase.name} counts tied permutations (Evidently: ${String(expected.ok)})`, () => {
        const pValue = empiricalMmdStatTest.run(reference, current, 'num').driftScore
        expect(pValue).toBe(expected.pValueWithTies)
        expect(expected.ok).toBeGreaterThanOrEqual(expected.pValueWithoutTies!)
        expect(expected.ok).toBeLessThanOrEqual(pValue)
      })
    }
  }
})
