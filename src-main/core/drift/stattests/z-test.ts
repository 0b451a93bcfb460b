import { twoProportionZTest } from '../../stats/two-proportion-z-test'
import type { DriftKey } from '../series-profile'
import { alignedValueCounts, getSeriesProfile } from '../series-profile'
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
    const counts = alignedValueCounts(reference, current)
    const isReferenceConstant = getSeriesProfile(reference).distinctCount() === 1
    const isCurrentConstant = getSeriesProfile(current).distinctCount() === 1
    if (isReferenceConstant && isCurrentConstant && counts.keys.length === 1) return 1
    let first = 0
    for (let k = 1; k < counts.keys.length; k++) {
      if (compareKeys(counts.keys[k]!, counts.keys[first]!) < 0) first = k
    }
    // Ones are the values different from the first key: size minus the first key's count.
    const ones1 = reference.length - counts.reference[first]!
    const ones2 = current.length - counts.current[first]!
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
