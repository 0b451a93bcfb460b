import { fisherExactTest } from '../../stats/fisher-exact-test'
import { getSeriesProfile } from '../series-profile'
import { encodeCategories } from './category-codes'
import { createStatTest } from './create-stat-test'

/**
 * `fisher_exact` — "Fisher's Exact test": the two-sided p-value of `scipy.stats.fisher_exact` on the
 * 2×2 table [[cur "one", cur "zero"], [ref "one", ref "zero"]] of a binary column; drift when
 * `p < threshold` (default 0.1 in the code, 0.05 in the docs). Categorical columns only.
 *
 * Evidently's checks, in its order: no null or ±inf values; at most 2 distinct values in each sample;
 * reference and current of equal length. A single category over both samples gives p = 1.
 *
 * One deliberate difference: when reference and current each have ≤ 2 values but 3 or 4 together
 * (e.g. {a, b} vs {b, c}), Evidently maps only the first two elements of a Python set and counts
 * the rest as "one", so its answer depends on the hash seed; driftdesk raises instead.
 *
 * @throws {RangeError} for non-finite values, more than 2 categories (per sample or together), or
 *   samples of different lengths.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/fisher_exact_stattest.py
 */
export const fisherExactStatTest = createStatTest({
  name: 'fisher_exact',
  displayName: "Fisher's Exact test",
  allowedTypes: ['cat'],
  defaultThreshold: 0.1,
  score(reference, current) {
    // Cleaned drift series hold no NaN/inf, but run() also takes raw series (Evidently raises here).
    const referenceProfile = getSeriesProfile(reference)
    const currentProfile = getSeriesProfile(current)
    if (
      referenceProfile.firstNonFiniteIndex() !== -1 ||
      currentProfile.firstNonFiniteIndex() !== -1
    ) {
      throw new RangeError(
        'fisher_exact: null or inf values found in reference or current data; remove them first',
      )
    }
    const referenceCategories = referenceProfile.distinctCount()
    const currentCategories = currentProfile.distinctCount()
    if (referenceCategories > 2 || currentCategories > 2) {
      throw new RangeError(
        `fisher_exact expects binary data in both reference and current, but found ${referenceCategories} and ${currentCategories} distinct values; use chisquare, g_test or TVD for more categories`,
      )
    }
    if (reference.length !== current.length) {
      throw new RangeError(
        `fisher_exact: reference and current must have equal length, got ${reference.length} and ${current.length}`,
      )
    }
    const codes = encodeCategories(reference, current)
    if (codes.keys.length > 2) {
      throw new RangeError(
        `fisher_exact: reference and current together have ${codes.keys.length} categories (${codes.keys.join(', ')}); a 2×2 table needs at most 2`,
      )
    }
    const ones = (series: Int32Array): number => series.reduce((sum, code) => sum + code, 0)
    const currentOnes = ones(codes.current)
    const referenceOnes = ones(codes.reference)
    return fisherExactTest([
      [currentOnes, codes.current.length - currentOnes],
      [referenceOnes, codes.reference.length - referenceOnes],
    ])
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
