import gammaln from '@stdlib/math-base-special-gammaln'
import { averageRanks } from './average-ranks'
import { modifiedBesselSecondKind } from './modified-bessel-second-kind'
import { NUMPY_BUFFER_SIZE, numpyPairwiseSum } from './numpy-pairwise-sum'
import { roundHalfToEven } from './round-half-to-even'
import { sortedFloat64 } from './sorted-float64'

export interface CramerVonMisesTwoSampleResult {
  readonly statistic: number
  readonly pValue: number
  readonly method: 'exact' | 'asymptotic'
}

/** Largest sample size for which Evidently's `method="auto"` uses the exact distribution. */
const EXACT_MAX_SIZE = 20

/**
 * The two-sample Cramér-von Mises test as Evidently's own `_cvm_2samp(x, y, method="auto")`
 * (a copy of scipy 1.10's `cramervonmises_2samp`): exact when max(nx, ny) <= 20, by Xiao et al.'s
 * lattice-path recursion over all C(nx + ny, nx) rank splits; otherwise Anderson's (1962) limit
 * distribution of the standardized statistic, with p = 1 when it is below 0.003 and
 * p = max(0, 1 − cdf) above.
 *
 * Ties get average ranks in the statistic; the exact distribution ignores them (as Evidently does).
 * The asymptotic cdf sums the series until a term falls below 1e-7, exactly like Evidently.
 *
 * @throws {RangeError} when a sample has fewer than 2 observations.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/cramer_von_mises_stattest.py
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.cramervonmises_2samp.html
 * Complexity of the exact branch: O(nx·ny·D) with D the distinct statistic values per lattice node.
 *
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

/**
 * P(U >= u) by Xiao, Gordon and Yakovlev's (2006) lattice-path recursion, as Evidently's (and scipy
 * 1.10's) `_pval_cvm_2samp_exact`: every rank split is a monotone path from (0, 0) to (n, m) whose
 * statistic ζ is the sum of (a·v − b·u)² over its nodes (a = lcm/m, b = lcm/n); each node keeps the
 * frequency of every ζ reaching it. The observed U is mapped to ζ with the same floor division as
 * Evidently, which matters when ties make U fractional.
 *
 * Evidently stores the tables in `np.min_scalar_type(max(lcm²(m+n), C(m+n, m)))`; C(m+n, m) is a
 * Python float there, so when it is the larger bound the path counts are float16 (C < 65000) or
 * float32 and round as they are added. Those roundings are reproduced (table order included, since it
 * fixes numpy's summation order), which moves p by up to ~1e-7 relative in float32 and ~1e-3 in
 * float16 (m = n = 5…9) compared with exact counting.
 */
