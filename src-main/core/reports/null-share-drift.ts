import { twoProportionZTest } from '../stats/two-proportion-z-test'

/** Drift of a column's share of nulls (driftdesk's addition; Evidently ignores a jump in nulls). */
export interface NullShareDrift {
  readonly reference_share: number
  readonly current_share: number
  /** Two-sided p-value of the pooled two-proportion z-test. */
  readonly p_value: number
  readonly threshold: number
  readonly drift_detected: boolean
}

/**
 * Whether the share of nulls changed between reference and current: a pooled two-proportion z-test,
 * z = (p₁ − p₂) / √(P(1−P)(1/n₁ + 1/n₂)), p = 2(1 − Φ(|z|)); drift when p < threshold (0.05 by default, as
 * Evidently's Z-test). Equal shares (including both zero) give p = 1. Users asked for this in
 * https://github.com/evidentlyai/evidently/issues/187.
 * @throws {RangeError} when either sample has no rows or a count exceeds its rows.
 * @example nullShareDrift(0, 1000, 274, 2399).drift_detected // true
 */
export function nullShareDrift(
  referenceNulls: number,
  referenceRows: number,
  currentNulls: number,
  currentRows: number,
  threshold = 0.05,
): NullShareDrift {
  if (referenceRows <= 0 || currentRows <= 0) {
    throw new RangeError('Null-share drift needs at least one reference row and one current row.')
  }
  if (
    referenceNulls < 0 ||
    referenceNulls > referenceRows ||
    currentNulls < 0 ||
    currentNulls > currentRows
  ) {
    throw new RangeError('A null count must be between 0 and the number of rows.')
  }
  const p1 = referenceNulls / referenceRows
  const p2 = currentNulls / currentRows
  // Equal shares (also both 0 or both 1, where the pooled variance is 0) mean no change, as Evidently's Z-test.
  const pValue =
    p1 === p2
      ? 1
      : twoProportionZTest(referenceNulls, referenceRows, currentNulls, currentRows).pValue
  return {
    reference_share: p1,
    current_share: p2,
    p_value: pValue,
    threshold,
    drift_detected: pValue < threshold,
  }
}
