import { binnedDistributions } from '../binned-distributions'
import { createStatTest } from './create-stat-test'

/**
 * `psi` — "PSI": Σ (ref_pct − cur_pct) · ln(ref_pct / cur_pct) over Evidently's
 * `get_binned_data(..., feel_zeroes=True)` (zero shares replaced, no renormalisation); drift when
 * `psi >= threshold` (default 0.1). Numeric and categorical columns.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/psi.py
 */
export const populationStabilityIndexStatTest = createStatTest({
  name: 'psi',
  displayName: 'PSI',
  allowedTypes: ['cat', 'num'],
  defaultThreshold: 0.1,
  score(reference, current, columnType) {
    const shares = binnedDistributions(reference, current, columnType, true)
    let psi = 0
    for (let i = 0; i < shares.reference.length; i++) {
      const referenceShare = shares.reference[i]!
      const currentShare = shares.current[i]!
      psi += (referenceShare - currentShare) * Math.log(referenceShare / currentShare)
    }
    return psi
  },
  isDrift: (psi, threshold) => psi >= threshold,
})
