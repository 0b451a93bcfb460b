import type { LossRegressor, LossRegressorFit } from './loss-regressor'

/** Reference rows the monitored model did NOT train on: its inputs per row and its absolute error. */
export interface LossReference {
  /** One row per reference row: the nanny's inputs (the model's features and its prediction). */
  readonly rows: readonly (readonly number[])[]
  /** `|y − ŷ|` of each row (the MAE's loss). */
  readonly losses: Float64Array
}

/** A fitted Direct Loss Estimator: the nanny of the loss, the nanny of its spread, and what they saw. */
export interface DirectLossEstimator {
  /** Predicts a row's expected absolute error E[|y − ŷ| | x, ŷ]. */
  readonly lossModel: LossRegressor
  /** Predicts a row's squared residual (|y − ŷ| − predicted loss)², i.e. the loss's conditional variance. */
  readonly varianceModel: LossRegressor
  /** Mean loss over every reference row: the naive estimate (the reference's MAE, every window). */
  readonly referenceMae: number
  /** Rows the loss model was fitted on, and the held-back rows its spread was measured on. */
  readonly fitRows: number
  readonly calibrationRows: number
  /** Rows the loss model actually learned from (the learner may subsample `fitRows`). */
  readonly lossModelRows: number
  /** Half-width of the band in standard errors (1.96: a 95 % band under the normal approximation). */
  readonly bandZ: number
}

/** One window's estimate. */
export interface EstimatedMae {
  readonly rows: number
  readonly estimatedMae: number
  readonly lower: number
  readonly upper: number
  /** Standard error of the window's realized MAE around the estimate. */
  readonly standardError: number
}

export interface DirectLossOptions {
  /** Seeded source in [0, 1): the fit/calibration split and the learner's own sampling. */
  readonly random: () => number
  /** Share of the reference held back from the loss model to measure its residual spread (default 0.3). */
  readonly calibrationShare?: number
  /** Band half-width in standard errors (default 1.96). */
  readonly bandZ?: number
}

/**
 * Fits NannyML's Direct Loss Estimation for MAE on reference rows the monitored model never trained on.
 *
 * 1. The reference is shuffled (seeded) and split: `1 − calibrationShare` fits the loss model ("nanny"),
 *    a regression of `|y − ŷ|` on the model's inputs and prediction;
 * 2. on the held-back calibration rows, the residual `r = |y − ŷ| − nanny(x)` is what the nanny cannot
 *    know; a second model of `r²` on the same inputs gives each row's conditional variance.
 *
 * A window's estimated MAE is the mean of the nanny's predictions over its rows (see
 * {@link estimateWindowMae}). Its band is the estimate ± z·SE with SE² = Σ v̂ᵢ/n² + mean(v̂)/m: the first
 * term is the sampling error of the window's realized MAE given its rows; the second is the nanny's own
 * error, taken as that of a mean over the m rows it learned from (exact for a tree whose leaves the window
 * fills in the reference's proportions; a shifted window makes it somewhat larger). NannyML's band uses
 * std(reference losses)/√n for every row alike and leaves out the nanny's error; the per-row variance
 * keeps the band right when the window's mix of easy and hard rows moves away from the reference's
 * (which is when an estimate matters), and without the second term a 95 % band covered only ≈ 90 % in
 * the synthetic test.
 *
 * @throws {RangeError} with fewer than 20 reference rows, mismatched lengths, a non-finite loss or a
 * calibration share outside (0, 1).
 * Complexity: that of the learner (twice), plus O(n) predictions.
 * @see https://nannyml.readthedocs.io/en/stable/how_it_works/performance_estimation.html#direct-loss-estimation-dle
 * @example
 * // losses 1 for x < 0.5 and 3 above; a window of only x > 0.5 rows → estimatedMae ≈ 3
 */
