import type { PermutationSource } from '../random/permutation-source'
import { kthSmallest } from './kth-smallest'
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
const MAXIMUM_MMD_POOLED_SIZE = 5000

/**
 * Evidently's `emperical_mmd` permutation test (mmd_stattest.py::mmd_pval): an RBF kernel
 * exp(−d²/(2σ²)) on the pooled 1-D sample, σ² = half the median (numpy 'nearest' percentile) of the
 * squared reference-reference distances (σ = sqrt(0.5) when that median is 0), the diagonal set to 0,
 * MMD² = ΣKxx/(m(m−1)) + ΣKyy/(n(n−1)) − 2·mean(Kxy), and p = share of `permutations` random
 * relabellings of the pooled kernel matrix whose MMD² is >= the observed one.
 *
 * With the default permutation source the p-value equals Evidently's right after `np.random.seed(0)`
 * (Evidently itself does not seed: its MMD p-value depends on whatever ran before), except where a
 * permuted MMD equals the observed one in exact arithmetic (samples with repeated values): driftdesk
 * counts those as ">=" within 1e-12, while Evidently counts some of them depending on the last bit of
 * numpy's exp on the machine; its p-value then lies between driftdesk's and the share of strictly
 * greater permutations.
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

  // Per permutation and row i, the kernel mass on the smaller group is summed over that group's
  // indices in ascending order (cache-friendly), and the other group's mass is the row total minus it.
  // The subtraction costs a few ulps, far inside the tie tolerance below.
  const rowTotals = new Float64Array(size)
  for (let i = 0; i < size; i++) {
    let total = 0
    for (let j = 0; j < size; j++) total += kernel[i * size + j]!
    rowTotals[i] = total
  }
  const weights = new Uint8Array(size)
  const smallIsReference = m <= n
  const smallGroup = new Int32Array(Math.min(m, n))
  const statistic = (): number => {
    let count = 0
    for (let j = 0; j < size; j++)
      if ((weights[j] === 1) === smallIsReference) smallGroup[count++] = j
    let xx = 0
    let yy = 0
    let xy = 0
    for (let i = 0; i < size; i++) {
      const offset = i * size
      let toSmall = 0
      for (let k = 0; k < count; k++) toSmall += kernel[offset + smallGroup[k]!]!
      const toReference = smallIsReference ? toSmall : rowTotals[i]! - toSmall
      if (weights[i] === 1) xx += toReference
      else {
        yy += rowTotals[i]! - toReference
        xy += toReference
      }
    }
    return (1 / (m * (m - 1))) * xx + (1 / (n * (n - 1))) * yy - 2 * (xy / (n * m))
  }

  for (let i = 0; i < size; i++) weights[i] = i < m ? 1 : 0
  const mmd = statistic()
  // A permutation that puts the same values in each group gives the same MMD in exact arithmetic;
  // it counts as ">=" (the p-value's definition). Evidently decides such ties by the last bit of
  // numpy's exp, which differs between CPUs (AVX512F vs libm), so no float order reproduces it.
  const tolerance = 1e-12 * Math.max(1, Math.abs(mmd))
  let atLeast = 0
  for (let draw = 0; draw < permutations; draw++) {
    const order = nextPermutation(size)
    for (let position = 0; position < size; position++)
      weights[order[position]!] = position < m ? 1 : 0
    if (statistic() >= mmd - tolerance) atLeast++
  }
  return { pValue: atLeast / permutations, mmd, sigma }
}
