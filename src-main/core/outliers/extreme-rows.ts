import type { ExtremeRow } from '../../shared/domain/explain'
import type { Frame } from '../data/frame'
import { cellValueOf, getColumn, getNumericColumn, isNullAt } from '../data/frame'
import type { ReferenceOutlierProfile } from './column-outliers'

/**
 * How far a value lies beyond its reference fences, in reference IQRs: `(x − upper) / IQR` above,
 * `(lower − x) / IQR` below, 0 inside. A column whose IQR is 0 (a mostly constant column) is scaled by its
 * reference range instead, and by 1 when that is 0 too, so one odd value in a constant column still ranks.
 */
function beyondFence(profile: ReferenceOutlierProfile, x: number): number {
  const iqr = profile.q3 - profile.q1
  const scale = iqr > 0 ? iqr : profile.max - profile.min > 0 ? profile.max - profile.min : 1
  if (x > profile.upperFence) return (x - profile.upperFence) / scale
  if (x < profile.lowerFence) return (profile.lowerFence - x) / scale
  return 0
}

/**
 * The `limit` most unusual rows of a window: each row scores the largest distance beyond a fence over
 * the profiled columns (see beyondFence); rows inside every fence are never listed. Ties keep row order.
 * Each row is returned with its values in `showColumns` (features, prediction, target…) so a user sees
 * the whole trip, not just the odd number.
 *
 * @throws {RangeError} when a profiled or shown column is missing.
 * Complexity: O(rows × columns + rows log rows).
 * @example // fences [−1, 7] (IQR 2) and a row with x = 11 → score 2, column 'x'
 */
export function mostExtremeRows(
  window: Frame,
  profiles: readonly ReferenceOutlierProfile[],
  showColumns: readonly string[],
  limit = 10,
): ExtremeRow[] {
  const columns = profiles.map((p) => getNumericColumn(window, p.column))
  const scores = new Float64Array(window.rowCount)
  const worstColumn = new Int32Array(window.rowCount).fill(-1)
  // Column by column (not row by row): each inner loop reads one typed array.
  profiles.forEach((profile, j) => {
    const column = columns[j]!
    for (let i = 0; i < window.rowCount; i++) {
      if (isNullAt(column, i)) continue
      const score = beyondFence(profile, column.values[i] as number)
      if (score > (scores[i] as number)) {
        scores[i] = score
        worstColumn[i] = j
      }
    }
  })
  const scored: { row: number; column: string; score: number }[] = []
  for (let i = 0; i < window.rowCount; i++) {
    const j = worstColumn[i] as number
    if (j >= 0) scored.push({ row: i, column: profiles[j]!.column, score: scores[i] as number })
  }
  scored.sort((a, b) => b.score - a.score || a.row - b.row)
  const shown = showColumns.map((name) => [name, getColumn(window, name)] as const)
  return scored.slice(0, limit).map(({ row, column, score }) => ({
    row,
    column,
    score,
    values: Object.fromEntries(
      shown.map(([name, c]) => {
        if (isNullAt(c, row) || c.kind === 'null') return [name, null]
        // Timestamps read at face value (microseconds since the epoch), as `YYYY-MM-DD HH:MM:SS`.
        if (c.kind === 'timestamp_us')
          return [
            name,
            new Date((c.values[row] as number) / 1000).toISOString().slice(0, 19).replace('T', ' '),
          ]
        const value = cellValueOf(c, c.values[row] as number | string)
        return [name, typeof value === 'boolean' ? Number(value) : value]
      }),
    ),
  }))
}
