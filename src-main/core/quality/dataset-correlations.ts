import type { Frame } from '../data/frame'
import { getColumn, isNullAt } from '../data/frame'
import { averageRanks } from '../stats/average-ranks'
import { cramersV } from '../stats/cramers-v'
import { kendallTauB } from '../stats/kendall-tau-b'
import { pearsonCorrelation } from '../stats/pearson-correlation'

/** Evidently 0.4 `CorrelationStats`: absolute maxima of one correlation matrix (null where undefined). */
export interface CorrelationStats {
  readonly target_prediction_correlation: number | null
  readonly abs_max_target_features_correlation: number | null
  readonly abs_max_prediction_features_correlation: number | null
  readonly abs_max_correlation: number | null
  readonly abs_max_features_correlation: number | null
}

export type CorrelationKind = 'pearson' | 'spearman' | 'kendall' | 'cramer_v'

/** Evidently 0.4 `DatasetCorrelation` as `as_dict()` prints it (the matrices themselves are left out). */
export interface DatasetCorrelation {
  readonly stats: Readonly<Record<CorrelationKind, CorrelationStats>>
}

/** Which columns take part: numerical and categorical ones (features, target and prediction alike). */
export interface CorrelationColumns {
  readonly numerical: readonly string[]
  readonly categorical: readonly string[]
  readonly target?: string
  readonly prediction?: string
}

/**
 * Evidently 0.4's DatasetCorrelationsMetric for one dataset (`calculations/data_quality.py::
 * calculate_correlations` + `_get_correlations_stats`):
 * - Pearson, Spearman and Kendall matrices over the numerical columns with more than one distinct value
 *   (pandas `DataFrame.corr`: each pair on the rows where both are present);
 * - Cramér's V over the categorical columns with more than one distinct value (pairs on rows where both are
 *   present, as `pd.crosstab` drops nulls);
 * - per matrix, with the diagonal zeroed: the target–prediction entry, the largest |r| between the target
 *   (prediction) and the other columns, the largest |r| overall and among columns other than target and
 *   prediction. NaN entries are skipped; an empty set gives null.
 * Complexity O(k² · n log n) for k columns.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/metrics/data_quality/dataset_correlations_metric.py
 * @example datasetCorrelation(frame, { numerical: ['a', 'b'], categorical: [] }).stats.pearson.abs_max_correlation
 */
export function datasetCorrelation(frame: Frame, columns: CorrelationColumns): DatasetCorrelation {
  const numerical = columns.numerical.filter((name) => distinctCount(frame, name) > 1)
  const categorical = columns.categorical.filter((name) => distinctCount(frame, name) > 1)
  const numericPair = (
    correlate: (x: Float64Array, y: Float64Array) => number,
  ): ((a: string, b: string) => number) => {
    return (a, b) => {
      const [x, y] = completeNumericPairs(frame, a, b)
      return correlate(x, y)
    }
  }
  const spearman = (x: Float64Array, y: Float64Array): number =>
    pearsonCorrelation(averageRanks(x).ranks, averageRanks(y).ranks)
  const matrices: Record<CorrelationKind, Matrix> = {
    pearson: correlationMatrix(numerical, numericPair(pearsonCorrelation)),
    spearman: correlationMatrix(numerical, numericPair(spearman)),
    kendall: correlationMatrix(numerical, numericPair(kendallTauB)),
    cramer_v: correlationMatrix(categorical, (a, b) => {
      const [x, y] = completeCategoryPairs(frame, a, b)
      return cramersV(x, y)
    }),
  }
  const stats = {} as Record<CorrelationKind, CorrelationStats>
  for (const kind of ['pearson', 'spearman', 'kendall', 'cramer_v'] as const) {
    stats[kind] = correlationStats(matrices[kind], columns.target, columns.prediction)
  }
  return { stats }
}

interface Matrix {
  readonly names: readonly string[]
  readonly values: Float64Array
}

/** A symmetric matrix with a zero diagonal (Evidently zeroes it before taking maxima). */
function correlationMatrix(
  names: readonly string[],
  pair: (a: string, b: string) => number,
): Matrix {
  const k = names.length
  // Evidently's pairwise helper returns an empty frame for one column; pandas' corr a 1×1 matrix. Both
  // give no off-diagonal entry, so the maxima are null either way.
  const values = new Float64Array(k * k)
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const r = pair(names[i] as string, names[j] as string)
      values[i * k + j] = r
      values[j * k + i] = r
    }
  return { names, values }
}

function correlationStats(matrix: Matrix, target?: string, prediction?: string): CorrelationStats {
  const { names, values } = matrix
  const k = names.length
  const index = (name: string | undefined): number =>
    name === undefined ? -1 : names.indexOf(name)
  const t = index(target)
  const p = index(prediction)
  const features: number[] = []
  for (let i = 0; i < k; i++) if (i !== t && i !== p) features.push(i)
  const all = Array.from({ length: k }, (_, i) => i)
  const absMax = (rows: readonly number[], cols: readonly number[]): number | null => {
    let best: number | null = null
    for (const i of rows)
      for (const j of cols) {
        const v = Math.abs(values[i * k + j] as number)
        if (!Number.isNaN(v) && (best === null || v > best)) best = v
      }
    return best
  }
  const entry = t >= 0 && p >= 0 ? (values[p * k + t] as number) : Number.NaN
  return {
    target_prediction_correlation: Number.isNaN(entry) ? null : entry,
    abs_max_target_features_correlation: t >= 0 ? absMax([t], features) : null,
    abs_max_prediction_features_correlation: p >= 0 ? absMax([p], features) : null,
    abs_max_correlation: absMax(all, all),
    abs_max_features_correlation: absMax(features, features),
  }
}

/** pandas `nunique()`: distinct non-null values. */
function distinctCount(frame: Frame, name: string): number {
  const column = getColumn(frame, name)
  if (column.kind === 'null') return 0
  const seen = new Set<number | string>()
  for (let i = 0; i < frame.rowCount; i++) {
    if (isNullAt(column, i)) continue
    seen.add(column.values[i] as number | string)
    if (seen.size > 1) return seen.size
  }
  return seen.size
}

function completeNumericPairs(frame: Frame, a: string, b: string): [Float64Array, Float64Array] {
  const left = getColumn(frame, a)
  const right = getColumn(frame, b)
  if (
    left.kind === 'string' ||
    left.kind === 'null' ||
    right.kind === 'string' ||
    right.kind === 'null'
  )
    throw new RangeError(`Correlation needs numeric columns; '${a}' or '${b}' is not numeric.`)
  const x = new Float64Array(frame.rowCount)
  const y = new Float64Array(frame.rowCount)
  let n = 0
  for (let i = 0; i < frame.rowCount; i++) {
    if (isNullAt(left, i) || isNullAt(right, i)) continue
    x[n] = left.values[i] as number
    y[n] = right.values[i] as number
    n++
  }
  return [x.subarray(0, n), y.subarray(0, n)]
}

function completeCategoryPairs(
  frame: Frame,
  a: string,
  b: string,
): [(number | string)[], (number | string)[]] {
  const left = getColumn(frame, a)
  const right = getColumn(frame, b)
  const x: (number | string)[] = []
  const y: (number | string)[] = []
  if (left.kind === 'null' || right.kind === 'null') return [x, y]
  for (let i = 0; i < frame.rowCount; i++) {
    if (isNullAt(left, i) || isNullAt(right, i)) continue
    x.push(left.values[i] as number | string)
    y.push(right.values[i] as number | string)
  }
  return [x, y]
}
