import { kolmogorovTwoSidedSurvival } from './kolmogorov-two-sided-survival'
import { roundHalfToEven } from './round-half-to-even'
import { sortedFloat64 } from './sorted-float64'

/** Largest sample size for which `method='auto'` tries the exact distribution (scipy's MAX_AUTO_N). */
const MAX_EXACT_SIZE = 10000

export interface KolmogorovSmirnovResult {
  /** D = max |F₁ − F₂| (after the exact method's rounding to a multiple of 1/lcm(n1, n2)). */
  readonly statistic: number
  readonly pValue: number
  readonly method: 'exact' | 'asymptotic'
}

/**
 * Two-sided two-sample Kolmogorov–Smirnov test on sorted samples, reproducing
 * `scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto')` of scipy 1.10:
 * - exact when max(n1, n2) ≤ 10000: D is rounded to h/lcm(n1, n2) (h = round-half-even(D·lcm)), then
 *   P(D ≥ h/lcm) comes from the lattice-path count (`_compute_prob_outside_square` for n1 = n2, otherwise the
 *   "outer probability, inside method" recursion of Viehmann 2021); a probability outside [0, 1] (floating-point
 *   failure) falls back to the asymptotic method with the rounded D, as scipy does;
 * - asymptotic otherwise: `kstwo.sf(D, round(n1·n2/(n1+n2)))`.
 * Ties are handled by evaluating both empirical CDFs at every observed value (scipy's `searchsorted` right).
 *
 * Complexity: O(n1 + n2) for D; the exact p-value is O(max(n1, n2) · window).
 *
 * @param sorted1 first sample, ascending, finite, non-empty
 * @param sorted2 second sample, ascending, finite, non-empty
 * @throws {RangeError} if a sample is empty ("Data passed to ks_2samp must not be empty")
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.stats.ks_2samp.html
 * @see Hodges, J.L. (1958) "The significance probability of the Smirnov two-sample test"; Viehmann, T. (2021) arXiv:2102.08037
 * @example kolmogorovSmirnovTwoSampleOfSorted(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6)).pValue // 0.1
 */
export function kolmogorovSmirnovTwoSampleOfSorted(
  sorted1: ArrayLike<number>,
  sorted2: ArrayLike<number>,
): KolmogorovSmirnovResult {
  const n1 = sorted1.length
  const n2 = sorted2.length
  if (Math.min(n1, n2) === 0) throw new RangeError('Data passed to ks_2samp must not be empty')
  let d = twoSidedStatistic(sorted1, sorted2)
  if (Math.max(n1, n2) <= MAX_EXACT_SIZE) {
    const g = greatestCommonDivisor(n1, n2)
    const lcm = (n1 / g) * n2
    const h = roundHalfToEven(d * lcm)
    d = (h * 1.0) / lcm
    if (h === 0) return { statistic: d, pValue: 1.0, method: 'exact' }
    const probability =
      n1 === n2 ? probabilityOutsideSquare(n1, h) : outerProbabilityInsideMethod(n1, n2, g, h)
    if (probability >= 0 && probability <= 1) {
      return { statistic: d, pValue: probability, method: 'exact' }
    }
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1]
  const effectiveSize = (m * n) / (m + n)
  const pValue = kolmogorovTwoSidedSurvival(d, roundHalfToEven(effectiveSize))
  return { statistic: d, pValue: Math.min(Math.max(pValue, 0), 1), method: 'asymptotic' }
}

/**
 * `scipy.stats.ks_2samp` two-sided p-value (method 'auto'); sorts copies of the samples.
 *
 * @throws {RangeError} if a sample is empty
 * @example kolmogorovSmirnovTwoSample(Float64Array.of(3, 1, 2), Float64Array.of(6, 5, 4)).statistic // 1
 */
export function kolmogorovSmirnovTwoSample(
  sample1: ArrayLike<number>,
  sample2: ArrayLike<number>,
): KolmogorovSmirnovResult {
  return kolmogorovSmirnovTwoSampleOfSorted(sortedFloat64(sample1), sortedFloat64(sample2))
}

/** max(maxS, clip(−minS)) of the ECDF differences at every observed value, as scipy computes it. */
function twoSidedStatistic(sorted1: ArrayLike<number>, sorted2: ArrayLike<number>): number {
  const n1 = sorted1.length
  const n2 = sorted2.length
  let i = 0
  let j = 0
  let maxDifference = -Infinity
  let minDifference = Infinity
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && sorted1[i]! <= sorted2[j]!) ? sorted1[i]! : sorted2[j]!
    while (i < n1 && sorted1[i] === value) i++
    while (j < n2 && sorted2[j] === value) j++
    const difference = i / n1 - j / n2
    if (difference > maxDifference) maxDifference = difference
    if (difference < minDifference) minDifference = difference
  }
  const minS = Math.min(Math.max(-minDifference, 0), 1)
  return minS > maxDifference ? minS : maxDifference
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** P(D_{n,n} ≥ h/n): scipy `_compute_prob_outside_square`, a Horner-like alternating sum without cancellation. */
function probabilityOutsideSquare(n: number, h: number): number {
  let P = 0.0
  let k = Math.floor(n / h)
  while (k >= 0) {
    let p1 = 1.0
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1)
    P = p1 * (1.0 - P)
    k -= 1
  }
  return 2 * P
}

/**
 * Proportion of lattice paths from (0,0) to (m,n) leaving the band |x/m − y/n| < h/lcm (scipy
 * `_compute_outer_prob_inside_method`, Hodges' inside method rewritten for 1 − p by Viehmann).
 */
function outerProbabilityInsideMethod(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m]
  const mg = Math.floor(m / g)
  const ng = Math.floor(n / g)
  let minJ = 0
  let maxJ = Math.min(Math.ceil(h / mg), n + 1)
  let currentLength = maxJ - minJ
  const lengthA = Math.min(2 * maxJ + 2, n + 1)
  const A = new Float64Array(lengthA).fill(1)
  A.fill(0.0, minJ, maxJ)
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ
    const lastLength = currentLength
    minJ = Math.max(Math.floor((ng * i - h) / mg) + 1, 0)
    minJ = Math.min(minJ, n)
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1)
    if (maxJ <= minJ) return 1.0
    let value = minJ === 0 ? 0.0 : 1.0
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ
      value = (A[jj + minJ - lastMinJ]! * i + value * j) / (i + j)
      A[jj] = value
    }
    currentLength = maxJ - minJ
    if (lastLength > currentLength)
      A.fill(1, maxJ - minJ, maxJ - minJ + (lastLength - currentLength))
  }
  return A[maxJ - minJ - 1]!
}
