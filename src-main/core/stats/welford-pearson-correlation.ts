/**
 * Pearson's correlation coefficient computed as pandas 1.5's `DataFrame.corr("pearson")` does
 * (`pandas/_libs/algos.pyx::nancorr`): one pass of Welford's updates of the two means, the two sums of
 * squared deviations and the co-deviation, then covxy / √(ssqdmx · ssqdmy); NaN when that divisor is 0
 * (a constant sample: Welford's sums are then exactly 0) or below two values. No clipping to [−1, 1].
 *
 * Why not the two-pass {@link pearsonCorrelation}: both are accurate, but on data far from 0 relative to
 * its spread they differ in the 11th–12th digit (1e6 ± 3: 0.7196714911946 here and in pandas,
 * 0.7196714911901658 in scipy's two-pass `pearsonr`; the exact value, from rationals, is
 * 0.71967149119016580: here the two-pass one is the more accurate), and the metric promises pandas' number
 * (Evidently's).
 * pandas walks the matrix with the later column as its `x`: for the entry (a, b) it updates b's sums
 * first, so the arguments are taken in that order to repeat its rounding.
 * @throws {RangeError} when the samples differ in length.
 * @see https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Welford's_online_algorithm
 * @see https://github.com/pandas-dev/pandas/blob/v1.5.3/pandas/_libs/algos.pyx
 * @example welfordPearsonCorrelation([1, 2, 3], [2, 4, 7]) // 0.9933992677987828
 */
export function welfordPearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  if (b.length !== n) throw new RangeError(`Samples differ in length: ${n} and ${b.length}.`)
  let meanX = 0
  let meanY = 0
  let ssqdmx = 0
  let ssqdmy = 0
  let covxy = 0
  for (let i = 0; i < n; i++) {
    const vx = b[i] as number
    const vy = a[i] as number
    const nobs = i + 1
    const dx = vx - meanX
    const dy = vy - meanY
    // `1. / nobs * dx`, as pandas writes it: not dx / nobs, which rounds differently.
    meanX += (1 / nobs) * dx
    meanY += (1 / nobs) * dy
    ssqdmx += (vx - meanX) * dx
    ssqdmy += (vy - meanY) * dy
    covxy += (vx - meanX) * dy
  }
  if (n < 2) return Number.NaN
  const divisor = Math.sqrt(ssqdmx * ssqdmy)
  return divisor === 0 ? Number.NaN : covxy / divisor
}
