import { concatFrames } from './concat-frames'
import type { Column, Frame } from './frame'
import { getColumn, takeRows } from './frame'
import type { WindowSpec } from './windows'
import { describeTimeWindow, windowSlotter, withoutColumn } from './windows'

/** A window the stream has closed: its rows (the window column dropped), or none for a gap in time. */
export interface ClosedWindow {
  readonly label: string
  readonly start: string | null
  readonly endExclusive: string | null
  /** The window's rows in arrival order, without the window column; `rowCount` 0 for an empty window. */
  readonly frame: Frame
}

export interface WindowStreamOptions {
  /**
   * How far out of order rows may arrive, in windows: window W closes once a row of window W + lateness
   * (or later) has arrived. 1 (the default) means "sorted by window": rows of one window may come in any
   * order, but no row may come after a later window has started. Memory holds at most the open windows.
   */
  readonly lateness?: number
}

/** The streaming cutter: feed batches in data order, take the windows they close, then `finish`. */
export interface WindowStream {
  /**
   * Adds a batch (with the window column) and returns the windows it closed, in window order, gaps included.
   * @throws {RangeError} when a row belongs to a window that has already closed (data not sorted), naming
   *   the row, its time and both windows; or when the window column is missing or not timestamps.
   */
  push(batch: Frame): ClosedWindow[]
  /** Closes every open window (and the gaps between them) at the end of the data. */
  finish(): ClosedWindow[]
  /** Rows seen so far, and those with no timestamp (in no window). */
  readonly rowsSeen: number
  readonly rowsWithoutTimestamp: number
}

/**
 * Cuts windows out of data that arrives in batches (Parquet row groups, CSV chunks), never holding more than
 * the open windows: the streaming twin of {@link cutWindows}, cutting identical windows (same slots, bounds,
 * labels, empty windows for gaps in time) when the data is sorted by the window column.
 *
 * When the data is not sorted: rows may arrive up to `lateness - 1` windows late (default 1: sorted by
 * window). A row whose window has already closed is an error that names it and asks for sorted data (or a
 * larger lateness) — never a silently split or dropped window. `rows:N` windows are cut in arrival order and
 * close as they fill; `all` is one window that closes at the end (the whole current data in memory).
 * Complexity O(rows) per pass, plus the copy of each window's rows.
 * @example const s = createWindowStream(parseWindowSpec('1d', 'ts')); s.push(batch); s.finish()
 */
