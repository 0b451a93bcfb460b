import type { Frame } from '../data/frame'
import { getNumericColumn } from '../data/frame'
import { PICKUP_COLUMN } from './course-columns'

const MICROSECONDS_PER_DAY = 86_400_000_000

/** One logical day and the frame rows whose pickup falls in it, in file order. */
export interface DailyWindow {
  readonly date: string
  readonly rows: Uint32Array
}

/**
 * Splits trips into daily windows as the course's job does: day i holds the rows with
 * `start + i days <= lpep_pickup_datetime < start + i + 1 days` (timestamps are naive; days are UTC
 * calendar days). Rows outside every window (the TLC's stray 2009 pickups) belong to none; a null pickup
 * belongs to none.
 *
 * @param startDate `YYYY-MM-DD`
 * @param days number of consecutive days (≥ 1)
 * @throws {RangeError} on a malformed date or a non-positive day count.
 * Complexity: O(rows + days).
 * @example splitDailyWindows(feb, '2022-02-01', 27)[1] → { date: '2022-02-02', rows: … }
 */
export function splitDailyWindows(frame: Frame, startDate: string, days: number): DailyWindow[] {
  const startMs = parseIsoDate(startDate)
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`The number of days must be a positive integer; got ${days}.`)
  }
  const startUs = startMs * 1000
  const pickup = getNumericColumn(frame, PICKUP_COLUMN)
  const counts = new Uint32Array(days)
  const dayOfRow = new Int32Array(frame.rowCount).fill(-1)
  for (let i = 0; i < frame.rowCount; i++) {
    if (pickup.valid !== null && pickup.valid[i] === 0) continue
    const day = Math.floor(((pickup.values[i] as number) - startUs) / MICROSECONDS_PER_DAY)
    if (day >= 0 && day < days) {
      dayOfRow[i] = day
      counts[day]!++
    }
  }
  const windows = Array.from({ length: days }, (_, d) => ({
    date: isoDate(startMs + d * 86_400_000),
    rows: new Uint32Array(counts[d] as number),
  }))
  const filled = new Uint32Array(days)
  for (let i = 0; i < frame.rowCount; i++) {
    const day = dayOfRow[i] as number
    if (day >= 0) windows[day]!.rows[filled[day]!++] = i
  }
  return windows
}

/** Milliseconds since the epoch of a `YYYY-MM-DD` date at 00:00 UTC. */
export function parseIsoDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN
  if (Number.isNaN(ms) || isoDate(ms) !== date) {
    throw new RangeError(`'${date}' is not a valid date; use YYYY-MM-DD, e.g. 2022-02-01.`)
  }
  return ms
}

/** `YYYY-MM-DD` of a UTC instant in milliseconds. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Number of days in a `YYYY-MM` month. */
export function daysInMonth(month: string): number {
  const start = parseIsoDate(`${month}-01`)
  const [year, monthIndex] = month.split('-').map(Number) as [number, number]
  return (Date.UTC(year, monthIndex, 1) - start) / 86_400_000
}
