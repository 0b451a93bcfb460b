import { describe, expect, it } from 'vitest'
import type { Frame } from '../data/frame'
import { daysInMonth, parseIsoDate, splitDailyWindows } from './daily-windows'

const us = (iso: string): number => Date.parse(iso) * 1000

function pickups(...isoTimes: (string | null)[]): Frame {
  return {
    rowCount: isoTimes.length,
    names: ['lpep_pickup_datetime'],
    columns: {
      lpep_pickup_datetime: {
        kind: 'timestamp_us',
        values: Float64Array.from(isoTimes, (t) => (t === null ? 0 : us(t))),
        valid: Uint8Array.from(isoTimes, (t) => (t === null ? 0 : 1)),
      },
    },
  }
}

describe('splitDailyWindows', () => {
  it('puts a trip in [day 00:00, next day 00:00) and keeps file order', () => {
    const frame = pickups(
      '2022-02-02T23:59:59.999999Z',
      '2022-02-01T00:00:00Z',
      '2022-02-02T00:00:00Z',
      '2022-02-01T12:00:00Z',
    )
    const windows = splitDailyWindows(frame, '2022-02-01', 2)
    expect(windows.map((w) => w.date)).toEqual(['2022-02-01', '2022-02-02'])
    expect([...windows[0]!.rows]).toEqual([1, 3])
    expect([...windows[1]!.rows]).toEqual([0, 2])
  })

  it('leaves out stray dates and null pickups, as the course filter does', () => {
    const frame = pickups(
      '2009-01-01T00:10:00Z',
      null,
      '2022-02-28T10:00:00Z',
      '2022-02-27T10:00:00Z',
    )
    const windows = splitDailyWindows(frame, '2022-02-01', 27)
    expect(windows).toHaveLength(27)
    expect(windows.reduce((sum, w) => sum + w.rows.length, 0)).toBe(1)
    expect([...windows[26]!.rows]).toEqual([3])
  })

  it('rejects malformed dates and day counts with a sentence that says the format', () => {
    expect(() => splitDailyWindows(pickups(), '2022-02-30', 1)).toThrow(/YYYY-MM-DD/)
    expect(() => splitDailyWindows(pickups(), '2022-02-01', 0)).toThrow(/positive integer/)
  })
})

describe('calendar helpers', () => {
  it('knows month lengths, leap years included', () => {
    expect(daysInMonth('2022-02')).toBe(28)
    expect(daysInMonth('2024-02')).toBe(29)
    expect(daysInMonth('2022-01')).toBe(31)
    expect(parseIsoDate('2022-02-01')).toBe(Date.UTC(2022, 1, 1))
  })
})
