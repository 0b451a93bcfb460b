import { createPermutationSource } from '../../random/permutation-source'
import { totalVariationDistanceTest } from '../../stats/total-variation-distance-test'
import { encodeCategories } from './category-codes'
import { createStatTest } from './create-stat-test'

/**
 * `TVD` — "Total-Variation-Distance": the p-value of a permutation test (1000 draws) of the total
 * variation distance 0.5·Σ|p − q| between the category frequencies; drift when `p < threshold`
 * (default 0.1). Categorical columns only.
 *
 * Randomness: without `options.random` the draws are numpy's legacy stream after `np.random.seed(0)`,
 * exactly as Evidently's `permutation_test` seeds it, so the p-value is Evidently's. The categories are
 * summed in ascending order; Evidently sums in Python set order, which for 3+ string categories can
 * change its own p-value between processes when permuted distances tie the observed one in theory and
 * differ in the last bit. With `options.random` the draws come from that generator instead.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/tvd_stattest.py
 */
export const totalVariationDistanceStatTest = createStatTest({
  name: 'TVD',
  displayName: 'Total-Variation-Distance',
  allowedTypes: ['cat'],
  defaultThreshold: 0.1,
  score(reference, current, _columnType, options) {
    const codes = encodeCategories(reference, current)
    return totalVariationDistanceTest(
      codes.reference,
      codes.current,
      codes.keys.length,
      createPermutationSource(options.random),
      1000,
    ).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
