import gammainc from '@stdlib/math-base-special-gammainc'

/**
 * P(X >= x) for X ~ chi-square(df), as `scipy.stats.chi2.sf(x, df)`: the regularized upper incomplete
 * gamma function Q(df/2, x/2), computed directly so small p-values keep their relative precision
 * (1 − cdf would round them to 0 below ~1e-16).
 *
 * Returns NaN for df <= 0 or a NaN argument, like scipy; 1 for x <= 0 and 0 for x = +inf.
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.chi2.html
 * @example chiSquareSurvival(3.841458820694124, 1) // 0.05
 */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  if (Number.isNaN(x) || !(degreesOfFreedom > 0)) return Number.NaN
  if (x <= 0) return 1
  if (x === Number.POSITIVE_INFINITY) return 0
  return gammainc(x / 2, degreesOfFreedom / 2, true, true)
}
