import { leastSquaresPolynomialFit } from './least-squares-polynomial-fit'
import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { searchSorted } from './search-sorted'
import { sortedFloat64 } from './sorted-float64'

export interface AndersonDarlingKSampleResult {
  /** Normalized statistic (A2akN − (k − 1)) / σ. */
  readonly statistic: number
  /** Critical values for significance levels 25%, 10%, 5%, 2.5%, 1%, 0.5%, 0.1%. */
  readonly criticalValues: readonly number[]
  /** Interpolated significance level, floored at 0.001 and capped at 0.25 as scipy 1.10 does. */
  readonly pValue: number
  /** Whether the p-value hit scipy's cap (0.25) or floor (0.001) instead of being interpolated. */
  readonly pValueClipped: 'capped' | 'floored' | false
}

// Table 2 of Scholz and Stephens (1987), the interpolation coefficients scipy uses.
const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085]
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615]
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154]
const SIGNIFICANCE_LEVELS = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001]

/**
 * The k-sample Anderson-Darling test with the midrank statistic A2akN (Scholz and Stephens 1987,
 * eq. 7), as `scipy.stats.anderson_ksamp(samples)` in scipy 1.10: the p-value is the exp of a
 * quadratic fit of log(significance level) against the critical values, evaluated at the statistic,
 * and is floored at 0.001 / capped at 0.25 outside the table.
 *
 * Assumptions: finite values; at least 2 samples.
 *
 * @throws {RangeError} with fewer than 2 samples, an empty sample, fewer than 3 values in total, or
 *   only one distinct value overall (scipy: "anderson_ksamp needs more than one distinct observation").
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.anderson_ksamp.html
 * @example andersonDarlingKSample([[1, 2, 3, 4, 5], [1.5, 2.5, 3.5, 4.5, 5.5]]).pValue // 0.25 (capped)
 */
export function andersonDarlingKSample(
  samples: readonly ArrayLike<number>[],
): AndersonDarlingKSampleResult {
  const k = samples.length
  if (k < 2) throw new RangeError('anderson_ksamp needs at least two samples')
  if (samples.some((sample) => sample.length === 0)) {
    throw new RangeError('anderson_ksamp encountered sample without observations')
  }
  const pooled = sortedFloat64(samples.flatMap((sample) => Array.from(sample)))
  const total = pooled.length
  const distinct = pooled.filter((value, index) => index === 0 || value !== pooled[index - 1])
  if (distinct.length < 2) {
    throw new RangeError('anderson_ksamp needs more than one distinct observation')
  }
  if (total < 3) {
    // scipy indexes an empty harmonic-sum array here (IndexError); there is no variance to normalize by.
    throw new RangeError('anderson_ksamp needs at least 3 observations in total')
  }
  const sizes = samples.map((sample) => sample.length)

  // A2akN, equation 7: midrank empirical distribution functions at each distinct value.
  const tieCounts = new Float64Array(distinct.length)
  const midRanks = new Float64Array(distinct.length)
  for (let j = 0; j < distinct.length; j++) {
    const left = searchSorted(pooled, distinct[j]!, 'left')
    tieCounts[j] =
      total === distinct.length ? 1 : searchSorted(pooled, distinct[j]!, 'right') - left
    midRanks[j] = left + tieCounts[j]! / 2
  }
  let a2akN = 0
  const inner = new Float64Array(distinct.length)
  samples.forEach((sample, i) => {
    const sorted = sortedFloat64(sample)
    const size = sizes[i]!
    for (let j = 0; j < distinct.length; j++) {
      const right = searchSorted(sorted, distinct[j]!, 'right')
      const atValue = right - searchSorted(sorted, distinct[j]!, 'left')
      const m = right - atValue / 2
      const b = midRanks[j]!
      const l = tieCounts[j]!
      inner[j] = ((l / total) * (total * m - b * size) ** 2) / (b * (total - b) - (total * l) / 4)
    }
    a2akN += numpyPairwiseSum(inner) / size
  })
  a2akN *= (total - 1) / total

  // Variance of A2akN under the null (Scholz and Stephens eq. 4 and the coefficients a..d).
  const h0 = numpyPairwiseSum(sizes.map((size) => 1 / size))
  const harmonicTail = new Float64Array(total - 2)
  let running = 0
  for (let index = 0; index < total - 2; index++) {
    running += 1 / (total - 1 - index)
    harmonicTail[index] = running
  }
  const h = harmonicTail[total - 3]! + 1
  const g = numpyPairwiseSum(harmonicTail.map((value, index) => value / (index + 2)))
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * h0
  const b = (2 * g - 4) * k ** 2 + 8 * h * k + (2 * g - 14 * h - 4) * h0 - 8 * h + 4 * g - 6
  const c = (6 * h + 2 * g - 2) * k ** 2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * h0 + 4 * h
  const d = (2 * h + 6) * k ** 2 - 4 * h * k
  const sigmaSquared =
    (a * total ** 3 + b * total ** 2 + c * total + d) / ((total - 1) * (total - 2) * (total - 3))
  if (sigmaSquared < 0)
    throw new RangeError('anderson_ksamp: negative variance (math domain error)')
  const m = k - 1
  const statistic = (a2akN - m) / Math.sqrt(sigmaSquared)

  const criticalValues = B0.map((b0, index) => b0 + B1[index]! / Math.sqrt(m) + B2[index]! / m)
  if (statistic < Math.min(...criticalValues)) {
    return { statistic, criticalValues, pValue: 0.25, pValueClipped: 'capped' }
  }
  if (statistic > Math.max(...criticalValues)) {
    return { statistic, criticalValues, pValue: 0.001, pValueClipped: 'floored' }
  }
  const coefficients = leastSquaresPolynomialFit(
    criticalValues,
    SIGNIFICANCE_LEVELS.map((level) => Math.log(level)),
    2,
  )
  let logP = 0
  for (const coefficient of coefficients) logP = logP * statistic + coefficient
  return { statistic, criticalValues, pValue: Math.exp(logP), pValueClipped: false }
}
