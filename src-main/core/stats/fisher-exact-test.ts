import { HypergeometricDistribution } from './hypergeometric-distribution'

/** A 2×2 contingency table of non-negative counts: [[a, b], [c, d]]. */
export type ContingencyTable2x2 = readonly [readonly [number, number], readonly [number, number]]

/**
 * The two-sided p-value of Fisher's exact test on a 2×2 table, as `scipy.stats.fisher_exact(table)[1]`
 * in scipy 1.10: the probability, under the hypergeometric null with fixed margins, of every table
 * whose probability is at most that of the observed one (with scipy's relative tolerance 1e-14 and
 * its binary search for the boundary in the opposite tail). A table with an empty row or column has
 * p = 1.
 *
 * @throws {RangeError} for negative or non-integer counts.
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.fisher_exact.html
 * @example fisherExactTest([[8, 0], [0, 8]]) // 0.0001554001554001554 (= 2/12870)
 */
export function fisherExactTest(table: ContingencyTable2x2): number {
  const [[a, b], [c, d]] = table
  if (![a, b, c, d].every((v) => Number.isInteger(v) && v >= 0)) {
    throw new RangeError('All values in `table` must be nonnegative integers.')
  }
  if (a + c === 0 || b + d === 0 || a + b === 0 || c + d === 0) return 1
  const row0 = a + b
  const row1 = c + d
  const column0 = a + c
  const distribution = new HypergeometricDistribution(row0 + row1, row0, column0)
  const pmf = (x: number): number => distribution.pmf(x)
  const mode = Math.floor(((column0 + 1) * (row0 + 1)) / (row0 + row1 + 2))
  const pExact = pmf(a)
  const pMode = pmf(mode)
  const epsilon = 1e-14
  const gamma = 1 + epsilon
  let pValue: number
  if (Math.abs(pExact - pMode) / Math.max(pExact, pMode) <= epsilon) return 1
  if (a < mode) {
    const lower = distribution.cdf(a)
    if (pmf(column0) > pExact * gamma) return lower
    const guess = binarySearch((x) => -pmf(x), -pExact * gamma, mode, column0)
    pValue = lower + distribution.sf(guess)
  } else {
    const upper = distribution.sf(a - 1)
    if (pmf(0) > pExact * gamma) return upper
    const guess = binarySearch(pmf, pExact * gamma, 0, mode)
    pValue = upper + distribution.cdf(guess)
  }
  return Math.min(pValue, 1)
}

/** scipy's `_binary_search_for_binom_tst`: the i in [low, high] with f(i) <= target < f(i + 1). */
function binarySearch(f: (x: number) => number, target: number, low: number, high: number): number {
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2)
    const value = f(middle)
    if (value < target) low = middle + 1
    else if (value > target) high = middle - 1
    else return middle
  }
  return f(low) <= target ? low : low - 1
}
