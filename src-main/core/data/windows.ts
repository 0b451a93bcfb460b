import type { Frame } from './frame'
import { getColumn } from './frame'

const MICROSECONDS = { s: 1e6, m: 60e6, h: 3_600e6, d: 86_400e6, w: 604_800e6 } as const

/**
 * How current data is cut into windows:
 * - `all`: one window holding every row;
 * - `duration`: `[start, start + length)` windows of a timestamp column, aligned on multiples of the length
 *   since 1970-01-01T00:00 UTC (so days start at midnight, hours on the hour), weeks on Mondays;
 * - `month`: calendar months of a timestamp column (months differ in length, so they are not a duration);
 * - `rows`: consecutive blocks of `rowsPerWindow` rows in file order.
 * Timestamps are naive (read as UTC), as pandas compares them.
 */
export type WindowSpec =
  | { readonly kind: 'all' }
  | { readonly kind: 'duration'; readonly column: string; readonly lengthMicros: number }
  | { readonly kind: 'month'; readonly column: string }
  | { readonly kind: 'rows'; readonly rowsPerWindow: number }

/** One window: a label, its bounds for time windows (ISO, end exclusive) and its rows in file order. */
export interface DataWindow {
  readonly label: string
  readonly start: string | null
  readonly endExclusive: string | null
  readonly rows: Uint32Array
}

/** The windows and the rows no window could hold (a null timestamp). */
export interface WindowCut {
  readonly windows: readonly DataWindow[]
  readonly rowsWithoutTimestamp: number
}

/**
 * Parses a window option: `1d`, `12h`, `30m`, `45s`, `1w` (a fixed duration), `month`/`1mo` (calendar months),
 * `rows:N` (N rows per window) or `all`. A duration needs `column`, the timestamp column that cuts it.
 * @throws {RangeError} on anything else, naming the accepted forms.
 * @example parseWindowSpec('1d', 'ts') // { kind: 'duration', column: 'ts', lengthMicros: 86400000000 }
 */
export function parseWindowSpec(text: string, column?: string): WindowSpec {
  const trimmed = text.trim().toLowerCase()
  if (trimmed === 'all') return { kind: 'all' }
  const rows = /^rows:(\d+)$/.exec(trimmed)
  if (rows !== null) {
    const rowsPerWindow = Number(rows[1])
    if (rowsPerWindow < 1) throw new RangeError(`A row window needs at least 1 row; got '${text}'.`)
    return { kind: 'rows', rowsPerWindow }
  }
  const needColumn = (): string => {
    if (column === undefined)
      throw new RangeError(
        `The window '${text}' cuts by time: name the timestamp column that holds each row's time (--datetime COL).`,
      )
    return column
  }
  if (trimmed === 'month' || trimmed === '1mo') return { kind: 'month', column: needColumn() }
  const duration = /^(\d+)(s|m|h|d|w)$/.exec(trimmed)
  if (duration !== null && Number(duration[1]) > 0) {
    const unit = duration[2] as keyof typeof MICROSECONDS
    return {
      kind: 'duration',
      column: needColumn(),
      lengthMicros: Number(duration[1]) * MICROSECONDS[unit],
    }
  }
  throw new RangeError(
    `'${text}' is not a window: use a duration such as 1h, 1d, 7d or 1w, 'month', 'rows:N' or 'all'.`,
  )
}

/** Mondays: 1970-01-01 was a Thursday, so weekly windows are shifted back 3 days from the epoch grid. */
const mondayOffsetMicros = -3 * MICROSECONDS.d

/**
 * Cuts a frame into windows per `spec`. Time windows run from the one holding the earliest timestamp to the
 * one holding the latest, empty ones included (a gap in the data is a window with no rows, which a caller
 * reports rather than skips silently). The window column is only read here; callers drop it before building
 * reports.
 * Complexity O(rows + windows).
 * @throws {RangeError} when the column is missing or does not hold timestamps.
 * @example cutWindows(frame, parseWindowSpec('1d', 'ts')).windows[0].label // '2024-01-01'
 */
