import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { NumericColumn } from '../../src-main/core/data/frame'
import {
  columnOutliers,
  referenceOutlierProfile,
} from '../../src-main/core/outliers/column-outliers'
import { tukeyFences } from '../../src-main/core/outliers/tukey-fences'

/**
 * Outlier shares against numpy/pandas (fixture by scripts/explain/outliers_and_segments.py: np.quantile's
 * default linear quartiles, Tukey fences, shares over the window's non-null values), 1e-12 relative.
 */
interface Case {
  name: string
  reference: (number | null)[]
  window: (number | null)[]
  expected: Record<string, number | null>
}

const fixture = JSON.parse(
  readFileSync(resolve(__dirname, '../fixtures/explain/outliers-and-segments.json'), 'utf8'),
) as { outliers: Case[] }

function column(values: (number | null)[]): NumericColumn {
  return {
    kind: 'float64',
    values: Float64Array.from(values, (v) => v ?? 0),
    valid: Uint8Array.from(values, (v) => (v === null ? 0 : 1)),
  }
}

function close(actual: number | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected
  return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected))
}

describe('outlier shares vs numpy/pandas', () => {
  it('has every case of the fixture', () => {
    expect(fixture.outliers.length).toBe(5)
  })

  it.each(fixture.outliers.map((c) => [c.name, c] as const))('matches numpy on %s', (_, c) => {
    const result = columnOutliers(
      referenceOutlierProfile('x', column(c.reference)),
      column(c.window),
    )
    for (const [key, expected] of Object.entries(c.expected)) {
      const actual = result[key as keyof typeof result] as number | null
      expect(close(actual, expected), `${key}: ${actual} vs ${expected}`).toBe(true)
    }
  })
})

describe('tukeyFences', () => {
  it('draws the fences 1.5 IQR beyond the linear quartiles', () => {
    expect(tukeyFences(Float64Array.of(1, 2, 3, 4, 5))).toEqual({
      q1: 2,
      q3: 4,
      lowerFence: -1,
      upperFence: 7,
      min: 1,
      max: 5,
    })
  })

  it('refuses an empty reference with a clear error', () => {
    expect(() => referenceOutlierProfile('fare', column([null, null]))).toThrow(/fare.*no values/)
  })

  it('counts a value on a fence or at the reference min as inside', () => {
    const profile = referenceOutlierProfile('x', column([1, 2, 3, 4, 5]))
    const result = columnOutliers(profile, column([-1, 7, 1, 5, 7.5, null]))
    expect(result.outsideFences).toBe(1)
    expect(result.outsideRange).toBe(3)
    expect(result.values).toBe(5)
  })
})
