import { twoProportionZTest } from '../../stats/two-proportion-z-test'
import type { DriftKey } from '../series-profile'
import { getSeriesProfile, unionKeys } from '../series-profile'
import { createStatTest } from './create-stat-test'

/**
 * `z` — "Z-test p_value": if both samples are constant with the same value, p = 1; otherwise the smallest
 * distinct value (Python `sorted` order) counts as 0 and every other value as 1, and a pooled two-proportion
 * z-test gives p = 2(1 − Φ(|z|)); drift when `p < threshold` (default 0.05). Registered for categorical
 * columns; the default selection also uses it for numeric columns with ≤ 2 distinct values.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/z_stattest.py
 */
export const zStatTest = createStatTest({
  name: 'z',
  displayName: 'Z-test p_value',
  allowedTypes: ['cat'],
  defaultThreshold: 0.05,
  score(reference, current) {
    const referenceCounts = getSeriesProfile(reference).valueCounts()
    const currentCounts = getSeriesProfile(current).valueCounts()
    const keys = unionKeys(reference, current)
    if (referenceCounts.size === 1 && currentCounts.size === 1 && keys.length === 1) return 1
    const firstKey = keys.reduce((smallest, key) =>
      compareKeys(key, smallest) < 0 ? key : smallest,
    )
    // Ones are the values different from the first key: size minus the first key's count.
    const ones1 = reference.length - (referenceCounts.get(firstKey) ?? 0)
    const ones2 = current.length - (currentCounts.get(firstKey) ?? 0)
    return twoProportionZTest(ones1, reference.length, ones2, current.length).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})

/** Python's ordering: numbers by value, strings by code point. */
function compareKeys(a: DriftKey, b: DriftKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const left = String(a)
  const right = String(b)
  if (left === right) return 0
  const leftPoints = Array.from(left, (c) => c.codePointAt(0)!)
  const rightPoints = Array.from(right, (c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(leftPoints.length, rightPoints.length); i++) {
    if (leftPoints[i] !== rightPoints[i]) return leftPoints[i]! - rightPoints[i]!
  }
  return leftPoints.length - rightPoints.length
}
