import type { Column, Frame } from '../../core/data/frame'
import { getColumn, isNullAt } from '../../core/data/frame'
import { PICKUP_COLUMN } from '../../core/pipeline/course-columns'
import { tripDurationsMinutes } from '../../core/pipeline/trip-durations'

/**
 * One event of a replay, in trip time (microseconds since the epoch, the file's wall clock): a trip's
 * prediction request at its pickup, or its feedback at its drop-off.
 */
export type ReplayEvent =
  | { readonly kind: 'predict'; readonly atUs: number; readonly trip: number }
  | { readonly kind: 'feedback'; readonly atUs: number; readonly trip: number }

/** What a replay sends, in order. */
export interface TripReplayPlan {
  readonly tripCount: number
  /** Every trip's prediction and, for a trip with a duration, its feedback, in trip-time order. */
  readonly events: readonly ReplayEvent[]
  /** Trip time of the first event (the replay clock's zero). */
  readonly startUs: number
  /** The trip's actual duration in minutes (the course's `duration_min`), null without one. */
  durationMin(trip: number): number | null
  /** The trip's whole record as the service takes it: every column of the file, nulls as null. */
  record(trip: number): Record<string, unknown>
}

/**
 * Plans the replay of a month of TLC trips: every row of the file (none dropped, so a window of the
 * service's log holds exactly the rows the batch job's day holds), predictions in pickup order (ties in
 * file order), each trip's feedback at its drop-off. A drop-off before the pickup (the files hold a few)
 * is sent right after the prediction; a trip without a pickup time is sent first; a trip whose duration
 * cannot be computed (a null time) gets no feedback. The duration is the course's
 * `(dropoff - pickup).total_seconds() / 60`, bit for bit.
 */
export function planTripReplay(frame: Frame): TripReplayPlan {
  const n = frame.rowCount
  const pickup = getColumn(frame, PICKUP_COLUMN)
  const pickupUs = new Float64Array(n)
  let minPickup = Infinity
  for (let i = 0; i < n; i++) {
    const value = isNullAt(pickup, i) ? NaN : (pickup as { values: Float64Array }).values[i]!
    pickupUs[i] = value
    if (value < minPickup) minPickup = value
  }
  if (minPickup === Infinity) minPickup = 0
  for (let i = 0; i < n; i++) if (Number.isNaN(pickupUs[i])) pickupUs[i] = minPickup
  const durations = tripDurationsMinutes(frame)
  const predictions = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (pickupUs[a] as number) - (pickupUs[b] as number) || a - b,
  )
  const feedbacks: { trip: number; atUs: number }[] = []
  for (let i = 0; i < n; i++) {
    if (durations.valid !== null && durations.valid[i] === 0) continue
    const minutes = durations.values[i] as number
    if (Number.isNaN(minutes)) continue
    // The drop-off in microseconds, from the pickup and the exact duration.
    const dropoffUs = (pickupUs[i] as number) + Math.max(0, minutes * 60_000_000)
    feedbacks.push({ trip: i, atUs: dropoffUs })
  }
  feedbacks.sort((a, b) => a.atUs - b.atUs || a.trip - b.trip)
  // Merge: at equal times a prediction goes first, so a trip's feedback always follows its prediction.
  const events: ReplayEvent[] = []
  let p = 0
  let f = 0
  while (p < predictions.length || f < feedbacks.length) {
    const nextTrip = predictions[p]
    const nextFeedback = feedbacks[f]
    if (
      nextTrip !== undefined &&
      (nextFeedback === undefined || (pickupUs[nextTrip] as number) <= nextFeedback.atUs)
    ) {
      events.push({ kind: 'predict', atUs: pickupUs[nextTrip] as number, trip: nextTrip })
      p++
    } else if (nextFeedback !== undefined) {
      events.push({ kind: 'feedback', atUs: nextFeedback.atUs, trip: nextFeedback.trip })
      f++
    }
  }
  const columns = frame.names.map((name) => [name, getColumn(frame, name)] as const)
  return {
    tripCount: n,
    events,
    startUs: events[0]?.atUs ?? 0,
    durationMin: (trip) =>
      (durations.valid !== null && durations.valid[trip] === 0) ||
      Number.isNaN(durations.values[trip])
        ? null
        : (durations.values[trip] as number),
    record: (trip) => {
      const record: Record<string, unknown> = {}
      for (const [name, column] of columns) record[name] = jsonValueAt(column, trip)
      return record
    },
  }
}

/** A cell as JSON: null for a missing value, a timestamp as local wall-clock text to the microsecond. */
function jsonValueAt(column: Column, i: number): unknown {
  if (isNullAt(column, i)) return null
  switch (column.kind) {
    case 'null':
      return null
    case 'string':
      return column.values[i]
    case 'bool':
      return column.values[i] === 1
    case 'timestamp_us':
      return wallClockText(column.values[i] as number)
    default:
      return column.values[i]
  }
}

/**
 * Microseconds since the epoch (a TLC local time read as UTC) as `2022-03-01T00:05:12`, with
 * `.ffffff` only when the time has a fraction of a second.
 * @example wallClockText(1646093112000000) // '2022-03-01T00:05:12'
 */
export function wallClockText(us: number): string {
  const seconds = Math.floor(us / 1_000_000)
  const fraction = us - seconds * 1_000_000
  const text = new Date(seconds * 1000).toISOString().slice(0, 19)
  return fraction === 0 ? text : `${text}.${String(Math.round(fraction)).padStart(6, '0')}`
}
