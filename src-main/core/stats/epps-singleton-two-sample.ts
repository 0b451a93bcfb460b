import { chiSquareSurvival } from './chi-square-survival'
import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { linearQuantile } from './linear-quantile'
import { sortedFloat64 } from './sorted-float64'
import { symmetricEigenDecomposition } from './symmetric-eigen-decomposition'

export interface EppsSingletonTwoSampleResult {
  readonly statistic: number
  readonly pValue: number
  /** Rank of the pseudo-inverted covariance: the chi-square degrees of freedom (4 when full rank). */
  readonly degreesOfFreedom: number
}

const FREQUENCIES = [0.4, 0.8]
const MACHINE_EPSILON = 2.220446049250313e-16

/**
 * The Epps-Singleton two-sample test on the empirical characteristic function, as
 * `scipy.stats.epps_singleton_2samp(x, y)` (scipy 1.10, t = (0.4, 0.8)): the frequencies are scaled
 * by half the pooled interquartile range, the covariance of the cos/sin features is pseudo-inverted
 * (numpy's `pinv`, rcond 1e-15, here through an eigen decomposition since the matrix is symmetric
 * positive semi-definite), the small-sample correction applies when max(nx, ny) < 25, and
 * p = chi2.sf(W, rank).
 *
 * @throws {RangeError} when a sample has fewer than 5 values (scipy's message), or the pooled
 *   interquartile range is 0 (the frequencies would be infinite).
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.epps_singleton_2samp.html
 * @example eppsSingletonTwoSample([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).pValue // 1
 */
export function eppsSingletonTwoSample(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): EppsSingletonTwoSampleResult {
  const nx = x.length
  const ny = y.length
  if (nx < 5 || ny < 5) {
    throw new RangeError(
      `x and y should have at least 5 elements, but len(x) = ${nx} and len(y) = ${ny}.`,
    )
  }
  const n = nx + ny
  const pooled = sortedFloat64([...Array.from(x), ...Array.from(y)])
  const sigma = (linearQuantile(pooled, 0.75) - linearQuantile(pooled, 0.25)) / 2
  if (sigma === 0) throw new RangeError('epps_singleton_2samp: the pooled interquartile range is 0')
  const scaled = FREQUENCIES.map((t) => t / sigma)

  const features = (
    sample: ArrayLike<number>,
  ): { mean: Float64Array; covariance: Float64Array[] } => {
    const size = sample.length
    // One column per feature (cos t1·x, cos t2·x, sin t1·x, sin t2·x), laid out as numpy's np.cov sees them.
    const columns = [
      ...scaled.map((t) => Float64Array.from({ length: size }, (_, i) => Math.cos(t * sample[i]!))),
      ...scaled.map((t) => Float64Array.from({ length: size }, (_, i) => Math.sin(t * sample[i]!))),
    ]
    // numpy's mean (pairwise sum / n) matters: for a constant sample the centred values are pure
    // rounding noise, and whether that noise is exactly 0 decides between p = NaN and p = 0.
    const mean = Float64Array.from(columns, (column) => numpyPairwiseSum(column) / size)
    const centred = columns.map((column, j) => column.map((value) => value - mean[j]!))
    const covariance = centred.map((left) =>
      Float64Array.from(centred, (right) => {
        let sum = 0
        for (let i = 0; i < size; i++) sum += left[i]! * right[i]!
        // bias=True: divide by the sample size, not size − 1.
        return sum / size
      }),
    )
    return { mean, covariance }
  }
  const fx = features(x)
  const fy = features(y)
  const width = fx.mean.length
  const estimate = fx.covariance.map((row, i) =>
    row.map((value, j) => (n / nx) * value + (n / ny) * fy.covariance[i]![j]!),
  )

  const { values, vectors } = symmetricEigenDecomposition(estimate)
  const largest = Math.max(...values.map(Math.abs))
  const kept = Array.from(values.keys()).filter((i) => Math.abs(values[i]!) > 1e-15 * largest)
  const inverseValues = kept.map((i) => 1 / values[i]!)
  const largestInverse = Math.max(0, ...inverseValues.map(Math.abs))
  // numpy's matrix_rank of the pseudo-inverse: singular values above max · max(M, N) · eps.
  const rank = inverseValues.filter(
    (v) => Math.abs(v) > largestInverse * width * MACHINE_EPSILON,
  ).length

  const difference = Float64Array.from({ length: width }, (_, j) => fx.mean[j]! - fy.mean[j]!)
  let quadratic = 0
  kept.forEach((column, index) => {
    let projection = 0
    for (let row = 0; row < width; row++) projection += vectors[row]![column]! * difference[row]!
    quadratic += inverseValues[index]! * projection * projection
  })
  let statistic = n * quadratic
  if (Math.max(nx, ny) < 25) {
    const correction = 1 / (1 + n ** -0.45 + 10.1 * (nx ** -1.7 + ny ** -1.7))
    statistic = correction * statistic
  }
  return { statistic, pValue: chiSquareSurvival(statistic, rank), degreesOfFreedom: rank }
}
