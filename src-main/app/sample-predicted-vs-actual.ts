import type { Frame } from '../core/data/frame'
import { getNumericColumn, isNullAt } from '../core/data/frame'
import { PREDICTION_COLUMN, TARGET_COLUMN } from '../core/pipeline/course-columns'

/**
 * Up to `limit` (actual, predicted) pairs from the reference frame, taken at an even stride so the
 * sample covers the whole frame deterministically (no randomness: the same model gives the same plot).
 * Rows with a missing value on either side are skipped.
 */
export function samplePredictedVsActual(
  reference: Frame,
  limit = 2000,
): (readonly [actual: number, predicted: number])[] {
  const actual = getNumericColumn(reference, TARGET_COLUMN)
  const predicted = getNumericColumn(reference, PREDICTION_COLUMN)
  const stride = Math.max(1, Math.ceil(reference.rowCount / limit))
  const pairs: (readonly [number, number])[] = []
  for (let row = 0; row < reference.rowCount; row += stride) {
    if (isNullAt(actual, row) || isNullAt(predicted, row)) continue
    const a = actual.values[row] as number
    const p = predicted.values[row] as number
    if (Number.isFinite(a) && Number.isFinite(p)) pairs.push([a, p])
  }
  return pairs
}