export function fitDirectLossEstimator(
  reference: LossReference,
  fit: LossRegressorFit,
  options: DirectLossOptions,
): DirectLossEstimator {
  const n = reference.losses.length
  const calibrationShare = options.calibrationShare ?? 0.3
  const bandZ = options.bandZ ?? 1.96
  if (reference.rows.length !== n) {
    throw new RangeError(`The reference has ${reference.rows.length} rows but ${n} losses.`)
  }
  if (n < 20) {
    throw new RangeError(
      `Estimating performance needs at least 20 labelled reference rows; got ${n}.`,
    )
  }
  if (!(calibrationShare > 0 && calibrationShare < 1)) {
    throw new RangeError(`The calibration share must be between 0 and 1; got ${calibrationShare}.`)
  }
  if (!(bandZ > 0)) throw new RangeError(`The band's width must be positive; got ${bandZ}.`)
  let lossSum = 0
  for (let i = 0; i < n; i++) {
    const loss = reference.losses[i] as number
    if (!Number.isFinite(loss) || loss < 0) {
      throw new RangeError(`Reference row ${i} has loss ${loss}; a loss must be finite and ≥ 0.`)
    }
    lossSum += loss
  }
  const order = shuffledIndices(n, options.random)
  const calibrationRows = Math.max(10, Math.round(n * calibrationShare))
  const fitIndex = order.subarray(calibrationRows)
  const calibrationIndex = order.subarray(0, calibrationRows)
  const pick = (index: Int32Array): (readonly number[])[] =>
    Array.from(index, (i) => reference.rows[i] as readonly number[])
  const losses = (index: Int32Array): Float64Array =>
    Float64Array.from(index, (i) => reference.losses[i] as number)

  const lossModel = fit(pick(fitIndex), losses(fitIndex), options.random)
  const calibration = pick(calibrationIndex)
  const predicted = lossModel.predict(calibration)
  const observed = losses(calibrationIndex)
  const squaredResiduals = observed.map((loss, i) => (loss - (predicted[i] as number)) ** 2)
  const varianceModel = fit(calibration, squaredResiduals, options.random)
  return {
    lossModel,
    varianceModel,
    referenceMae: lossSum / n,
    fitRows: fitIndex.length,
    calibrationRows,
    lossModelRows: lossModel.trainedRows,
    bandZ,
  }
}

/**
 * A window's estimated MAE: the mean of the nanny's predicted absolute errors over its rows (no labels
 * needed), with the band ± z·SE, SE² = Σ v̂ᵢ/n² + mean(v̂)/m (see {@link fitDirectLossEstimator}).
 * Predicted losses below 0 count as 0, as do predicted variances.
 *
 * @param rows the window's rows, inputs in the reference's order
 * @throws {RangeError} on an empty window.
 * @example estimateWindowMae(estimator, rows) → { rows: 2587, estimatedMae: 9.1, lower: 6.2, upper: 12.0, … }
 */
export function estimateWindowMae(
  estimator: DirectLossEstimator,
  rows: readonly (readonly number[])[],
): EstimatedMae {
  const n = rows.length
  if (n === 0) throw new RangeError('A window with no rows has no MAE to estimate.')
  const losses = estimator.lossModel.predict(rows)
  const variances = estimator.varianceModel.predict(rows)
  let lossSum = 0
  let varianceSum = 0
  for (let i = 0; i < n; i++) {
    lossSum += Math.max(0, losses[i] as number)
    varianceSum += Math.max(0, variances[i] as number)
  }
  const estimatedMae = lossSum / n
  const standardError = Math.sqrt(
    varianceSum / (n * n) + varianceSum / n / Math.max(1, estimator.lossModelRows),
  )
  const halfWidth = estimator.bandZ * standardError
  return {
    rows: n,
    estimatedMae,
    lower: Math.max(0, estimatedMae - halfWidth),
    upper: estimatedMae + halfWidth,
    standardError,
  }
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
function shuffledIndices(n: number, random: () => number): Int32Array {
  const indices = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const held = indices[i] as number
    indices[i] = indices[j] as number
    indices[j] = held
  }
  return indices
}
