import type { Frame } from '../data/frame'
import { fitLinearRegression, predictLinear } from '../model/linear-regression'
import { compensatedMean } from '../stats/compensated-mean'
import { linearFeatureColumn } from './linear-feature-columns'
import type { NamedLinearModel } from './mean-prediction-shift'

/** A linear stand-in for a model driftdesk cannot see inside, and how well it mimics it. */
export interface SurrogateLinearModel {
  readonly model: NamedLinearModel
  /** R² of the surrogate's predictions against the model's on the reference (1 = a perfect stand-in). */
  readonly r2: number
}

/**
 * A global surrogate: ordinary least squares of the model's own predictions on its numerical features
 * (nulls as 0) over the reference. Its coefficients then decompose a window's prediction shift the way a
 * linear model's would; the result is an ESTIMATE whose quality is the surrogate's R² (a tree model with
 * strong interactions gets a low R² and a large unexplained remainder, which the output shows).
 *
 * Chosen over permutation importance because the model itself is not available — only its logged
 * predictions are — and a surrogate needs nothing but those.
 *
 * @throws {RangeError} with fewer reference rows than features + 1, or a missing/non-numeric feature.
 * Complexity: O(rows × features²).
 * @see https://christophm.github.io/interpretable-ml-book/global.html (global surrogate models)
 * @example fitSurrogateLinearModel(frameWithX([0, 1, 2]), ['x'], Float64Array.of(1, 3, 5)) // β = [2], r2 = 1
 */
export function fitSurrogateLinearModel(
  reference: Frame,
  features: readonly string[],
  predictions: Float64Array,
): SurrogateLinearModel {
  const columns = features.map((name) => linearFeatureColumn(reference, name).values)
  const fitted = fitLinearRegression(columns, predictions)
  const surrogate = predictLinear(fitted, columns)
  const mean = compensatedMean(predictions)
  let residual = 0
  let total = 0
  for (let i = 0; i < predictions.length; i++) {
    const y = predictions[i] as number
    residual += (y - (surrogate[i] as number)) ** 2
    total += (y - mean) ** 2
  }
  return {
    model: { ...fitted, featureOrder: [...features] },
    r2: total === 0 ? 1 : 1 - residual / total,
  }
}
