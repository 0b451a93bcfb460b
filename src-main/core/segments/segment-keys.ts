import type { SegmentBy } from '../../shared/domain/explain'
import type { Column } from '../data/frame'
import { cellValueOf, isNullAt } from '../data/frame'

/** Label of a null value's segment, and of the values beyond the cap. */
export const MISSING_SEGMENT = '(missing)'
export const OTHER_SEGMENT = '(other)'

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const
const MICROSECONDS_PER_HOUR = 3_600_000_000
const MICROSECONDS_PER_DAY = 86_400_000_000

/** How a column is segmented unless the user says: timestamps by hour of day, everything else by value. */
export function defaultSegmentBy(column: Column): SegmentBy {
  return column.kind === 'timestamp_us' ? 'hour' : 'value'
}

/**
 * The segment label of every row. Timestamps are read at face value (the TLC's naive local times are
 * stored as UTC microseconds), so `hour` is the clock hour `'00'`…`'23'` and `weekday` `'Mon'`…`'Sun'`.
 * `value` uses the value itself; nulls are `(missing)`.
 *
 * @throws {RangeError} when `hour`/`weekday` is asked of a column that is not a timestamp.
 * @example segmentLabels(timestampColumn(['2022-02-02T07:15']), 'hour') // ['07']
 */
export function segmentLabels(column: Column, by: SegmentBy): string[] {
  const n = column.kind === 'null' ? column.length : column.values.length
  const out = new Array<string>(n)
  if (by !== 'value' && column.kind !== 'timestamp_us')
    throw new RangeError(
      `Segments by ${by} need a timestamp column; this one holds ${column.kind} values.`,
    )
  for (let i = 0; i < n; i++) {
    if (column.kind === 'null' || isNullAt(column, i)) {
      out[i] = MISSING_SEGMENT
      continue
    }
    const value = column.values[i] as number | string
    if (by === 'hour') {
      const hour = ((Math.floor((value as number) / MICROSECONDS_PER_HOUR) % 24) + 24) % 24
      out[i] = String(hour).padStart(2, '0')
    } else if (by === 'weekday') {
      // 1970-01-01 was a Thursday (index 3 from Monday).
      const day = Math.floor((value as number) / MICROSECONDS_PER_DAY)
      out[i] = WEEKDAYS[(((day + 3) % 7) + 7) % 7] as string
    } else {
      out[i] = String(cellValueOf(column, value))
    }
  }
  return out
}

/** The segments the reference defines: which labels are kept and in what order (see capSegments). */
export interface SegmentRanking {
  readonly kept: ReadonlySet<string>
  readonly order: readonly string[]
}

/**
 * Ranks a reference's labels: the `maxSegments` most frequent stay (ties by label; hours and weekdays are
 * never capped), in clock order for hours and weekdays, else by reference count. Computed once per
 * reference; every window's labels are then mapped with {@link applySegmentRanking}.
 * @throws {RangeError} when `maxSegments` is below 1.
 */
export function rankSegments(
  reference: readonly string[],
  maxSegments: number,
  by: SegmentBy,
): SegmentRanking {
  if (!(maxSegments >= 1))
    throw new RangeError(`maxSegments must be at least 1; got ${maxSegments}.`)
  const counts = new Map<string, number>()
  for (const label of reference) counts.set(label, (counts.get(label) ?? 0) + 1)
  const ranked = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([label]) => label)
  const kept = new Set(by === 'value' ? ranked.slice(0, maxSegments) : ranked)
  let order: string[]
  if (by === 'hour') order = [...kept].filter((l) => l !== MISSING_SEGMENT).sort()
  else if (by === 'weekday') order = WEEKDAYS.filter((d) => kept.has(d)) as string[]
  else order = ranked.filter((label) => kept.has(label) && label !== MISSING_SEGMENT)
  if (kept.has(MISSING_SEGMENT)) order.push(MISSING_SEGMENT)
  if (ranked.length > kept.size) order.push(OTHER_SEGMENT)
  return { kept, order }
}

/**
 * A window's labels under a reference's ranking: labels the reference did not keep become `(other)`,
 * which is added to the order when the window has it and the reference did not.
 */
export function applySegmentRanking(
  ranking: SegmentRanking,
  labels: readonly string[],
): { labels: string[]; order: string[] } {
  const mapped = labels.map((label) => (ranking.kept.has(label) ? label : OTHER_SEGMENT))
  const order = [...ranking.order]
  if (!order.includes(OTHER_SEGMENT) && mapped.includes(OTHER_SEGMENT)) order.push(OTHER_SEGMENT)
  return { labels: mapped, order }
}

/**
 * Caps the number of segments: the `maxSegments` labels most frequent in the reference stay (ties by
 * label), every other label becomes `(other)`, so a column of ids cannot make a 10,000-row table.
 * Labels are returned with the segment order: clock order for hours and weekdays, else by reference count.
 *
 * @throws {RangeError} when `maxSegments` is below 1.
 * @example capSegments(['a', 'a', 'b', 'c'], ['a', 'c', 'd'], 1, 'value') // reference ['a', 'a', '(other)', '(other)'], window ['a', '(other)', '(other)']
 */
export function capSegments(
  reference: readonly string[],
  window: readonly string[],
  maxSegments: number,
  by: SegmentBy,
): { reference: string[]; window: string[]; order: string[] } {
  const ranking = rankSegments(reference, maxSegments, by)
  const mappedReference = applySegmentRanking(ranking, reference).labels
  const mappedWindow = applySegmentRanking(ranking, window)
  return { reference: mappedReference, window: mappedWindow.labels, order: mappedWindow.order }
}
