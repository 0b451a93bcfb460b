import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import type { Frame } from '../data/frame'
import { getNumericColumn, isNullAt } from '../data/frame'
import { linearQuantile } from '../stats/linear-quantile'
import { numpyMean } from '../stats/numpy-mean'
import { standardDeviation } from '../stats/standard-deviation'
import { sortedFloat64 } from '../stats/sorted-float64'

/** Evidently 0.4 `MoreRegressionMetrics`: the scalars RegressionQualityMetric prints per dataset. */
export interface RegressionScalars {
  readonly r2_score: number
  readonly rmse: number
  readonly mean_error: number
  readonly mean_abs_error: number
  /** 100 · mean(|error| / max(target, ε)): Evidently's own MAPE, huge when a target is 0 or negative. */
  readonly mean_abs_perc_error: number
  readonly abs_error_max: number
  readonly error_std: number
  readonly abs_error_std: number
  /** std of |error| / max(target, ε) — not multiplied by 100, as in Evidently. */
  readonly abs_perc_error_std: number
  readonly underperformance: RegressionUnderperformance
}

/** Mean and std of the error in the lower 5 %, middle and upper 5 % of errors. */
export interface RegressionUnderperformance {
  readonly majority: { readonly mean_error: number; readonly std_error: number }
  readonly underestimation: { readonly mean_error: number; readonly std_error: number }
  readonly overestimation: { readonly mean_error: number; readonly std_error: number }
}

/** Evidently 0.4 `RegressionQualityMetricResults` (plot-only fields left out, as `as_dict()` does). */
export interface RegressionQualityResult<
  Columns = { readonly target: string; readonly prediction: string },
> {
  /** Evidently prints its `DatasetColumns` here; the suites only need the two names. */
  readonly columns: Columns
  readonly current: RegressionScalars
  readonly reference: RegressionScalars | null
  /** RMSE of predicting the current mean (the "dummy model" used when there is no reference). */
  readonly rmse_default: number
  /** std (ddof = 1) of the current error: the scale of TestValueMeanError's tolerance. */
  readonly me_default_sigma: number
  readonly mean_abs_error_default: number
  readonly mean_abs_perc_error_default: number
  readonly abs_error_max_default: number
  /** Q-Q fit of the error against the normal distribution (scipy `probplot`): slope, intercept, r. */
  readonly error_normality: NormalProbabilityFit
}

/** scipy `probplot(error, dist="norm")`: the Q-Q points and the least-squares line through them. */
export interface NormalProbabilityFit {
  /** Theoretical normal quantiles of Filliben's order-statistic medians. */
  readonly order_statistic_medians_x: readonly number[]
  /** The sorted errors. */
  readonly order_statistic_medians_y: readonly number[]
  readonly slope: number
  readonly intercept: number
  readonly r: number
}

/** Target and prediction pairs with both present and finite (Evidently drops inf/NaN rows first). */
export interface RegressionPairs {
  readonly target: Float64Array
  readonly prediction: Float64Array
}

/**
 * Rows of `frame` where target and prediction are both non-null and finite.
 * @throws {RangeError} when either column is missing or not numeric.
 */
export function regressionPairs(frame: Frame, target: string, prediction: string): RegressionPairs {
  const targetColumn = getNumericColumn(frame, target)
  const predictionColumn = getNumericColumn(frame, prediction)
  const t = new Float64Array(frame.rowCount)
  const p = new Float64Array(frame.rowCount)
  let n = 0
  for (let i = 0; i < frame.rowCount; i++) {
    if (isNullAt(targetColumn, i) || isNullAt(predictionColumn, i)) continue
    const y = targetColumn.values[i] as number
    const yHat = predictionColumn.values[i] as number
    if (!Number.isFinite(y) || !Number.isFinite(yHat)) continue
    t[n] = y
    p[n] = yHat
    n++
  }
  return { target: t.subarray(0, n), prediction: p.subarray(0, n) }
}

/**
 * Why regression quality is unavailable when {@link regressionPairs} found no complete row: reports and suites
 * show it as an error entry / ERROR tests for that day instead of failing the whole run.
 * @example noRegressionPairsMessage('duration_min', 'prediction')
 */
