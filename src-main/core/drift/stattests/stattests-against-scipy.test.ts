import { describe, expect, it } from 'vitest'
import fixtureJson from '../../../../test/fixtures/scipy/core-stattests.json'
import type { DriftColumnType } from '../../../shared/domain/metrics'
import { kolmogorovTwoSidedSurvival } from '../../stats/kolmogorov-two-sided-survival'
import { selectDefaultStatTest } from '../select-default-stat-test'
import { getStatTest, statTests } from './index'
import type { DriftSeries, StatTestName } from './stat-test'

/**
 * Every expected number here comes from scripts/scipy/core_stattests.py, which evaluates Evidently 0.4.x's
 * formulas with scipy 1.10.1 / numpy 1.24 / pandas 1.5 (Debian 12).
 */
type SampleSpec =
  | (number | string)[]
  | { range: { start: number; n: number } }
  | {
      lcg: {
        seed: number
        n: number
        scale: number
        offset: number
        terms?: number
        levels?: number
        labels?: string[]
      }
    }

interface Fixture {
  versions: Record<string, string>
  kstwo_sf: number[][]
  samples: Record<string, { column_type: string; reference: SampleSpec; current: SampleSpec }>
  cases: {
    id: string
    sample: string
    stattest: string
    threshold: number | null
    expected: {
      stattest: string
      threshold: number
      drift_score: number | null
      drift_detected: boolean
    }
  }[]
}

// JSON imports type numbers loosely (a tuple becomes number[]); the shape is checked by the tests below.
const fixture = fixtureJson as Fixture

const MODULUS = 2147483647
const MULTIPLIER = 48271

/** The range and MINSTD sample generators of core_stattests.py, with the same float operations in the same order. */
function generateSample(spec: SampleSpec): DriftSeries {
  if (Array.isArray(spec)) {
    return typeof spec[0] === 'string' ? (spec as string[]) : Float64Array.from(spec as number[])
  }
  if ('range' in spec) {
    return Float64Array.from({ length: spec.range.n }, (_, i) => spec.range.start + i)
  }
  const { seed, n, scale, offset, terms = 1, levels, labels } = spec.lcg
  let state = seed
  const numbers = new Float64Array(n)
  const strings: string[] = []
  for (let i = 0; i < n; i++) {
    let total = 0.0
    for (let t = 0; t < terms; t++) {
      state = (state * MULTIPLIER) % MODULUS
      total = total + state / MODULUS
    }
    if (labels !== undefined) strings.push(labels[Math.floor((total / terms) * labels.length)]!)
    else if (levels !== undefined)
      numbers[i] = offset + scale * Math.floor((total / terms) * levels)
    else numbers[i] = offset + scale * total
  }
  return labels !== undefined ? strings : numbers
}

function toColumnType(text: string): DriftColumnType {
  if (text !== 'num' && text !== 'cat') throw new TypeError(`unknown column type ${text}`)
  return text
}

/** 1e-9 relative, 1e-12 absolute near zero (p-values of 1e-20 come from 1 − Φ and differ in the last bits). */
function expectClose(actual: number, expected: number): void {
  const tolerance = Math.max(1e-9 * Math.abs(expected), 1e-12)
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`expected ${actual} to be within ${tolerance} of ${expected}`)
  }
}

describe('stattests against scipy 1.10 (Evidently formulas)', () => {
  const samples = new Map(
    Object.entries(fixture.samples).map(([id, spec]) => [
      id,
      {
        columnType: toColumnType(spec.column_type),
        reference: generateSample(spec.reference),
        current: generateSample(spec.current),
      },
    ]),
  )

  it('covers every stattest of this part and both column types', () => {
    const names = new Set(fixture.cases.map((c) => c.expected.stattest))
    expect([...names].sort()).toEqual([
      'chisquare',
      'hellinger',
      'jensenshannon',
      'kl_div',
      'ks',
      'psi',
      'wasserstein',
      'z',
    ])
    expect(fixture.versions.scipy).toBe('1.10.1')
  })

  for (const testCase of fixture.cases) {
    it(`${testCase.id} matches scipy`, () => {
      const sample = samples.get(testCase.sample)!
      const test =
        testCase.stattest === 'default'
          ? selectDefaultStatTest(sample.reference, sample.current, sample.columnType)
          : statTests[testCase.stattest as StatTestName]!
      expect(test.name).toBe(testCase.expected.stattest)
      const result = test.run(
        sample.reference,
        sample.current,
        sample.columnType,
        testCase.threshold ?? undefined,
      )
      expect(result.threshold).toBe(testCase.expected.threshold)
      if (testCase.expected.drift_score === null) expect(result.driftScore).toBeNaN()
      else expectClose(result.driftScore, testCase.expected.drift_score)
      expect(result.driftDetected).toBe(testCase.expected.drift_detected)
    })
  }

  it('kstwo.sf matches scipy on a grid crossing every branch of _kolmogn', () => {
    for (const [n = NaN, x = NaN, expected = NaN] of fixture.kstwo_sf) {
      const actual = kolmogorovTwoSidedSurvival(x, n)
      const tolerance = Math.max(1e-9 * Math.abs(expected), 1e-12)
      expect(
        Math.abs(actual - expected),
        `kstwo.sf(${x}, ${n}) = ${actual}, scipy ${expected}`,
      ).toBeLessThanOrEqual(tolerance)
    }
  })

  it('getStatTest accepts the registry types and rejects others like Evidently', () => {
    expect(getStatTest('jensenshannon', 'cat').displayName).toBe('Jensen-Shannon distance')
    expect(() => getStatTest('ks', 'cat')).toThrow(
      /Stattest ks isn't applicable to feature of type cat/,
    )
    expect(() => getStatTest('nope', 'num')).toThrow(
      /No stattest found of name nope\. Available stattests: .*wasserstein/,
    )
    expect(() => getStatTest('toString', 'num')).toThrow(RangeError)
  })
})
