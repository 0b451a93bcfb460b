import normalCdf from '@stdlib/stats-base-dists-normal-cdf'

/**
 * Two-sided pooled two-proportion z-test, exactly as Evidently's `z_stattest.py` writes it:
 * z = (p1 − p2) / sqrt(P(1 − P)(1/n1 + 1/n2)) with P = (p1·n1 + p2·n2)/(n1 + n2), p = 2·(1 − Φ(|z|)).
 *
 * P(1 − P) = 0 (both samples all successes or all failures) gives z = NaN and p = NaN, as numpy does;
 * Evidently's stattest avoids that case before calling it.
 *
 * @param successes1 number of ones in sample 1
 * @param size1 size of sample 1 (> 0)
 * @param successes2 number of ones in sample 2
 * @param size2 size of sample 2 (> 0)
 * @returns the z statistic and the two-sided p-value
 * @throws {RangeError} if a sample size is not positive
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/z_stattest.py
 * @example twoProportionZTest(30, 100, 50, 100).pValue // ≈ 0.0038924 (z ≈ −2.8868)
 */
export function twoProportionZTest(
  successes1: number,
  size1: number,
  successes2: number,
  size2: number,
): { readonly statistic: number; readonly pValue: number } {
  if (!(size1 > 0) || !(size2 > 0))
    throw new RangeError('twoProportionZTest needs two non-empty samples')
  const p1 = successes1 / size1
  const p2 = successes2 / size2
  const pooled = (p1 * size1 + p2 * size2) / (size1 + size2)
  const statistic = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1.0 / size1 + 1.0 / size2))
  return { statistic, pValue: 2 * (1 - normalCdf(Math.abs(statistic), 0, 1)) }
}