export function noRegressionPairsMessage(target: string, prediction: string): string {
  return `No row has both '${target}' and '${prediction}' present and finite, so regression quality cannot be computed for this data (check that the target is filled in for these rows).`
}

/**
 * Evidently's regression scalars for one dataset (`calculations/regression_performance.py::
 * _calculate_quality_metrics` plus sklearn's r2_score and RMSE): error = prediction − target;
 * ME, MAE, RMSE, R², max |error|, std (ddof = 1) of error and |error|, MAPE = 100·mean(|error| / max(target, ε))
 * with ε = 2⁻⁵² (numpy's float64 eps), which is why a zero or negative target gives MAPE ≈ 10¹⁵.
 * @throws {RangeError} when there are no pairs.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/calculations/regression_performance.py
 * @example regressionScalars({ target: Float64Array.of(1, 2, 3), prediction: Float64Array.of(2, 2, 2) }).mean_abs_error // 2/3
 */
export function regressionScalars(pairs: RegressionPairs): RegressionScalars {
  const { target, prediction } = pairs
  const n = target.length
  if (n === 0) {
    throw new RangeError(
      'Regression quality needs at least one row with both target and prediction present.',
    )
  }
  const error = new Float64Array(n)
  const absError = new Float64Array(n)
  const absPercError = new Float64Array(n)
  let targetSum = 0
  let squaredErrorSum = 0
  let absErrorMax = -Infinity
  for (let i = 0; i < n; i++) {
    const y = target[i] as number
    const e = (prediction[i] as number) - y
    error[i] = e
    const a = Math.abs(e)
    absError[i] = a
    absPercError[i] = a / Math.max(y, Number.EPSILON)
    if (a > absErrorMax) absErrorMax = a
    targetSum += y
    squaredErrorSum += e * e
  }
  const targetMean = targetSum / n
  let totalSquares = 0
  for (const y of target) totalSquares += (y - targetMean) * (y - targetMean)
  return {
    r2_score: r2FromSums(squaredErrorSum, totalSquares),
    rmse: Math.sqrt(squaredErrorSum / n),
    mean_error: numpyMean(error),
    mean_abs_error: numpyMean(absError),
    mean_abs_perc_error: 100 * numpyMean(absPercError),
    abs_error_max: absErrorMax,
    // Evidently's field order (RegressionMetrics, then MoreRegressionMetrics' additions).
    underperformance: underperformance(error),
    error_std: sampleStd(error),
    abs_error_std: sampleStd(absError),
    abs_perc_error_std: sampleStd(absPercError),
  }
}

/**
 * The whole RegressionQualityMetric result: scalars for current (and reference when given), the dummy-model
 * defaults TestValueMAE/RMSE/MAPE fall back on without a reference, and the error normality fit.
 * `referenceScalars` may be precomputed once per reference and reused across days.
 */
export function regressionQuality<Columns>(
  current: RegressionPairs,
  columns: Columns,
  reference: RegressionScalars | null,
): RegressionQualityResult<Columns> {
  const scalars = regressionScalars(current)
  const { target, prediction } = current
  const n = target.length
  const sortedTarget = sortedFloat64(target)
  const median = linearQuantile(sortedTarget, 0.5)
  let maeDefault = 0
  let absErrorMaxDefault = 0
  for (const y of target) {
    maeDefault += Math.abs(y - median)
    absErrorMaxDefault = Math.max(absErrorMaxDefault, Math.abs(y - median))
  }
  let squaresAroundMean = 0
  const targetMean = numpyMean(target)
  for (const y of target) squaresAroundMean += (y - targetMean) * (y - targetMean)
  const error = new Float64Array(n)
  for (let i = 0; i < n; i++) error[i] = (prediction[i] as number) - (target[i] as number)
  return {
    columns,
    current: scalars,
    reference,
    rmse_default: Math.sqrt(squaresAroundMean / n),
    me_default_sigma: sampleStd(error),
    mean_abs_error_default: maeDefault / n,
    mean_abs_perc_error_default: mapeOfBestConstant(target),
    abs_error_max_default: absErrorMaxDefault,
    error_normality: normalProbabilityFit(error),
  }
}

