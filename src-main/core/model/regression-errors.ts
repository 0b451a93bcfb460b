/**
 * Mean absolute error and root mean squared error of predictions against targets, as scikit-learn's
 * `mean_absolute_error` and `mean_squared_error(squared=False)` compute them.
 * @throws {RangeError} on empty or mismatched inputs.
 * @example regressionErrors(Float64Array.of(1, 2), Float64Array.of(2, 4)) → { mae: 1.5, rmse: 1.5811… }
 */
export function regressionErrors(
  actual: Float64Array,
  predicted: Float64Array,
): { mae: number; rmse: number } {
  const n = actual.length
  if (n === 0 || predicted.length !== n) {
    throw new RangeError(
      `Errors need equal, non-empty inputs; got ${n} targets and ${predicted.length} predictions.`,
    )
  }
  let absolute = 0
  let squared = 0
  for (let i = 0; i < n; i++) {
    const error = (predicted[i] as number) - (actual[i] as number)
    absolute += Math.abs(error)
    squared += error * error
  }
  return { mae: absolute / n, rmse: Math.sqrt(squared / n) }
}
