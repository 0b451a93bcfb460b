import { describe, expect, it } from 'vitest'
import type { Frame } from '../data/frame'
import type { ColumnMapping } from '../reports/column-mapping'
import { createReferenceProfile } from '../reports/reference-profile'
import { buildTestSuite } from './build-test-suite'

/** A frame of float64 columns; `null` entries are nulls. */
function floatFrame(columns: Record<string, (number | null)[]>): Frame {
  const names = Object.keys(columns)
  const rowCount = columns[names[0] as string]?.length ?? 0
  const built: Frame['columns'] = Object.fromEntries(
    names.map((name) => {
      const raw = columns[name] as (number | null)[]
      const hasNull = raw.includes(null)
      return [
        name,
        {
          kind: 'float64' as const,
          values: Float64Array.from(raw, (v) => v ?? 0),
          valid: hasNull ? Uint8Array.from(raw, (v) => (v === null ? 0 : 1)) : null,
        },
      ]
    }),
  )
  return { rowCount, names, columns: built }
}

const mapping: ColumnMapping = {
  target: 'y',
  prediction: 'p',
  numericalFeatures: ['x'],
  categoricalFeatures: [],
}

describe('TestMeanInNSigmas with non-finite reference statistics', () => {
  it('FAILs "from nan to nan" on a one-row reference (std NaN), as Evidently\'s Python comparisons do', () => {
    const reference = createReferenceProfile(floatFrame({ x: [5], y: [1], p: [1] }), mapping)
    const current = floatFrame({ x: [4, 5, 6], y: [1, 2, 3], p: [1, 2, 3] })
    const test = buildTestSuite('data-stability', reference, current).tests.find(
      (t) => t.name === 'Mean Value Stability',
    )
    expect(test?.status).toBe('FAIL')
    expect(test?.description).toContain('The expected range is from nan to nan')
    expect(test?.parameters).toMatchObject({ reference_mean: 5, current_mean: 5 })
    expect(Number.isNaN((test?.parameters as { reference_std: number }).reference_std)).toBe(true)
  })
  it('FAILs (not ERROR) when the current mean is NaN (+inf and −inf)', () => {
    const reference = createReferenceProfile(
      floatFrame({ x: [1, 2, 3], y: [1, 2, 3], p: [1, 2, 3] }),
      mapping,
    )
    const current = floatFrame({ x: [Infinity, -Infinity], y: [1, 2], p: [1, 2] })
    const test = buildTestSuite('data-stability', reference, current).tests.find(
      (t) => t.name === 'Mean Value Stability',
    )
    expect(test?.status).toBe('FAIL')
    expect(test?.description).toContain('is nan.')
  })
  it('ERRORs where Evidently raises: a column with no values has no mean (None)', () => {
    const reference = createReferenceProfile(
      floatFrame({ x: [1, 2, 3], y: [1, 2, 3], p: [1, 2, 3] }),
      mapping,
    )
    const current = floatFrame({ x: [], y: [], p: [] })
    const test = buildTestSuite('data-stability', reference, current).tests.find(
      (t) => t.name === 'Mean Value Stability',
    )
    expect(test?.status).toBe('ERROR')
  })
})

describe('RegressionTestPreset edge cases', () => {
  const reference = createReferenceProfile(
    floatFrame({ x: [1, 2, 3, 4], y: [10, 20, 30, 40], p: [11, 19, 33, 40] }),
    mapping,
  )
  it('gives four ERROR tests with the reason for a day with no complete target/prediction pair', () => {
    const current = floatFrame({ x: [1, 2], y: [null, null], p: [3, 4] })
    const suite = buildTestSuite('regression', reference, current)
    expect(suite.tests.map((t) => t.status)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR'])
    expect(suite.tests.map((t) => t.name)).toEqual([
      'Mean Error (ME)',
      'Mean Absolute Error (MAE)',
      'Root Mean Square Error (RMSE)',
      'Mean Absolute Percentage Error (MAPE)',
    ])
    expect(suite.tests[0]?.description).toContain("No row has both 'y' and 'p'")
  })
  it('treats a NaN me_default_sigma (one pair) as tolerance 0, like Python max(0.0, nan)', () => {
    // One pair with zero error: ME = 0, sigma = std of one value = NaN; Evidently: 0 ± 0 → SUCCESS.
    const current = floatFrame({ x: [1], y: [7], p: [7] })
    const me = buildTestSuite('regression', reference, current).tests[0]
    expect(me?.status).toBe('SUCCESS')
    expect(me?.description).toContain('eq=0 ± 0')
  })
})