function exactPValue(observed: number, m: number, n: number): number {
  const lcm = (m * n) / greatestCommonDivisor(m, n)
  const a = lcm / m
  const b = lcm / n
  const mn = m * n
  const zeta = numpyFloorDivide(
    lcm ** 2 * (m + n) * (6 * observed - mn * (4 * mn - 1)),
    6 * mn ** 2,
  )
  const combinations = binomialCoefficient(m + n, m)
  const zetaBound = lcm ** 2 * (m + n)
  const storage: CountStorage =
    zetaBound >= combinations ? 'integer' : combinations < 65000 ? 'float16' : 'float32'
  const round =
    storage === 'float16' ? roundToFloat16 : storage === 'float32' ? Math.fround : identity

  // Tables in numpy's element order: ζ values (distinct integers) and their path counts.
  interface Table {
    readonly values: Float64Array
    readonly counts: Float64Array
  }
  // Every ζ is at most (m + n + 1)·lcm², so dense position arrays replace hash maps in the merge.
  const positionInFirst = new Int32Array((m + n + 2) * lcm ** 2 + 1)
  const positionInSecond = new Int32Array(positionInFirst.length)
  const empty: Table = { values: new Float64Array(0), counts: new Float64Array(0) }
  let previousRow: Table[] = [
    { values: Float64Array.of(0), counts: Float64Array.of(1) },
    ...Array.from({ length: m }, () => empty),
  ]
  for (let u = 0; u <= n; u++) {
    const row: Table[] = []
    let left = empty
    for (let v = 0; v <= m; v++) {
      const merged = merge(left, previousRow[v]!)
      const increment = (a * v - b * u) ** 2
      for (let index = 0; index < merged.values.length; index++) merged.values[index]! += increment
      row.push(merged)
      left = merged
    }
    previousRow = row
  }
  const final = previousRow[m]!
  const selected: number[] = []
  final.counts.forEach((count, index) => {
    if (final.values[index]! >= zeta) selected.push(count)
  })
  const total =
    storage === 'integer'
      ? selected.reduce((sum, count) => sum + count, 0)
      : storage === 'float16'
        ? roundToFloat16(pairwiseSumRounded(selected, Math.fround))
        : pairwiseSumRounded(selected, Math.fround)
  return total / combinations

  /**
   * np.intersect1d + concatenate: the common ζ values in ascending order with summed counts, then
   * the rest of `first`, then the rest of `second`, each in its own order.
   */
  function merge(first: Table, second: Table): Table {
    // Positions are stored + 1 so that 0 means "absent".
    first.values.forEach((value, index) => (positionInFirst[value] = index + 1))
    second.values.forEach((value, index) => (positionInSecond[value] = index + 1))
    const common = first.values.filter((value) => positionInSecond[value] !== 0).sort()
    const size = first.values.length + second.values.length - common.length
    const values = new Float64Array(size)
    const counts = new Float64Array(size)
    let next = 0
    for (const value of common) {
      values[next] = value
      counts[next++] = round(
        first.counts[positionInFirst[value]! - 1]! + second.counts[positionInSecond[value]! - 1]!,
      )
    }
    first.values.forEach((value, index) => {
      if (positionInSecond[value] === 0) {
        values[next] = value
        counts[next++] = first.counts[index]!
      }
    })
    second.values.forEach((value, index) => {
      if (positionInFirst[value] === 0) {
        values[next] = value
        counts[next++] = second.counts[index]!
      }
    })
    for (const value of first.values) positionInFirst[value] = 0
    for (const value of second.values) positionInSecond[value] = 0
    return { values, counts }
  }
}

type CountStorage = 'integer' | 'float16' | 'float32'

/**
 * numpy's float `//` (npy_divmod): floor of the exact quotient through fmod, which differs from
 * Math.floor(x / y) when x / y rounds up onto an integer.
 */
function numpyFloorDivide(x: number, y: number): number {
  let remainder = x % y
  let quotient = (x - remainder) / y
  if (remainder !== 0 && y < 0 !== remainder < 0) {
    remainder += y
    quotient -= 1
  }
  if (quotient === 0) return Math.sign(x / y) * 0
  let floored = Math.floor(quotient)
  if (quotient - floored > 0.5) floored += 1
  return floored
}

function identity(value: number): number {
  return value
}

/** Nearest IEEE half-precision value (ties to even), for the non-negative counts numpy keeps in float16. */
function roundToFloat16(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value
  if (value >= 65520) return Infinity
  const exponent = Math.max(Math.floor(Math.log2(value)), -14)
  const quantum = 2 ** (exponent - 10)
  return roundHalfToEven(value / quantum) * quantum
}

/**
 * numpy's summation with every addition rounded by `round` (float32 accumulators): 8192-item chunks
 * added in turn, each summed pairwise.
 */
function pairwiseSumRounded(values: readonly number[], round: (x: number) => number): number {
  const sum = (start: number, end: number): number => {
    const count = end - start
    if (count < 8) {
      let total = 0
      for (let index = start; index < end; index++) total = round(total + values[index]!)
      return total
    }
    if (count <= 128) {
      const r = values.slice(start, start + 8)
      const unrolledEnd = start + (count - (count % 8))
      let index = start + 8
      for (; index < unrolledEnd; index += 8) {
        for (let lane = 0; lane < 8; lane++) r[lane] = round(r[lane]! + values[index + lane]!)
      }
      let total = round(
        round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!)) +
          round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!)),
      )
      for (; index < end; index++) total = round(total + values[index]!)
      return total
    }
    let half = Math.floor(count / 2)
    half -= half % 8
    return round(sum(start, start + half) + sum(start + half, end))
  }
  let total = 0
  for (let chunk = 0; chunk < values.length; chunk += NUMPY_BUFFER_SIZE) {
    total = round(total + sum(chunk, Math.min(values.length, chunk + NUMPY_BUFFER_SIZE)))
  }
  return total
}

/** C(n, k) as a float, correctly rounded (the exact integer while it is below 2^53). */
function binomialCoefficient(n: number, k: number): number {
  let result = 1n
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i)
  return Number(result)
}

function greatestCommonDivisor(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y]
  return x
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
