import type { Frame } from '../data/frame'
import { getColumn, isNullAt } from '../data/frame'
import { averageRanks } from '../stats/average-ranks'
import { kendallTauB } from '../stats/kendall-tau-b'
import { pearsonCorrelation } from '../stats/pearson-correlation'
import { welfordPearsonCorrelation } from '../stats/welford-pearson-correlation'

/** The methods of pandas' `DataFrame.corr` that Evidently 0.4's correlation metrics use for numbers. */
export const CORRELATION_METHODS = ['pearson', 'spearman', 'kendall'] as const
export type CorrelationMethod = (typeof CORRELATION_METHODS)[number]

/** A correlation, or null with the reason pandas would have printed NaN (or why it cannot be computed). */
export interface PairCorrelation {
  readonly value: number | null
  readonly error?: string
}

/**
 * The correlation of two numeric columns of one frame as pandas 1.5 `DataFrame.corr(method)` computes
 * the entry (what Evidently 0.4's DatasetCorrelationsMetric stores: `df[num_columns].corr(kind)`,
 * calculations/data_quality.py):
 * - each pair on its **pairwise complete** rows: a row counts when both cells are finite (pandas masks
 *   with `np.isfinite`, so null, NaN and ±inf are all left out, row by row for this pair only);
 * - `pearson`: Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²) by pandas' own one-pass Welford sums
 *   ({@link welfordPearsonCorrelation});
 * - `spearman`: Pearson's r of the average ranks (ties share the mean of their positions), ranked on
 *   the complete rows (two-pass here; pandas centres on (n + 1)/2, which is exactly the ranks' mean, so
 *   the sums are the same);
 * - `kendall`: `scipy.stats.kendalltau`, τ-b (ties corrected in both columns);
 * - NaN (here `value: null` with the reason) below two complete rows or when either column is constant
 *   over them: pandas' divisor is then exactly 0. A constant column is detected by comparing values, not
 *   by a variance that rounding can leave a hair above 0 (0.1 ten times has a two-pass mean ≠ 0.1).
 * Boolean columns count as 0/1 (pandas includes them); text and timestamps are refused.
 * Complexity O(n) for Pearson, O(n log n) for Spearman and Kendall.
 * @see https://pandas.pydata.org/pandas-docs/version/1.5/reference/api/pandas.DataFrame.corr.html
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/calculations/data_quality.py
 * @example columnPairCorrelation(frame, 'x', 'y', 'spearman') // { value: 0.8 } for x 1,2,3,4 and y 1,3,2,4
 */
export function columnPairCorrelation(
  frame: Frame,
  a: string,
  b: string,
  method: CorrelationMethod,
): PairCorrelation {
  for (const name of [a, b]) {
    if (!frame.names.includes(name))
      return {
        value: null,
        error:
          frame.rowCount === 0
            ? 'The window has no rows.'
            : `Column '${name}' is not in the data; it has: ${frame.names.join(', ')}.`,
      }
    const kind = getColumn(frame, name).kind
    if (kind === 'string' || kind === 'timestamp_us')
      return {
        value: null,
        error: `Column '${name}' holds ${kind === 'string' ? 'text' : 'timestamps'}; a ${method} correlation needs numbers.`,
      }
  }
  const left = getColumn(frame, a)
  const right = getColumn(frame, b)
  const x = new Float64Array(frame.rowCount)
  const y = new Float64Array(frame.rowCount)
  let n = 0
  if (
    left.kind !== 'null' &&
    right.kind !== 'null' &&
    left.kind !== 'string' &&
    right.kind !== 'string'
  )
    for (let i = 0; i < frame.rowCount; i++) {
      if (isNullAt(left, i) || isNullAt(right, i)) continue
      const u = left.values[i] as number
      const v = right.values[i] as number
      if (!Number.isFinite(u) || !Number.isFinite(v)) continue
      x[n] = u
      y[n] = v
      n++
    }
  if (n < 2)
    return {
      value: null,
      error: `Fewer than two rows have both '${a}' and '${b}' (${n}); the correlation is undefined (pandas: NaN).`,
    }
  const xs = x.subarray(0, n)
  const ys = y.subarray(0, n)
  for (const [name, values] of [
    [a, xs],
    [b, ys],
  ] as const)
    if (isConstant(values))
      return {
        value: null,
        error: `Column '${name}' is constant over the ${n} rows where both columns have values; the correlation is undefined (pandas: NaN).`,
      }
  const value =
    method === 'pearson'
      ? welfordPearsonCorrelation(xs, ys)
      : method === 'spearman'
        ? pearsonCorrelation(averageRanks(xs).ranks, averageRanks(ys).ranks)
        : kendallTauB(xs, ys)
  return Number.isNaN(value)
    ? { value: null, error: 'The correlation is undefined (pandas: NaN).' }
    : { value }
}

function isConstant(values: Float64Array): boolean {
  const first = values[0]
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return false
  return true
}
