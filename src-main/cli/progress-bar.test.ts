import { describe, expect, it } from 'vitest'
import type { ProgressStream } from './progress-bar'
import {
  ProgressBar,
  formatBytes,
  formatCount,
  formatDuration,
  formatProgressLine,
} from './progress-bar'

/** Records writes; `isTTY` decides whether the bar redraws in place or prints plain lines. */
function recorder(isTTY: boolean, columns = 100): ProgressStream & { text: string } {
  const stream = {
    text: '',
    isTTY,
    columns,
    write(chunk: string) {
      stream.text += chunk
      return true
    },
  }
  return stream
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0
  return { now: () => t, advance: (ms) => (t += ms) }
}

describe('formatBytes', () => {
  it('uses decimal units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1000)).toBe('1.00 kB')
    expect(formatBytes(1_254_291)).toBe('1.25 MB')
    expect(formatBytes(12_500_000)).toBe('12.5 MB')
    expect(formatBytes(125_400_000)).toBe('125 MB')
    expect(formatBytes(999_999)).toBe('1.00 MB')
    expect(formatBytes(3.2e9)).toBe('3.20 GB')
  })
})

describe('formatCount and formatDuration', () => {
  it('groups thousands and shows m:ss or h:mm:ss', () => {
    expect(formatCount(62495)).toBe('62,495')
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration(4.2)).toBe('0:05')
    expect(formatDuration(62)).toBe('1:02')
    expect(formatDuration(3723)).toBe('1:02:03')
    expect(formatDuration(Infinity)).toBe('--:--')
  })
})

describe('formatProgressLine', () => {
  it('shows label, bar, percent, humanised bytes, rate and ETA', () => {
    const line = formatProgressLine(
      {
        label: 'green_tripdata_2022-01.parquet',
        done: 627_146,
        total: 1_254_291,
        unit: 'bytes',
        ratePerSecond: 1_100_000,
      },
      100,
    )
    expect(line).toBe(
      'green_tripdata_2022-01.parquet [=========>        ]   50%  627 kB / 1.25 MB  1.10 MB/s  ETA 0:01',
    )
  })

  it('keeps the bar the same width while the numbers change', () => {
    const widths = [0, 1, 500_000, 1_254_291].map((done) => {
      const line = formatProgressLine({
        label: 'x',
        done,
        total: 1_254_291,
        unit: 'bytes',
        ratePerSecond: done > 0 ? 5e6 : null,
      })
      return /\[[=> ]*\]/.exec(line)![0].length
    })
    expect(new Set(widths).size).toBe(1)
  })

  it('counts items with their name and drops bar and ETA when the total is unknown', () => {
    expect(
      formatProgressLine(
        {
          label: 'backfill',
          done: 7,
          total: 28,
          unit: 'items',
          itemName: 'days',
          ratePerSecond: 2,
        },
        80,
      ),
    ).toBe('backfill [=====>              ]   25%  7 / 28 days  2.0 days/s  ETA 0:11')
    expect(
      formatProgressLine({
        label: 'pull',
        done: 2_500_000,
        total: null,
        unit: 'bytes',
        ratePerSecond: null,
      }),
    ).toBe('pull  2.50 MB')
  })

  it('shows a full bar at 100 % and clamps overshoot', () => {
    const line = formatProgressLine(
      { label: 'f', done: 120, total: 100, unit: 'items', ratePerSecond: 0 },
      60,
    )
    expect(line.endsWith('=]  100%  120 / 100')).toBe(true)
  })
})

describe('ProgressBar', () => {
  it('redraws one line in place on a terminal, at most every 100 ms', () => {
    const stream = recorder(true)
    const clock = manualClock()
    const bar = new ProgressBar(stream, {
      label: 'file',
      unit: 'bytes',
      total: 1000,
      now: clock.now,
    })
    for (let done = 0; done <= 1000; done += 10) {
      bar.update(done)
      clock.advance(10) // 100 updates over 1 s
    }
    bar.finish()
    const redraws = stream.text.split('\r').length - 1
    expect(redraws).toBeGreaterThanOrEqual(10)
    expect(redraws).toBeLessThanOrEqual(13)
    expect(stream.text.split('\n')).toHaveLength(2) // one finished line, nothing else
    expect(stream.text.endsWith('=]  100%  1.00 kB / 1.00 kB  1.00 kB/s  ETA 0:00\n')).toBe(true)
    expect(stream.text.split('\n')[0]!.lastIndexOf('\r\x1b[Kfile [')).toBeGreaterThan(0)
  })

  it('prints only occasional plain lines in a log: start, each quarter, and the end once', () => {
    const stream = recorder(false)
    const clock = manualClock()
    const bar = new ProgressBar(stream, {
      label: 'file',
      unit: 'items',
      total: 1000,
      now: clock.now,
    })
    for (let done = 0; done <= 1000; done += 1) {
      bar.update(done)
      clock.advance(1)
    }
    bar.finish()
    const lines = stream.text.trimEnd().split('\n')
    expect(stream.text).not.toContain('\r')
    expect(lines.map((line) => /(\d+)%/.exec(line)![1])).toEqual(['0', '25', '50', '75', '100'])
  })

  it('prints a plain line every 10 s when the total is unknown', () => {
    const stream = recorder(false)
    const clock = manualClock()
    const bar = new ProgressBar(stream, { label: 'pull', unit: 'bytes', now: clock.now })
    for (let second = 0; second <= 35; second++) {
      bar.update(second * 1_000_000)
      clock.advance(1000)
    }
    expect(stream.text.trimEnd().split('\n')).toHaveLength(4) // at 0, 10, 20, 30 s
  })

  it('uses the rate the caller measured when given', () => {
    const stream = recorder(false)
    const bar = new ProgressBar(stream, { label: 'f', unit: 'bytes', total: 2000, now: () => 0 })
    bar.update(1000, { ratePerSecond: 500 })
    expect(stream.text).toContain('500 B/s  ETA 0:02')
  })

  it('keeps the bar intact around a note and ends the line on failure', () => {
    const stream = recorder(true)
    const clock = manualClock()
    const bar = new ProgressBar(stream, { label: 'f', unit: 'bytes', total: 100, now: clock.now })
    bar.update(40)
    bar.note('connection reset; retrying')
    expect(stream.text).toContain('\r\x1b[Kconnection reset; retrying\n\rf [')
    bar.fail('gave up')
    expect(stream.text.endsWith('\x1b[K\ngave up\n')).toBe(true)
    bar.update(50) // ignored after the end
    expect(stream.text.endsWith('gave up\n')).toBe(true)
  })
})
