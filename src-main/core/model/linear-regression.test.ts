import { describe, expect, it } from 'vitest'
import { fitLinearRegression, predictLinear } from './linear-regression'
import { regressionErrors } from './regression-errors'

describe('fitLinearRegression (OLS with intercept)', () => {
  it('recovers an exact linear relation', () => {
    const x1 = Float64Array.of(1, 2, 3, 4, 5, 6)
    const x2 = Float64Array.of(2, 1, 4, 3, 6, 5)
    const y = x1.map((v, i) => 3 + 2 * v - 0.5 * (x2[i] as number))
    const model = fitLinearRegression([x1, x2], y)
    expect(model.coefficients[0]).toBeCloseTo(2, 12)
    expect(model.coefficients[1]).toBeCloseTo(-0.5, 12)
    expect(model.intercept).toBeCloseTo(3, 12)
    expect(
      [...predictLinear(model, [x1, x2])].every((p, i) => Math.abs(p - (y[i] as number)) < 1e-12),
    ).toBe(true)
  })

  it("matches the textbook least-squares line of Anscombe's first quartet (3.0001 + 0.5001x)", () => {
    const x = Float64Array.of(10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5)
    const y = Float64Array.of(8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68)
    const model = fitLinearRegression([x], y)
    expect(model.coefficients[0]).toBeCloseTo(0.500090909, 8)
    expect(model.intercept).toBeCloseTo(3.000090909, 8)
  })

  it('refuses too few rows and mismatched lengths with a clear reason', () => {
    expect(() => fitLinearRegression([Float64Array.of(1)], Float64Array.of(1))).toThrow(
      /at least 2 rows/,
    )
    expect(() => fitLinearRegression([Float64Array.of(1, 2, 3)], Float64Array.of(1, 2))).toThrow(
      /Feature 0/,
    )
  })
})

describe('regressionErrors', () => {
  it('computes MAE and RMSE', () => {
    const { mae, rmse } = regressionErrors(Float64Array.of(1, 2, 3), Float64Array.of(2, 2, 5))
    expect(mae).toBe(1)
    expect(rmse).toBeCloseTo(Math.sqrt(5 / 3), 15)
  })
})
