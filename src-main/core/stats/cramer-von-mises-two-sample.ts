import gammaln from '@stdlib/math-base-special-gammaln'
import { averageRanks } from './average-ranks'
import { modifiedBesselSecondKind } from './modified-bessel-second-kind'
import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { sortedFloat64 } from './sorted-float64'

export interface CramerVonMisesTwoSampleResult {
  readonly statistic: number
  readonly pValue: number
  readonly method: 'exact' | 'asymptotic'
}

/** Largest sample size for which Evidently's `method="auto"` enumerates the exact distribution. */
const EXACT_MAX_SIZE = 10

/**
 * The two-sample Cramér-von Mises test as Evidently's own `_cvm_2samp(x, y, method="auto")`
 * (a port of scipy's `cramervonmises_2samp`): exact when max(nx, ny) <= 10, by enumerating every
 * split of the pooled ranks; otherwise Anderson's (1962) limit distribution of the standardized
 * statistic, with p = 1 when it is below 0.003 and p = max(0, 1 − cdf) above.
 *
 * Ties get average ranks in the statistic; the exact distribution ignores them (as Evidently does).
 * The exact enumeration is C(nx + ny, nx) ≤ 184,756 splits; the asymptotic cdf sums the series until
 * a term falls below 1e-7, exactly like Evidently, so p-values below ~1e-7 carry that truncation.
 *
 * @throws {RangeError} when a sample has fewer than 2 observations.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/cramer_von_mises_stattest.py
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.cramervonmises_2samp.html
 * @example cramerVonMisesTwoSample([1, 2, 3], [4, 5, 6]).pValue // 0.1 (2 of 20 splits are as extreme)
 */
export function cramerVonMisesTwoSample(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): CramerVonMisesTwoSampleResult {
  const nx = x.length
  const ny = y.length
  if (nx <= 1 || ny <= 1) throw new RangeError('x and y must contain at least two observations.')
  const method = Math.max(nx, ny) > EXACT_MAX_SIZE ? 'asymptotic' : 'exact'
  const pooled = new Float64Array(nx + ny)
  pooled.set(sortedFloat64(x), 0)
  pooled.set(sortedFloat64(y), nx)
  const { ranks } = averageRanks(pooled)
  const squaredX = new Float64Array(nx)
  for (let i = 0; i < nx; i++) squaredX[i] = (ranks[i]! - (i + 1)) ** 2
  const squaredY = new Float64Array(ny)
  for (let j = 0; j < ny; j++) squaredY[j] = (ranks[nx + j]! - (j + 1)) ** 2
  let u = nx * numpyPairwiseSum(squaredX)
  u += ny * numpyPairwiseSum(squaredY)
  const k = nx * ny
  const total = nx + ny
  const statistic = u / (k * total) - (4 * k - 1) / (6 * total)

  if (method === 'exact') return { statistic, pValue: exactPValue(u, nx, ny), method }

  const expected = (1 + 1 / total) / 6
  let variance = (total + 1) * (4 * k * total - 3 * (nx ** 2 + ny ** 2) - 2 * k)
  variance = variance / (45 * total ** 2 * 4 * k)
  const standardized = 1 / 6 + (statistic - expected) / Math.sqrt(45 * variance)
  const pValue = standardized < 0.003 ? 1 : Math.max(0, 1 - limitCdf(standardized))
  return { statistic, pValue, method }
}

/** Share of the C(nx+ny, nx) rank splits whose U is >= the observed one. */
function exactPValue(observed: number, nx: number, ny: number): number {
  const total = nx + ny
  const positions = Array.from({ length: nx }, (_, index) => index)
  let atLeast = 0
  let splits = 0
  const inX = new Uint8Array(total)
  for (;;) {
    inX.fill(0)
    for (const position of positions) inX[position] = 1
    let sumX = 0
    let sumY = 0
    let seenX = 0
    let seenY = 0
    for (let position = 0; position < total; position++) {
      if (inX[position]) sumX += (position - seenX++) ** 2
      else sumY += (position - seenY++) ** 2
    }
    if (nx * sumX + ny * sumY >= observed) atLeast++
    splits++
    // Next combination in lexicographic order, like itertools.combinations.
    let index = nx - 1
    while (index >= 0 && positions[index] === total - nx + index) index--
    if (index < 0) break
    positions[index]!++
    for (let next = index + 1; next < nx; next++) positions[next] = positions[next - 1]! + 1
  }
  return atLeast / splits
}

/** Anderson (1962) limit cdf of the Cramér-von Mises statistic, summed as Evidently's `_cdf_cvm_inf`. */
function limitCdf(x: number): number {
  let total = 0
  for (let k = 0; ; k++) {
    const u = Math.exp(gammaln(k + 0.5) - gammaln(k + 1)) / (Math.PI ** 1.5 * Math.sqrt(x))
    const y = 4 * k + 1
    const q = y ** 2 / (16 * x)
    const term = u * Math.sqrt(y) * Math.exp(-q) * modifiedBesselSecondKind(0.25, q)
    total += term
    if (!(Math.abs(term) >= 1e-7)) return total
  }
}
