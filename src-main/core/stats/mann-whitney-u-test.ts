import normalCdf from '@stdlib/stats-base-dists-normal-cdf'
import { averageRanks } from './average-ranks'
import { numpyPairwiseSum } from './numpy-pairwise-sum'

export type MannWhitneyAlternative = 'two-sided' | 'less' | 'greater'

export interface MannWhitneyUResult {
  /** U1, the statistic of the first sample (scipy's `statistic`). */
  readonly statistic: number
  readonly pValue: number
  readonly method: 'exact' | 'asymptotic'
}

/**
 * The Mann-Whitney U test, as `scipy.stats.mannwhitneyu(x, y, alternative=…)` in scipy 1.10 with
 * `method="auto"` and the continuity correction: the exact null distribution of U when one sample has
 * at most 8 values and there are no ties, otherwise the normal approximation with the tie-corrected
 * variance. 'less' means x tends to be smaller than y (its p-value is the upper tail of U2).
 *
 * The exact counts are the coefficients of the Gaussian binomial [m+n choose m]_q, computed in BigInt
 * (O(min(m,n)² · max(m,n)) work); probabilities are then summed like scipy's cumulative pmf.
 *
 * @throws {RangeError} when a sample is empty.
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.mannwhitneyu.html
 * @example mannWhitneyUTest([1, 2, 3], [4, 5, 6], 'less').pValue // 0.05 (1 of 20 orderings)
 */
export function mannWhitneyUTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: MannWhitneyAlternative,
): MannWhitneyUResult {
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0) throw new RangeError('`x` and `y` must be of nonzero size.')
  const pooled = new Float64Array(n1 + n2)
  pooled.set(Array.from(x), 0)
  pooled.set(Array.from(y), n1)
  const { ranks, tieGroupSizes } = averageRanks(pooled)
  const hasTies = tieGroupSizes.some((size) => size > 1)
  const method = (n1 > 8 && n2 > 8) || hasTies ? 'asymptotic' : 'exact'
  const r1 = numpyPairwiseSum(ranks, 0, n1)
  const u1 = r1 - (n1 * (n1 + 1)) / 2
  const u2 = n1 * n2 - u1
  const [u, factor] =
    alternative === 'greater' ? [u1, 1] : alternative === 'less' ? [u2, 1] : [Math.max(u1, u2), 2]

  let pValue: number
  if (method === 'exact') {
    pValue = exactSurvival(Math.trunc(u), n1, n2)
  } else {
    const n = n1 + n2
    const tieTerm = tieGroupSizes.reduce((sum, t) => sum + (t ** 3 - t), 0)
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))))
    const z = (u - (n1 * n2) / 2 - 0.5) / s
    pValue = normalCdf(-z, 0, 1)
  }
  pValue *= factor
  return { statistic: u1, pValue: Math.min(Math.max(pValue, 0), 1), method }
}

/** P(U >= u) under the null, as scipy's `_MWU.sf`: the cumulative pmf up to m·n − u (U is symmetric). */
function exactSurvival(u: number, m: number, n: number): number {
  const upTo = m * n - u
  if (upTo < 0) return 0
  const counts = gaussianBinomialCoefficients(m, n)
  let total = 0n
  for (const count of counts) total += count
  const combinations = Number(total)
  let cumulative = 0
  for (let k = 0; k <= upTo; k++) cumulative += Number(counts[k]!) / combinations
  return cumulative
}

/** Number of ways U = k for samples of sizes m and n, k = 0..m·n: coefficients of [m+n choose m]_q. */
function gaussianBinomialCoefficients(m: number, n: number): bigint[] {
  const small = Math.min(m, n)
  const large = Math.max(m, n)
  const degree = small * large
  const coefficients = new Array<bigint>(degree + 1).fill(0n)
  coefficients[0] = 1n
  let currentDegree = 0
  for (let i = 1; i <= small; i++) {
    // Multiply by (1 − q^(large + i)), then divide exactly by (1 − q^i).
    const shift = large + i
    currentDegree += large
    for (let k = currentDegree + i; k >= shift; k--) {
      if (k <= degree) coefficients[k] = coefficients[k]! - coefficients[k - shift]!
    }
    for (let k = i; k <= degree; k++) coefficients[k] = coefficients[k]! + coefficients[k - i]!
  }
  return coefficients
}