export function cutWindows(frame: Frame, spec: WindowSpec): WindowCut {
  if (spec.kind === 'all') {
    return {
      windows: [{ label: 'all', start: null, endExclusive: null, rows: allRows(frame.rowCount) }],
      rowsWithoutTimestamp: 0,
    }
  }
  if (spec.kind === 'rows') {
    const windows: DataWindow[] = []
    for (let first = 0; first < frame.rowCount; first += spec.rowsPerWindow) {
      const last = Math.min(frame.rowCount, first + spec.rowsPerWindow)
      const rows = new Uint32Array(last - first)
      for (let i = 0; i < rows.length; i++) rows[i] = first + i
      windows.push({ label: `rows ${first + 1}-${last}`, start: null, endExclusive: null, rows })
    }
    return { windows, rowsWithoutTimestamp: 0 }
  }
  const column = getColumn(frame, spec.column)
  if (column.kind !== 'timestamp_us') {
    throw new RangeError(
      `The window column '${spec.column}' holds ${column.kind === 'null' ? 'only nulls' : `${column.kind} values`}, not timestamps; choose the column with each row's time.`,
    )
  }
  const slotOf = spec.kind === 'month' ? monthIndex : durationSlot(spec.lengthMicros)
  const slots = new Float64Array(frame.rowCount)
  let first = Infinity
  let last = -Infinity
  let withoutTimestamp = 0
  for (let i = 0; i < frame.rowCount; i++) {
    if (column.valid !== null && column.valid[i] === 0) {
      slots[i] = Number.NaN
      withoutTimestamp++
      continue
    }
    const slot = slotOf(column.values[i] as number)
    slots[i] = slot
    if (slot < first) first = slot
    if (slot > last) last = slot
  }
  if (first === Infinity) return { windows: [], rowsWithoutTimestamp: withoutTimestamp }
  const count = last - first + 1
  const sizes = new Uint32Array(count)
  for (const slot of slots) if (!Number.isNaN(slot)) sizes[slot - first]!++
  const windows = Array.from({ length: count }, (_, k) => {
    const [start, end] =
      spec.kind === 'month' ? monthBounds(first + k) : durationBounds(first + k, spec.lengthMicros)
    return {
      label: windowLabel(start, end),
      start: isoTimestamp(start),
      endExclusive: isoTimestamp(end),
      rows: new Uint32Array(sizes[k] as number),
    }
  })
  const filled = new Uint32Array(count)
  for (let i = 0; i < frame.rowCount; i++) {
    const slot = slots[i] as number
    if (Number.isNaN(slot)) continue
    const k = slot - first
    windows[k]!.rows[filled[k]!++] = i
  }
  return { windows, rowsWithoutTimestamp: withoutTimestamp }
}

/** How a time window spec numbers windows: the slot of a timestamp, a slot's bounds, and its label. */
export interface WindowSlotter {
  slotOf(micros: number): number
  bounds(slot: number): [number, number]
}

/**
 * The slot arithmetic of a time window spec (`duration` or `month`), shared by {@link cutWindows} and the
 * streaming cutter so both cut identical windows.
 */
export function windowSlotter(
  spec: Extract<WindowSpec, { kind: 'duration' | 'month' }>,
): WindowSlotter {
  if (spec.kind === 'month') return { slotOf: monthIndex, bounds: monthBounds }
  return {
    slotOf: durationSlot(spec.lengthMicros),
    bounds: (slot) => durationBounds(slot, spec.lengthMicros),
  }
}

/** A time window's label (`2024-01-01` for a day, `2024-01` for a month, else the ISO start) and bounds. */
export function describeTimeWindow(
  startMicros: number,
  endMicros: number,
): { label: string; start: string; endExclusive: string } {
  return {
    label: windowLabel(startMicros, endMicros),
    start: isoTimestamp(startMicros),
    endExclusive: isoTimestamp(endMicros),
  }
}

function allRows(n: number): Uint32Array {
  const rows = new Uint32Array(n)
  for (let i = 0; i < n; i++) rows[i] = i
  return rows
}

function durationSlot(lengthMicros: number): (micros: number) => number {
  const offset = lengthMicros % MICROSECONDS.w === 0 ? mondayOffsetMicros : 0
  return (micros) => Math.floor((micros - offset) / lengthMicros)
}

function durationBounds(slot: number, lengthMicros: number): [number, number] {
  const offset = lengthMicros % MICROSECONDS.w === 0 ? mondayOffsetMicros : 0
  const start = slot * lengthMicros + offset
  return [start, start + lengthMicros]
}

function monthIndex(micros: number): number {
  const date = new Date(Math.floor(micros / 1000))
  return date.getUTCFullYear() * 12 + date.getUTCMonth()
}

function monthBounds(index: number): [number, number] {
  const year = Math.floor(index / 12)
  const month = index - year * 12
  return [Date.UTC(year, month, 1) * 1000, Date.UTC(year, month + 1, 1) * 1000]
}

/** `2024-01-01` for a whole day, `2024-01` for a month, else the ISO start. */
function windowLabel(startMicros: number, endMicros: number): string {
  const start = isoTimestamp(startMicros)
  const length = endMicros - startMicros
  if (start.endsWith('T00:00:00')) {
    if (length === MICROSECONDS.d) return start.slice(0, 10)
    if (
      start.slice(8, 10) === '01' &&
      length >= 28 * MICROSECONDS.d &&
      length <= 31 * MICROSECONDS.d
    )
      return start.slice(0, 7)
  }
  return start
}

/** `YYYY-MM-DDTHH:MM:SS` (naive) of microseconds since the epoch. */
function isoTimestamp(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)
}

/** The window whose label or start day is `date` (YYYY-MM-DD), if any. */
export function windowForDate(cut: WindowCut, date: string): DataWindow | undefined {
  return cut.windows.find((w) => w.label === date || (w.start ?? '').startsWith(date))
}

/** The frame without `column`: what reports see after the window column has cut the windows. */
export function withoutColumn(frame: Frame, column: string): Frame {
  if (!frame.names.includes(column)) return frame
  const columns = { ...frame.columns }
  delete columns[column]
  return { rowCount: frame.rowCount, names: frame.names.filter((n) => n !== column), columns }
}
