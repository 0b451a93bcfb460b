import type { Frame } from '../data/frame'
import { cellValueOf, getColumn, isNullAt } from '../data/frame'
import { linearQuantile } from '../stats/linear-quantile'
import { sortedFloat64 } from '../stats/sorted-float64'

/** One feature's row of Evidently's error-bias table, keys prefixed `current_` or `ref_`. */
export type FeatureErrorBias = Record<string, string | number | boolean | null>

/**
 * Evidently 0.4's error-bias table for one dataset (`calculations/regression_performance.py::error_bias_table`):
 * rows with a present, finite target and prediction; error = prediction − target split at its 5 % and 95 %
 * quantiles (numpy's linear `quantile`). For a numerical feature: its mean over all rows (`majority`), over the
 * rows with error ≤ q5 (`under`) and error ≥ q95 (`over`), and `range` = 100·|over − under| / (max − min), 0
 * when over equals under; nulls and ±inf skipped (Evidently turns inf into NaN first). For a categorical
 * feature: the most frequent value of each part (ties to the first seen), `range` 1 when the three differ.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/calculations/regression_performance.py
 * @example regressionErrorBias(frame, 'y', 'yhat', ['x'], [], 'current_').x.current_range
 */
export function regressionErrorBias(
  frame: Frame,
  target: string,
  prediction: string,
  numericalFeatures: readonly string[],
  categoricalFeatures: readonly string[],
  prefix: 'current_' | 'ref_',
): Record<string, FeatureErrorBias> {
  const targetColumn = getColumn(frame, target)
  const predictionColumn = getColumn(frame, prediction)
  const rows: number[] = []
  const errors: number[] = []
  for (let i = 0; i < frame.rowCount; i++) {
    const y = finiteAt(targetColumn, i)
    const yHat = finiteAt(predictionColumn, i)
    if (y === null || yHat === null) continue
    rows.push(i)
    errors.push(yHat - y)
  }
  const result: Record<string, FeatureErrorBias> = {}
  if (rows.length === 0) return result
  const sorted = sortedFloat64(Float64Array.from(errors))
  const lower = linearQuantile(sorted, 0.05)
  const upper = linearQuantile(sorted, 0.95)
  const isUnder = errors.map((e) => e <= lower)
  const isOver = errors.map((e) => e >= upper)
  for (const name of numericalFeatures) {
    const column = getColumn(frame, name)
    const all = new Mean()
    const under = new Mean()
    const over = new Mean()
    let min = Infinity
    let max = -Infinity
    rows.forEach((row, k) => {
      const value = finiteAt(column, row)
      if (value === null) return
      all.add(value)
      if (isUnder[k]) under.add(value)
      if (isOver[k]) over.add(value)
      if (value < min) min = value
      if (value > max) max = value
    })
    const overMean = over.value()
    const underMean = under.value()
    const range = overMean === underMean ? 0 : (100 * Math.abs(overMean - underMean)) / (max - min)
    result[name] = {
      feature_type: 'num',
      [`${prefix}majority`]: all.value(),
      [`${prefix}under`]: underMean,
      [`${prefix}over`]: overMean,
      [`${prefix}range`]: range,
    }
  }
  for (const name of categoricalFeatures) {
    const column = getColumn(frame, name)
    const mode = (keep: (k: number) => boolean): string | number | boolean | null => {
      const counts = new Map<string | number, number>()
      rows.forEach((row, k) => {
        if (!keep(k) || column.kind === 'null' || isNullAt(column, row)) return
        const value = column.values[row] as string | number
        counts.set(value, (counts.get(value) ?? 0) + 1)
      })
      let best: string | number | null = null
      let bestCount = 0
      // Map iteration is first-seen order, and only a strictly larger count wins: pandas' idxmax on
      // value counts reindexed by appearance.
      for (const [value, count] of counts)
        if (count > bestCount) {
          best = value
          bestCount = count
        }
      return best === null ? null : cellValueOf(column, best)
    }
    const majority = mode(() => true)
    const under = mode((k) => isUnder[k] as boolean)
    const over = mode((k) => isOver[k] as boolean)
    result[name] = {
      feature_type: 'cat',
      [`${prefix}majority`]: majority,
      [`${prefix}under`]: under,
      [`${prefix}over`]: over,
      [`${prefix}range`]: majority !== under || over !== majority ? 1 : 0,
    }
  }
  return result
}

function finiteAt(column: ReturnType<typeof getColumn>, i: number): number | null {
  if (column.kind === 'string' || column.kind === 'null' || isNullAt(column, i)) return null
  const value = column.values[i] as number
  return Number.isFinite(value) ? value : null
}

/** A running mean; NaN when empty (numpy's mean of nothing). */
class Mean {
  private sum = 0
  private count = 0
  add(value: number): void {
    this.sum += value
    this.count++
  }
  value(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count
  }
}
