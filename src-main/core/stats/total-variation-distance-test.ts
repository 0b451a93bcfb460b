import type { PermutationSource } from '../random/permutation-source'
import { numpyPairwiseSum } from './numpy-pairwise-sum'

export interface TotalVariationDistanceResult {
  /** Share of the permutations whose TVD is >= the observed one. */
  readonly pValue: number
  /** Observed total variation distance 0.5·Σ|p_k − q_k|, in [0, 1]. */
  readonly distance: number
}

/**
 * Evidently's TVD permutation test (tvd_stattest.py + utils.permutation_test): the observed
 * 0.5·Σ|ref_k/n_ref − cur_k/n_cur| over the categories, then `iterations` times a new reference of
 * n_ref values drawn without replacement from the pooled values (`np.random.choice(pooled, n_ref,
 * replace=False)`, i.e. the first n_ref entries of a random permutation) and the rest as the new
 * current; p = share of draws whose TVD is >= the observed one.
 *
 * Values are category codes 0..categoryCount−1 in the order the terms are summed. Each TVD is
 * evaluated in float64 exactly as Evidently does (divide, subtract, abs, numpy pairwise sum, halve),
 * because ties between the observed and a permuted TVD are common with few categories and are decided
 * by rounding. Evidently sums in Python `set` order, which for strings changes with the process's hash
 * seed, so with three or more categories its own p-value is not reproducible across runs; callers pick
 * one documented order.
 *
 * Cost: O(iterations · (n_ref + n_cur)).
 *
 * @throws {RangeError} when a sample is empty or a code is outside [0, categoryCount).
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/tvd_stattest.py
 * @example totalVariationDistanceTest(Int32Array.of(0, 0), Int32Array.of(1, 1), 2, createPermutationSource(), 1000).distance // 1
 */
export function totalVariationDistanceTest(
  reference: Int32Array,
  current: Int32Array,
  categoryCount: number,
  nextPermutation: PermutationSource,
  iterations = 1000,
): TotalVariationDistanceResult {
  const referenceSize = reference.length
  const currentSize = current.length
  if (referenceSize === 0 || currentSize === 0) {
    throw new RangeError('totalVariationDistanceTest: a sample is empty')
  }
  const pooled = new Int32Array(referenceSize + currentSize)
  pooled.set(reference, 0)
  pooled.set(current, referenceSize)
  const pooledCounts = new Float64Array(categoryCount)
  for (const code of pooled) {
    if (!(code >= 0 && code < categoryCount)) {
      throw new RangeError(
        `totalVariationDistanceTest: category code ${code} outside [0, ${categoryCount})`,
      )
    }
    pooledCounts[code]!++
  }
  const referenceCounts = new Float64Array(categoryCount)
  const terms = new Float64Array(categoryCount)
  const distanceOf = (counts: Float64Array): number => {
    for (let k = 0; k < categoryCount; k++) {
      terms[k] = Math.abs(
        counts[k]! / referenceSize - (pooledCounts[k]! - counts[k]!) / currentSize,
      )
    }
    return 0.5 * numpyPairwiseSum(terms)
  }
  for (const code of reference) referenceCounts[code]!++
  const distance = distanceOf(referenceCounts)
  let atLeast = 0
  for (let draw = 0; draw < iterations; draw++) {
    const order = nextPermutation(pooled.length)
    referenceCounts.fill(0)
    for (let index = 0; index < referenceSize; index++) referenceCounts[pooled[order[index]!]!]!++
    if (distance <= distanceOf(referenceCounts)) atLeast++
  }
  return { pValue: atLeast / iterations, distance }
}
