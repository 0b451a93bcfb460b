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
  if (!(maxSegments >= 1))
    throw new RangeError(`maxSegments must be at least 1; got ${maxSegments}.`)
  const counts = new Map<string, number>()
  for (const label of reference) counts.set(label, (counts.get(label) ?? 0) + 1)
  const ranked = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([label]) => label)
  const kept = new Set(by === 'value' ? ranked.slice(0, maxSegments) : ranked)
  const map = (label: string): string => (kept.has(label) ? label : OTHER_SEGMENT)
  const mappedReference = reference.map(map)
  const mappedWindow = window.map(map)
  const present = new Set([...mappedReference, ...mappedWindow])
  let order: string[]
  if (by === 'hour') order = [...present].sort()
  else if (by === 'weekday') order = WEEKDAYS.filter((d) => present.has(d)) as string[]
  else order = ranked.filter((label) => kept.has(label))
  for (const label of [MISSING_SEGMENT, OTHER_SEGMENT])
    if (present.has(label) && !order.includes(label)) order.push(label)
  return { reference: mappedReference, window: mappedWindow, order }
}
