/**
 * Survival function of Smirnov's one-sided statistic D⁺ₙ, P(D⁺ₙ ≥ x), the value `scipy.special.smirnov(n, x)`
 * returns, by the exact Birnbaum–Tingey sum
 *   x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) · (1 − x − j/n)^(n−j) · (x + j/n)^(j−1).
 * Every term is positive, so summing them in log space keeps ~1e-12 relative accuracy for the n used by
 * `ks_2samp` (scipy evaluates the same sum in double-double arithmetic).
 *
 * Complexity: O(n).
 *
 * @param n sample size (integer ≥ 1)
 * @param x statistic in [0, 1]
 * @returns P(D⁺ₙ ≥ x); NaN for invalid arguments (as scipy)
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.special.smirnov.html
 * @example smirnovOneSidedSurvival(1, 0.3) // 0.3
 */
export function smirnovOneSidedSurvival(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n) && x >= 0 && x <= 1)) return NaN
  if (n === 1) return x
  if (x === 0) return 1
  if (x === 1) return 0
  const lastJ = Math.floor(n * (1 - x))
  let logBinomial = 0 // ln C(n, j), updated incrementally
  let sum = 0
  for (let j = 0; j <= lastJ; j++) {
    if (j > 0) logBinomial += Math.log((n - j + 1) / j)
    const low = 1 - x - j / n
    if (low <= 0) continue
    const high = x + j / n
    const logTerm = logBinomial + (n - j) * Math.log(low) + (j - 1) * Math.log(high)
    sum += Math.exp(logTerm)
  }
  return Math.min(Math.max(x * sum, 0), 1)
}
