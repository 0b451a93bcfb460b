import { describe, expect, it } from 'vitest'
import type { Frame } from './frame'
import { createWindowStream } from './window-stream'
import { cutWindows, parseWindowSpec } from './windows'

const HOUR = 3_600e6
const DAY = 86_400e6
const jan1 = Date.UTC(2024, 0, 1) * 1000

function batch(times: readonly (number | null)[], values: readonly number[]): Frame {
  return {
    rowCount: times.length,
    names: ['ts', 'x'],
    columns: {
      ts: {
        kind: 'timestamp_us',
        values: Float64Array.from(times.map((t) => t ?? 0)),
        valid: times.includes(null)
          ? Uint8Array.from(times.map((t) => (t === null ? 0 : 1)))
          : null,
      },
      x: { kind: 'float64', values: Float64Array.from(values), valid: null },
    },
  }
}

function xs(frame: Frame): number[] {
  const column = frame.columns.x
  return column === undefined || column.kind !== 'float64' ? [] : [...column.values]
}

describe('createWindowStream', () => {
  it('cuts the same day windows as cutWindows, closing each as the sorted data passes it', () => {
    const times = [0, 1, 5, 30, 31, 50, 75].map((h) => jan1 + h * HOUR)
    const values = times.map((_, i) => i)
    const stream = createWindowStream(parseWindowSpec('1d', 'ts'))
    const closedAfterFirst = stream.push(batch(times.slice(0, 4), values.slice(0, 4)))
    // Day 1 closed as soon as a row of day 2 arrived; day 2 is still open.
    expect(closedAfterFirst.map((w) => w.label)).toEqual(['2024-01-01'])
    const rest = [...stream.push(batch(times.slice(4), values.slice(4))), ...stream.finish()]
    const all = [...closedAfterFirst, ...rest]
    const whole = cutWindows(batch(times, values), parseWindowSpec('1d', 'ts'))
    expect(all.map((w) => [w.label, w.start, w.endExclusive, w.frame.rowCount])).toEqual(
      whole.windows.map((w) => [w.label, w.start, w.endExclusive, w.rows.length]),
    )
    expect(all.map((w) => xs(w.frame))).toEqual([[0, 1, 2], [3, 4], [5], [6]])
    expect(all[0]?.frame.names).toEqual(['x'])
  })

  it('reports a gap in time as an empty window between its neighbours', () => {
    const stream = createWindowStream(parseWindowSpec('1d', 'ts'))
    const windows = [...stream.push(batch([jan1, jan1 + 3 * DAY], [1, 2])), ...stream.finish()]
    expect(windows.map((w) => [w.label, w.frame.rowCount])).toEqual([
      ['2024-01-01', 1],
      ['2024-01-02', 0],
      ['2024-01-03', 0],
      ['2024-01-04', 1],
    ])
  })

  it('labels hourly windows by their start timestamp', () => {
    const stream = createWindowStream(parseWindowSpec('1h', 'ts'))
    const windows = [
      ...stream.push(batch([jan1 + 90 * 60e6, jan1 + 2 * HOUR], [1, 2])),
      ...stream.finish(),
    ]
    expect(windows.map((w) => [w.label, w.start, w.endExclusive])).toEqual([
      ['2024-01-01T01:00:00', '2024-01-01T01:00:00', '2024-01-01T02:00:00'],
      ['2024-01-01T02:00:00', '2024-01-01T02:00:00', '2024-01-01T03:00:00'],
    ])
  })

  it('refuses a row whose window has closed, naming the row, its time and asking for sorted data', () => {
    const stream = createWindowStream(parseWindowSpec('1d', 'ts'))
    stream.push(batch([jan1, jan1 + DAY], [1, 2]))
    expect(() => stream.push(batch([jan1 + 2 * HOUR], [3]))).toThrow(
      /Row 3 of the current data at 2024-01-01T02:00:00 belongs to window 2024-01-01, which had already closed.*Sort the data by 'ts'/,
    )
  })

  it('judges order row by row, whatever the batch boundaries', () => {
    const stream = createWindowStream(parseWindowSpec('1d', 'ts'))
    expect(() => stream.push(batch([jan1, jan1 + DAY, jan1 + 5], [1, 2, 3]))).toThrow(
      /Row 3 of the current data at 2024-01-01T00:00:00 belongs to window 2024-01-01/,
    )
  })

  it('accepts rows up to lateness - 1 windows late and still cuts whole windows', () => {
    const stream = createWindowStream(parseWindowSpec('1d', 'ts'), { lateness: 2 })
    const windows = [
      ...stream.push(batch([jan1, jan1 + DAY, jan1 + 1], [1, 2, 3])),
      ...stream.push(batch([jan1 + 2 * DAY, jan1 + DAY + 1], [4, 5])),
      ...stream.finish(),
    ]
    expect(windows.map((w) => [w.label, xs(w.frame)])).toEqual([
      ['2024-01-01', [1, 3]],
      ['2024-01-02', [2, 5]],
      ['2024-01-03', [4]],
    ])
  })

  it('counts rows without a timestamp and keeps them out of every window', () => {
    const stream = createWindowStream(parseWindowSpec('1d', 'ts'))
    const windows = [...stream.push(batch([jan1, null, jan1 + 5], [1, 2, 3])), ...stream.finish()]
    expect(windows.map((w) => xs(w.frame))).toEqual([[1, 3]])
    expect(stream.rowsWithoutTimestamp).toBe(1)
    expect(stream.rowsSeen).toBe(3)
  })

  it('cuts rows:N windows across batches in arrival order', () => {
    const stream = createWindowStream(parseWindowSpec('rows:2'))
    const windows = [
      ...stream.push(batch([0, 0, 0], [1, 2, 3])),
      ...stream.push(batch([0, 0], [4, 5])),
      ...stream.finish(),
    ]
    expect(windows.map((w) => [w.label, xs(w.frame)])).toEqual([
      ['rows 1-2', [1, 2]],
      ['rows 3-4', [3, 4]],
      ['rows 5-5', [5]],
    ])
  })
})
