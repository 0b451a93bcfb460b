import type { ErrorGap, SegmentMetrics, SegmentTable } from '../../shared/domain/explain'

/**
 * The smallest segment that may be called worst: 30 rows or 1 % of the window, whichever is more, so
 * three night-time trips with one long ride do not headline the day.
 * @example minimumSegmentRows(2000) // 30; minimumSegmentRows(10000) // 100
 */
export function minimumSegmentRows(windowRows: number): number {
  return Math.max(30, Math.ceil(windowRows * 0.01))
}

/**
 * The worst segment of a window: the highest MAE among segments with at least `minRows` labelled rows
 * when the window has labels, else the highest prediction drift among segments with `minRows` rows.
 * Null when no segment qualifies.
 * @example worstSegment([{ segment: 'a', mae: 2, labelledRows: 50, … }, { segment: 'b', mae: 5, labelledRows: 50, … }], 30) // { segment: 'b', metric: 'mae', value: 5 }
 */
export function worstSegment(
  segments: readonly SegmentMetrics[],
  minRows: number,
): SegmentTable['worst'] {
  const labelled = segments.filter((s) => s.labelledRows >= minRows && s.mae !== null)
  if (labelled.length > 0) {
    const worst = labelled.reduce((a, b) => ((b.mae as number) > (a.mae as number) ? b : a))
    return { segment: worst.segment, metric: 'mae', value: worst.mae as number }
  }
  const drifting = segments.filter((s) => s.rows >= minRows && s.predictionDrift !== null)
  if (drifting.length === 0) return null
  const worst = drifting.reduce((a, b) =>
    (b.predictionDrift as number) > (a.predictionDrift as number) ? b : a,
  )
  return {
    segment: worst.segment,
    metric: 'predictionDrift',
    value: worst.predictionDrift as number,
  }
}

/**
 * Fairness across the groups of a sensitive column: the best and worst group MAE among groups with at
 * least `minRows` labelled rows, their gap (worst − best) and ratio (worst / best; null when best is 0).
 * With fewer than two qualifying groups the gap and ratio are null.
 * @example errorGap('gender', [{ segment: 'f', mae: 2, labelledRows: 40, … }, { segment: 'm', mae: 3, labelledRows: 40, … }], 30) // gap 1, ratio 1.5
 */
export function errorGap(
  column: string,
  segments: readonly SegmentMetrics[],
  minRows: number,
): ErrorGap {
  const groups = segments.filter((s) => s.labelledRows >= minRows && s.mae !== null)
  if (groups.length === 0)
    return { column, metric: 'mae', best: null, worst: null, gap: null, ratio: null }
  const best = groups.reduce((a, b) => ((b.mae as number) < (a.mae as number) ? b : a))
  const worst = groups.reduce((a, b) => ((b.mae as number) > (a.mae as number) ? b : a))
  const two = groups.length >= 2
  return {
    column,
    metric: 'mae',
    best: { group: best.segment, mae: best.mae as number },
    worst: { group: worst.segment, mae: worst.mae as number },
    gap: two ? (worst.mae as number) - (best.mae as number) : null,
    ratio: two && (best.mae as number) > 0 ? (worst.mae as number) / (best.mae as number) : null,
  }
}
