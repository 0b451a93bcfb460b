import { describe, expect, it } from 'vitest'
import type { Frame } from './frame'
import { cutWindows, parseWindowSpec, windowForDate, withoutColumn } from './windows'

const hour = 3_600e6
function timestamps(isoTimes: readonly (string | null)[]): Frame {
  const values = Float64Array.from(isoTimes, (t) => (t === null ? 0 : Date.parse(`${t}Z`) * 1000))
  const valid = isoTimes.includes(null)
    ? Uint8Array.from(isoTimes, (t) => (t === null ? 0 : 1))
    : null
  return {
    rowCount: isoTimes.length,
    names: ['ts', 'x'],
    columns: {
      ts: { kind: 'timestamp_us', values, valid },
      x: { kind: 'float64', values: Float64Array.from(isoTimes, (_, i) => i), valid: null },
    },
  }
}

describe('parseWindowSpec', () => {
  it('reads durations, months, row counts and all', () => {
    expect(parseWindowSpec('1d', 'ts')).toEqual({
      kind: 'duration',
      column: 'ts',
      lengthMicros: 24 * hour,
    })
    expect(parseWindowSpec('2h', 'ts')).toEqual({
      kind: 'duration',
      column: 'ts',
      lengthMicros: 2 * hour,
    })
    expect(parseWindowSpec('month', 'ts')).toEqual({ kind: 'month', column: 'ts' })
    expect(parseWindowSpec('rows:500')).toEqual({ kind: 'rows', rowsPerWindow: 500 })
    expect(parseWindowSpec('all')).toEqual({ kind: 'all' })
  })
  it('asks for the timestamp column of a time window and rejects unknown forms', () => {
    expect(() => parseWindowSpec('1d')).toThrow(/--datetime COL/)
    expect(() => parseWindowSpec('3 days', 'ts')).toThrow(/not a window/)
    expect(() => parseWindowSpec('rows:0')).toThrow(/at least 1 row/)
  })
})

describe('cutWindows', () => {
  it('cuts [start, start + 1 day) windows at UTC midnight, empty days included, in file order', () => {
    const frame = timestamps([
      '2024-01-03T10:00:00',
      '2024-01-01T00:00:00',
      '2024-01-01T23:59:59',
      '2024-01-03T00:00:00',
    ])
    const cut = cutWindows(frame, parseWindowSpec('1d', 'ts'))
    expect(cut.windows.map((w) => [w.label, Array.from(w.rows)])).toEqual([
      ['2024-01-01', [1, 2]],
      ['2024-01-02', []],
      ['2024-01-03', [0, 3]],
    ])
    expect(cut.windows[0]?.start).toBe('2024-01-01T00:00:00')
    expect(cut.windows[0]?.endExclusive).toBe('2024-01-02T00:00:00')
    expect(windowForDate(cut, '2024-01-03')?.rows.length).toBe(2)
  })
  it('starts weeks on Mondays and months on the 1st', () => {
    // 2024-01-07 is a Sunday, 2024-01-08 a Monday.
    const frame = timestamps(['2024-01-07T12:00:00', '2024-01-08T00:00:00', '2024-02-29T23:00:00'])
    const weeks = cutWindows(frame, parseWindowSpec('1w', 'ts')).windows
    expect(weeks[0]?.start).toBe('2024-01-01T00:00:00')
    expect(Array.from(weeks[0]?.rows ?? [])).toEqual([0])
    expect(weeks[1]?.start).toBe('2024-01-08T00:00:00')
    const months = cutWindows(frame, parseWindowSpec('month', 'ts')).windows
    expect(months.map((w) => [w.label, w.rows.length])).toEqual([
      ['2024-01', 2],
      ['2024-02', 1],
    ])
  })
  it('counts rows without a timestamp and cuts row windows', () => {
    const frame = timestamps(['2024-01-01T01:00:00', null, '2024-01-01T02:00:00'])
    expect(cutWindows(frame, parseWindowSpec('1h', 'ts')).rowsWithoutTimestamp).toBe(1)
    expect(
      cutWindows(frame, parseWindowSpec('rows:2')).windows.map((w) => Array.from(w.rows)),
    ).toEqual([[0, 1], [2]])
  })
  it('refuses a window column that holds no timestamps', () => {
    expect(() =>
      cutWindows(timestamps(['2024-01-01T00:00:00']), parseWindowSpec('1d', 'x')),
    ).toThrow(/'x' holds float64 values, not timestamps/)
  })
  it('drops the window column for the reports', () => {
    expect(withoutColumn(timestamps(['2024-01-01T00:00:00']), 'ts').names).toEqual(['x'])
  })
})