/**
 * Evidently's MAPE of the best constant prediction: the weighted median of the non-zero targets with weights
 * 1/y (first cumulative weight above 0.5), scored with sklearn's MAPE (|y − c| / max(|y|, ε)), × 100.
 */
function mapeOfBestConstant(target: Float64Array): number {
  const nonZero = target.filter((y) => y !== 0)
  if (nonZero.length === 0) return Number.NaN
  const inverse = nonZero.map((y) => 1 / y)
  let inverseSum = 0
  for (const w of inverse) inverseSum += w
  const order = Array.from(nonZero.keys()).sort(
    (a, b) => (inverse[a] as number) - (inverse[b] as number),
  )
  let cumulative = 0
  let constant = nonZero[order[order.length - 1] as number] as number
  for (const k of order) {
    cumulative += (inverse[k] as number) / inverseSum
    if (cumulative > 0.5) {
      constant = nonZero[k] as number
      break
    }
  }
  let sum = 0
  for (const y of target) sum += Math.abs(y - constant) / Math.max(Math.abs(y), Number.EPSILON)
  return (100 * sum) / target.length
}

/** sklearn `r2_score` with `force_finite=True`: 1 − SSres/SStot; a constant target gives 1 (perfect) or 0. */
function r2FromSums(residualSquares: number, totalSquares: number): number {
  if (totalSquares === 0) return residualSquares === 0 ? 1 : 0
  return 1 - residualSquares / totalSquares
}

/** Sample standard deviation (ddof = 1); NaN below two values, as numpy/pandas. */
function sampleStd(values: Float64Array): number {
  return values.length === 0 ? Number.NaN : standardDeviation(values, { ddof: 1 })
}

/** Evidently's `_calculate_underperformance`: errors split at their 5 % and 95 % quantiles. */
function underperformance(error: Float64Array): RegressionUnderperformance {
  const sorted = sortedFloat64(error)
  const q5 = linearQuantile(sorted, 0.05)
  const q95 = linearQuantile(sorted, 0.95)
  const under = error.filter((e) => e <= q5)
  const majority = error.filter((e) => e > q5 && e < q95)
  const over = error.filter((e) => e >= q95)
  return {
    majority: { mean_error: numpyMean(majority), std_error: sampleStd(majority) },
    underestimation: { mean_error: numpyMean(under), std_error: sampleStd(under) },
    overestimation: { mean_error: numpyMean(over), std_error: sampleStd(over) },
  }
}

/**
 * scipy `probplot(x, dist="norm")` fit: theoretical quantiles from Filliben's order-statistic medians,
 * least-squares line of sorted data on them, and the correlation r.
 */
function normalProbabilityFit(values: Float64Array): NormalProbabilityFit {
  const n = values.length
  const sorted = sortedFloat64(values)
  if (n < 2) {
    return {
      order_statistic_medians_x: n === 1 ? [0] : [],
      order_statistic_medians_y: Array.from(sorted),
      slope: Number.NaN,
      intercept: Number.NaN,
      r: Number.NaN,
    }
  }
  const theoretical = new Float64Array(n)
  const last = 0.5 ** (1 / n)
  for (let i = 0; i < n; i++) {
    const median = i === 0 ? 1 - last : i === n - 1 ? last : (i + 1 - 0.3175) / (n + 0.365)
    theoretical[i] = normalQuantile(median, 0, 1)
  }
  const mx = numpyMean(theoretical)
  const my = numpyMean(sorted)
  let sxx = 0
  let syy = 0
  let sxy = 0
  for (let i = 0; i < n; i++) {
    const dx = (theoretical[i] as number) - mx
    const dy = (sorted[i] as number) - my
    sxx += dx * dx
    syy += dy * dy
    sxy += dx * dy
  }
  const slope = sxy / sxx
  return {
    order_statistic_medians_x: Array.from(theoretical),
    order_statistic_medians_y: Array.from(sorted),
    slope,
    intercept: my - slope * mx,
    r: syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy),
  }
}