export function createWindowStream(
  spec: WindowSpec,
  options: WindowStreamOptions = {},
): WindowStream {
  const lateness = options.lateness ?? 1
  if (!Number.isInteger(lateness) || lateness < 1)
    throw new RangeError(
      `Window lateness must be a whole number of windows, 1 or more; got ${lateness}.`,
    )
  const open = new Map<number, Frame[]>()
  let lastClosed: number | null = null
  let highest = -Infinity
  let rowsSeen = 0
  let rowsWithoutTimestamp = 0
  const column = spec.kind === 'duration' || spec.kind === 'month' ? spec.column : null
  const slotter = spec.kind === 'duration' || spec.kind === 'month' ? windowSlotter(spec) : null

  const describe = (slot: number): Omit<ClosedWindow, 'frame'> => {
    if (slotter !== null) return describeTimeWindow(...slotter.bounds(slot))
    if (spec.kind === 'rows') {
      const first = slot * spec.rowsPerWindow + 1
      return {
        label: `rows ${first}-${first + spec.rowsPerWindow - 1}`,
        start: null,
        endExclusive: null,
      }
    }
    return { label: 'all', start: null, endExclusive: null }
  }
  const close = (slot: number): ClosedWindow[] => {
    const out: ClosedWindow[] = []
    // Gaps in time are windows too: reported empty rather than skipped.
    if (slotter !== null && lastClosed !== null)
      for (let gap = lastClosed + 1; gap < slot; gap++)
        out.push({ ...describe(gap), frame: { rowCount: 0, names: [], columns: {} } })
    const parts = open.get(slot) ?? []
    open.delete(slot)
    const frame = concatFrames(parts)
    out.push({ ...rowsLabel(describe(slot), slot, frame.rowCount), frame })
    lastClosed = slot
    return out
  }
  const rowsLabel = (
    described: Omit<ClosedWindow, 'frame'>,
    slot: number,
    rows: number,
  ): Omit<ClosedWindow, 'frame'> => {
    // The last row window may be short: label it by the rows it holds.
    if (spec.kind !== 'rows') return described
    const first = slot * spec.rowsPerWindow + 1
    return { ...described, label: `rows ${first}-${first + rows - 1}` }
  }

  const push = (batch: Frame): ClosedWindow[] => {
    if (batch.rowCount === 0) return []
    const slots = new Float64Array(batch.rowCount)
    let timestamps: Float64Array | null = null
    let valid: Uint8Array | null = null
    if (column !== null && slotter !== null) {
      const data = getColumn(batch, column)
      if (data.kind !== 'timestamp_us')
        throw new RangeError(
          `The window column '${column}' holds ${data.kind === 'null' ? 'only nulls' : `${data.kind} values`}, not timestamps; choose the column with each row's time.`,
        )
      timestamps = data.values
      valid = data.valid
      for (let i = 0; i < batch.rowCount; i++) {
        if (valid !== null && valid[i] === 0) {
          slots[i] = Number.NaN
          rowsWithoutTimestamp++
        } else slots[i] = slotter.slotOf(timestamps[i] as number)
      }
    } else if (spec.kind === 'rows') {
      for (let i = 0; i < batch.rowCount; i++)
        slots[i] = Math.floor((rowsSeen + i) / spec.rowsPerWindow)
    }
    // Group the batch's rows by slot (a sorted batch is a few runs).
    const counts = new Map<number, number>()
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number
      if (Number.isNaN(slot)) continue
      // Judged row by row, so the verdict does not depend on where batches happen to end.
      const stepBack = spec.kind === 'rows' ? 1 : lateness
      if ((lastClosed !== null && slot <= lastClosed) || slot <= highest - stepBack) {
        const at = timestamps === null ? '' : ` at ${isoOf(timestamps[i] as number)}`
        throw new RangeError(
          `Row ${rowsSeen + i + 1} of the current data${at} belongs to window ${describe(slot).label}, which had already closed when window ${describe(highest).label} began: the backfill streams the current data and needs it sorted by '${column ?? 'row'}'${lateness > 1 ? ` (rows may come at most ${lateness - 1} window(s) late)` : ''}. Sort the data by '${column ?? 'row'}', or allow late rows with a larger window lateness (--lateness N, more memory).`,
        )
      }
      if (slot > highest) highest = slot
      counts.set(slot, (counts.get(slot) ?? 0) + 1)
    }
    const withoutWindowColumn = column === null ? batch : withoutColumn(batch, column)
    const rowsBySlot = new Map<number, { rows: Uint32Array; filled: number }>()
    for (const [slot, count] of counts)
      rowsBySlot.set(slot, { rows: new Uint32Array(count), filled: 0 })
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number
      if (Number.isNaN(slot)) continue
      const entry = rowsBySlot.get(slot)!
      entry.rows[entry.filled++] = i
    }
    for (const [slot, { rows }] of rowsBySlot) {
      const first = rows[0] as number
      const contiguous = rows[rows.length - 1] === first + rows.length - 1
      // Sorted data gives each window a contiguous run of the batch: a view, not a copy.
      const part =
        rows.length === batch.rowCount
          ? withoutWindowColumn
          : contiguous
            ? sliceRows(withoutWindowColumn, first, first + rows.length)
            : takeRows(withoutWindowColumn, rows)
      const parts = open.get(slot)
      if (parts === undefined) open.set(slot, [part])
      else parts.push(part)
    }
    rowsSeen += batch.rowCount
    if (spec.kind === 'all') return []
    // Window W closes once a row of W + lateness has arrived (rows: once the next one has begun).
    const closable = [...open.keys()]
      .filter((slot) => slot <= highest - (spec.kind === 'rows' ? 1 : lateness))
      .sort((a, b) => a - b)
    return closable.flatMap(close)
  }

  return {
    push,
    finish: () => [...open.keys()].sort((a, b) => a - b).flatMap(close),
    get rowsSeen() {
      return rowsSeen
    },
    get rowsWithoutTimestamp() {
      return rowsWithoutTimestamp
    },
  }
}

/** Rows [start, end) of a frame as views of its columns (typed-array subarrays; strings sliced). */
function sliceRows(frame: Frame, start: number, end: number): Frame {
  const columns: Record<string, Column> = Object.fromEntries(
    frame.names.map((name) => {
      const column = getColumn(frame, name)
      if (column.kind === 'null') return [name, { kind: 'null', length: end - start }]
      if (column.kind === 'string')
        return [name, { kind: 'string', values: column.values.slice(start, end) }]
      return [
        name,
        {
          kind: column.kind,
          values: column.values.subarray(start, end),
          valid: column.valid === null ? null : column.valid.subarray(start, end),
        },
      ]
    }),
  )
  return { rowCount: end - start, names: frame.names, columns }
}

function isoOf(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)
}
