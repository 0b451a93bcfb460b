import type { Frame } from '../data/frame'
import { getColumn, getNumericColumn, isNullAt } from '../data/frame'

/** One segment's rows and metrics. */
export interface SegmentPerformance {
  readonly segment: number | string | null
  readonly rows: number
  readonly mean_error: number
  readonly mean_abs_error: number
  readonly rmse: number
  readonly mean_abs_perc_error: number
}

/** Performance of the model per value of a column ("MAE by hour", "MAE by PULocationID"). */
export interface RegressionBySegmentResult {
  readonly segment_column: string
  /** `value` (distinct values) or `hour` (hour of day of a timestamp column). */
  readonly segment_kind: 'value' | 'hour'
  readonly segments: readonly SegmentPerformance[]
}

/**
 * Regression metrics per segment (peers' "performance by segment", Evidently 0.7's `GroupBy`): rows are grouped by
 * the value of `segmentColumn` (a timestamp column is grouped by hour of day, 0–23) and each group gets ME, MAE,
 * RMSE and Evidently's MAPE (100 · mean(|error| / max(target, ε))). Rows with a null segment form one `null`
 * segment; rows with a null or non-finite target or prediction are left out. Segments are sorted by key
 * (numbers ascending, then strings, then null).
 * @throws {RangeError} when a column is missing, or target/prediction are not numeric.
 * @example regressionBySegment(day, 'duration_min', 'prediction', 'lpep_pickup_datetime').segments[8].mean_abs_error
 */
export function regressionBySegment(
  frame: Frame,
  target: string,
  prediction: string,
  segmentColumn: string,
): RegressionBySegmentResult {
  const targetColumn = getNumericColumn(frame, target)
  const predictionColumn = getNumericColumn(frame, prediction)
  const segmentData = getColumn(frame, segmentColumn)
  const isHour = segmentData.kind === 'timestamp_us'
  const groups = new Map<
    number | string | null,
    { n: number; e: number; a: number; s: number; p: number }
  >()
  for (let i = 0; i < frame.rowCount; i++) {
    if (isNullAt(targetColumn, i) || isNullAt(predictionColumn, i)) continue
    const y = targetColumn.values[i] as number
    const yHat = predictionColumn.values[i] as number
    if (!Number.isFinite(y) || !Number.isFinite(yHat)) continue
    let key: number | string | null = null
    if (!isNullAt(segmentData, i) && segmentData.kind !== 'null') {
      const raw = segmentData.values[i] as number | string
      key = isHour ? Math.floor(((((raw as number) / 3.6e9) % 24) + 24) % 24) : raw
    }
    const group = groups.get(key) ?? { n: 0, e: 0, a: 0, s: 0, p: 0 }
    const error = yHat - y
    group.n++
    group.e += error
    group.a += Math.abs(error)
    group.s += error * error
    group.p += Math.abs(error) / Math.max(y, Number.EPSILON)
    groups.set(key, group)
  }
  const segments: SegmentPerformance[] = [...groups.entries()].map(([segment, g]) => ({
    segment,
    rows: g.n,
    mean_error: g.e / g.n,
    mean_abs_error: g.a / g.n,
    rmse: Math.sqrt(g.s / g.n),
    mean_abs_perc_error: (100 * g.p) / g.n,
  }))
  segments.sort((left, right) => compareKeys(left.segment, right.segment))
  return { segment_column: segmentColumn, segment_kind: isHour ? 'hour' : 'value', segments }
}

function compareKeys(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  return a < b ? -1 : 1
}
