import type { PermutationSource } from '../random/permutation-source'
import { kthSmallest } from './kth-smallest'
import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { roundHalfToEven } from './round-half-to-even'

export interface MaximumMeanDiscrepancyResult {
  /** Share of the permutations whose MMD is >= the observed one. */
  readonly pValue: number
  /** The observed unbiased MMD² estimate (can be negative). */
  readonly mmd: number
  /** RBF bandwidth from the median heuristic on the reference block. */
  readonly sigma: number
}

/** Pooled sizes above this would need a kernel matrix of more than 200 MB. */
export const MAXIMUM_MMD_POOLED_SIZE = 5000

/**
 * Evidently's `emperical_mmd` permutation test (mmd_stattest.py::mmd_pval): an RBF kernel
 * exp(−d²/(2σ²)) on the pooled 1-D sample, σ² = half the median (numpy 'nearest' percentile) of the
 * squared reference-reference distances (σ = sqrt(0.5) when that median is 0), the diagonal set to 0,
 * MMD² = ΣKxx/(m(m−1)) + ΣKyy/(n(n−1)) − 2·mean(Kxy), and p = share of `permutations` random
 * relabellings of the pooled kernel matrix whose MMD² is >= the observed one.
 *
 * Sums follow numpy's order (row by row, pairwise within a row), so tied statistics are counted as in
 * Evidently. With the default permutation source the p-value equals Evidently's right after
 * `np.random.seed(0)` (Evidently itself does not seed: its MMD p-value depends on whatever ran before).
 *
 * Cost: O((m+n)²) memory and O(permutations · (m+n)²) time.
 *
 * @throws {RangeError} when a sample has fewer than 2 values (Evidently divides by m(m−1)), or the
 *   pooled size exceeds {@link MAXIMUM_MMD_POOLED_SIZE} (sample the data first).
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/mmd_stattest.py
 * @example maximumMeanDiscrepancyTest([0, 0.1, 0.2], [5, 5.1, 5.2], createPermutationSource(), 100).pValue
 */
export function maximumMeanDiscrepancyTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  nextPermutation: PermutationSource,
  permutations = 100,
): MaximumMeanDiscrepancyResult {
  const m = x.length
  const n = y.length
  if (m < 2 || n < 2) {
    throw new RangeError(
      `empirical MMD needs at least 2 values in each sample (got ${m} and ${n}): the unbiased estimate divides by m(m−1) and n(n−1)`,
    )
  }
  const size = m + n
  if (size > MAXIMUM_MMD_POOLED_SIZE) {
    throw new RangeError(
      `empirical MMD builds a ${size}×${size} kernel matrix; the limit is ${MAXIMUM_MMD_POOLED_SIZE} pooled values. Sample the reference and current data first.`,
    )
  }
  const pooled = new Float64Array(size)
  pooled.set(Array.from(x), 0)
  pooled.set(Array.from(y), m)

  // Squared distances exactly as numpy evaluates (b² − 2ab) + a² for the (a, b) block.
  const squaredDistance = (a: number, b: number): number => b * b - 2 * (a * b) + a * a
  const referenceDistances = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++)
      referenceDistances[i * m + j] = squaredDistance(pooled[i]!, pooled[j]!)
  }
  const median = kthSmallest(referenceDistances, roundHalfToEven((m * m - 1) * 0.5))
  let sigma = Math.sqrt(0.5 * median)
  if (sigma === 0) sigma = Math.sqrt(0.5)
  const gamma = 1 / (2 * sigma ** 2)

  const kernel = new Float64Array(size * size)
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (i === j) continue // Evidently subtracts the diagonal: K_ii − K_ii = 0.
      // Blocks are computed as rbf(x, x), rbf(x, y), rbf(y, y); the lower-left block is rbf(x, y)ᵀ.
      const [a, b] = i < m || j >= m ? [pooled[i]!, pooled[j]!] : [pooled[j]!, pooled[i]!]
      kernel[i * size + j] = Math.exp(-gamma * squaredDistance(a, b))
    }
  }

  const row = new Float64Array(size)
  const blockSum = (
    order: ArrayLike<number>,
    rowStart: number,
    rowEnd: number,
    columnStart: number,
    columnEnd: number,
  ): number => {
    let total = 0
    for (let r = rowStart; r < rowEnd; r++) {
      const offset = order[r]! * size
      let length = 0
      for (let c = columnStart; c < columnEnd; c++) row[length++] = kernel[offset + order[c]!]!
      total += numpyPairwiseSum(row, 0, length)
    }
    return total
  }
  const statistic = (order: ArrayLike<number>): number => {
    const xx = blockSum(order, 0, m, 0, m)
    const yy = blockSum(order, m, size, m, size)
    const xyMean = blockSum(order, m, size, 0, m) / (n * m)
    return (1 / (m * (m - 1))) * xx + (1 / (n * (n - 1))) * yy - 2 * xyMean
  }

  const identity = Int32Array.from({ length: size }, (_, index) => index)
  const mmd = statistic(identity)
  let atLeast = 0
  for (let draw = 0; draw < permutations; draw++) {
    if (mmd <= statistic(nextPermutation(size))) atLeast++
  }
  return { pValue: atLeast / permutations, mmd, sigma }
}
