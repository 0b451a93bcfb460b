/**
 * Pearson's correlation coefficient of two equally long samples (pandas `Series.corr(method="pearson")` on
 * rows already stripped of nulls): Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² · Σ(y − ȳ)²), NaN when either sample is
 * constant or has fewer than two values.
 *
 * Two passes (means first) rather than running sums, so large offsets do not cancel.
 * @throws {RangeError} when the samples differ in length.
 * @see https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.corr.html
 * @example pearsonCorrelation([1, 2, 3], [2, 4, 7]) // 0.9933992677987828
 */
export function pearsonCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  if (y.length !== n) throw new RangeError(`Samples differ in length: ${n} and ${y.length}.`)
  if (n < 2) return Number.NaN
  let sumX = 0
  let sumY = 0
  for (let i = 0; i < n; i++) {
    sumX += x[i] as number
    sumY += y[i] as number
  }
  const meanX = sumX / n
  const meanY = sumY / n
  let sxx = 0
  let syy = 0
  let sxy = 0
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - meanX
    const dy = (y[i] as number) - meanY
    sxx += dx * dx
    syy += dy * dy
    sxy += dx * dy
  }
  const divisor = Math.sqrt(sxx * syy)
  if (divisor === 0) return Number.NaN
  // pandas clips to [-1, 1] against rounding.
  return Math.max(-1, Math.min(1, sxy / divisor))
}
