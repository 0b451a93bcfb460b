import MultivariateLinearRegression from 'ml-regression-multivariate-linear'
import { numpyMean } from '../stats/numpy-mean'

/** A fitted ordinary-least-squares model: `y = intercept + Σ coefficients[j] · x[j]`. Plain data. */
export interface LinearModel {
  readonly coefficients: readonly number[]
  readonly intercept: number
}

/**
 * Ordinary least squares with an intercept, fitted the way scikit-learn's `LinearRegression` does it:
 * the columns and the target are centred on their means, the centred problem is solved without an
 * intercept, and the intercept is recovered as `mean(y) − mean(x)·β`.
 *
 * Centring matters for accuracy: the TLC features span six orders of magnitude (trip distances up to
 * 10^5 next to passenger counts), and solving the uncentred normal equations loses digits that the
 * answer key's 1e-9 tolerance does not forgive. The solve itself is ml-regression's multivariate linear
 * regression (SVD of XᵀX).
 *
 * @param columns one Float64Array per feature, all of length n (no nulls: impute first)
 * @param target length n
 * @throws {RangeError} with fewer rows than features + 1, or mismatched lengths
 * Complexity: O(n · p²).
 * @see https://scikit-learn.org/stable/modules/generated/sklearn.linear_model.LinearRegression.html
 * @example fitLinearRegression([Float64Array.of(0, 1, 2)], Float64Array.of(1, 3, 5)) → { coefficients: [2], intercept: 1 }
 */
export function fitLinearRegression(
  columns: readonly Float64Array[],
  target: Float64Array,
): LinearModel {
  const n = target.length
  const p = columns.length
  if (n < p + 1) {
    throw new RangeError(
      `Linear regression needs at least ${p + 1} rows for ${p} features; got ${n}.`,
    )
  }
  for (const [j, column] of columns.entries()) {
    if (column.length !== n) {
      throw new RangeError(`Feature ${j} has ${column.length} rows but the target has ${n}.`)
    }
  }
  // sklearn centres with np.average: X (a C-ordered 2-D array) is reduced along axis 0, which numpy does row
  // by row (a left-to-right sum per column); y is 1-D, which numpy sums pairwise.
  const means = columns.map(rowOrderMean)
  const targetMean = numpyMean(target)
  const x: number[][] = new Array(n)
  const y: number[][] = new Array(n)
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(p)
    for (let j = 0; j < p; j++) row[j] = (columns[j]![i] as number) - means[j]!
    x[i] = row
    y[i] = [(target[i] as number) - targetMean]
  }
  const fitted = new MultivariateLinearRegression(x, y, { intercept: false, statistics: false })
  const coefficients = fitted.weights.map((row) => row[0] as number)
  let intercept = targetMean
  for (let j = 0; j < p; j++) intercept -= means[j]! * coefficients[j]!
  return { coefficients, intercept }
}

/** Predictions `intercept + Σ β_j x_j` for every row; `columns` in the model's feature order. */
export function predictLinear(model: LinearModel, columns: readonly Float64Array[]): Float64Array {
  const n = columns[0]?.length ?? 0
  const out = new Float64Array(n)
  const p = model.coefficients.length
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let j = 0; j < p; j++) sum += (columns[j]![i] as number) * model.coefficients[j]!
    out[i] = sum + model.intercept
  }
  return out
}

/** Mean with a left-to-right sum: numpy's axis-0 reduction of a C-ordered 2-D array, per column. */
function rowOrderMean(values: Float64Array): number {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i] as number
  return sum / values.length
}
