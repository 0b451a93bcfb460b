import { describe, expect, it } from 'vitest'
import { regressionBySegment } from './regression-by-segment'
import { regressionQuality, regressionScalars } from './regression-quality'

describe('RegressionQualityMetric', () => {
  it("computes Evidently's scalars (error = prediction − target)", () => {
    const s = regressionScalars({
      target: Float64Array.of(1, 2, 4),
      prediction: Float64Array.of(2, 2, 2),
    })
    expect(s.mean_error).toBeCloseTo(-1 / 3, 15)
    expect(s.mean_abs_error).toBeCloseTo(1, 15)
    expect(s.rmse).toBeCloseTo(Math.sqrt(5 / 3), 15)
    expect(s.abs_error_max).toBe(2)
    expect(s.mean_abs_perc_error).toBeCloseTo((100 * (1 + 0 + 0.5)) / 3, 12)
    expect(s.r2_score).toBeCloseTo(1 - 5 / (14 / 3), 12)
    expect(s.error_std).toBeCloseTo(
      Math.sqrt(((1 + 1 / 3) ** 2 + (1 / 3) ** 2 + (2 - 1 / 3) ** 2) / 2),
      12,
    )
  })
  it('gives a huge MAPE for a zero target, as Evidently does (division by numpy eps)', () => {
    const s = regressionScalars({
      target: Float64Array.of(0, 1),
      prediction: Float64Array.of(1, 1),
    })
    expect(s.mean_abs_perc_error).toBeCloseTo((100 * 2 ** 52) / 2, 0)
  })
  it('derives the dummy-model defaults from the current target', () => {
    const q = regressionQuality(
      { target: Float64Array.of(1, 2, 3, 10), prediction: Float64Array.of(1, 2, 3, 4) },
      { target: 'y', prediction: 'p' },
      null,
    )
    expect(q.mean_abs_error_default).toBeCloseTo((1.5 + 0.5 + 0.5 + 7.5) / 4, 12)
    expect(q.abs_error_max_default).toBe(7.5)
    expect(q.rmse_default).toBeCloseTo(Math.sqrt(((4 - 1) ** 2 + 2 ** 2 + 1 + 36) / 4), 12)
    expect(q.error_normality.r).toBeGreaterThan(0)
  })
  it('breaks MAE down by segment', () => {
    const frame = {
      rowCount: 4,
      names: ['y', 'p', 'zone'],
      columns: {
        y: { kind: 'float64' as const, values: Float64Array.of(1, 2, 3, 4), valid: null },
        p: { kind: 'float64' as const, values: Float64Array.of(2, 2, 3, 8), valid: null },
        zone: { kind: 'string' as const, values: ['b', 'a', 'a', null] },
      },
    }
    const result = regressionBySegment(frame, 'y', 'p', 'zone')
    expect(result.segments.map((s) => [s.segment, s.rows, s.mean_abs_error])).toEqual([
      ['a', 2, 0],
      ['b', 1, 1],
      [null, 1, 4],
    ])
  })
})
