import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTripFile } from '../../src-main/adapters/parquet/read-parquet-frame'
import type { Frame } from '../../src-main/core/data/frame'
import { getColumn, isNullAt, takeRows } from '../../src-main/core/data/frame'
import { splitDailyWindows } from '../../src-main/core/pipeline/daily-windows'
import { windowColumnMetric } from '../../src-main/core/quality/window-column-metric'
import { isClose } from '../support/answer-keys'

/**
 * The backfill's `quantile` metric is Evidently 0.4's ColumnQuantileMetric: pandas' `Series.quantile(q)`,
 * numpy's default linear interpolation over the non-null values. Pinned against pandas 1.5.3 / numpy 1.24.2
 * by scripts/pandas/window_quantiles.py: a committed fixture (nulls, ties, negatives, a 2-value and an
 * all-null window) and, when ../shared holds it and Debian's python3-pandas is installed, every day of the
 * real March 2024 green-taxi file (the 2024 homework: its maximum daily median fare is 14.2).
 */
interface Expected {
  quantiles: number[]
  windows: Record<string, { rows: number; values: Record<string, number | null> }>
}

const SCRIPT = resolve(__dirname, '../../scripts/pandas/window_quantiles.py')
const FIXTURES = resolve(__dirname, '../fixtures/pandas')
const MARCH_2024 = resolve(
  __dirname,
  '../../../shared/data/nyc-taxi/green_tripdata_2024-03.parquet',
)
const PYTHON = '/usr/bin/python3'
const hasPandas =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0

/** A frame of one float column `value` from `window,value` CSV rows of one window. */
function windowFrames(csv: string): Map<string, Frame> {
  const values = new Map<string, (number | null)[]>()
  for (const line of csv.trim().split('\n').slice(1)) {
    const [window, text] = line.split(',') as [string, string]
    const list = values.get(window) ?? []
    list.push(text === '' ? null : Number(text))
    values.set(window, list)
  }
  return new Map(
    [...values].map(([window, list]) => [
      window,
      {
        rowCount: list.length,
        names: ['value'],
        columns: {
          value: {
            kind: 'float64',
            values: Float64Array.from(list.map((v) => v ?? 0)),
            valid: Uint8Array.from(list.map((v) => (v === null ? 0 : 1))),
          },
        },
      } satisfies Frame,
    ]),
  )
}

function expectSameQuantiles(frames: Map<string, Frame>, expected: Expected, column: string): void {
  expect([...frames.keys()].sort()).toEqual(Object.keys(expected.windows).sort())
  for (const [window, frame] of frames) {
    for (const q of expected.quantiles) {
      const [value] = windowColumnMetric(frame, { column, metric: 'quantile', quantile: q })
      const want = expected.windows[window]!.values[String(q).includes('.') ? String(q) : `${q}.0`]
      if (want === null || want === undefined) {
        expect(value?.value, `${window} q=${q}`).toBeNull()
        expect(value?.error, `${window} q=${q}`).toMatch(/no value/)
      } else {
        expect(
          isClose(value?.value as number, want, 1e-12, 0),
          `${window} q=${q}: ${value?.value} vs ${want}`,
        ).toBe(true)
      }
    }
  }
}

describe('quantile per window equals pandas Series.quantile', () => {
  it('on the committed fixture: nulls, ties, negatives, two values, all null', () => {
    const expected = JSON.parse(
      readFileSync(join(FIXTURES, 'window-quantiles-expected.json'), 'utf8'),
    ) as Expected
    const frames = windowFrames(readFileSync(join(FIXTURES, 'window-quantiles-input.csv'), 'utf8'))
    expectSameQuantiles(frames, expected, 'value')
  })

  it.skipIf(!hasPandas || !existsSync(MARCH_2024))(
    'on every day of March 2024 (fare_amount), whose maximum daily median is the homework answer 14.2',
    async () => {
      const month = await readTripFile(MARCH_2024)
      const days = splitDailyWindows(month, '2024-03-01', 31)
      const lines = ['window,value']
      for (const day of days) {
        const fare = getColumn(takeRows(month, day.rows), 'fare_amount')
        if (fare.kind === 'string' || fare.kind === 'null')
          throw new Error('fare_amount is not numeric')
        for (let i = 0; i < day.rows.length; i++)
          lines.push(`${day.date},${isNullAt(fare, i) ? '' : String(fare.values[i])}`)
      }
      const dir = mkdtempSync(join(tmpdir(), 'driftdesk-quantiles-'))
      try {
        writeFileSync(join(dir, 'fares.csv'), `${lines.join('\n')}\n`)
        const expected = JSON.parse(
          execFileSync(PYTHON, [SCRIPT, join(dir, 'fares.csv'), '0.5', '0.9'], {
            encoding: 'utf8',
          }),
        ) as Expected
        const frames = new Map(days.map((day) => [day.date, takeRows(month, day.rows)]))
        expectSameQuantiles(frames, expected, 'fare_amount')
        const medians = days.map(
          (day) =>
            windowColumnMetric(frames.get(day.date)!, {
              column: 'fare_amount',
              metric: 'quantile',
              quantile: 0.5,
            })[0]!.value as number,
        )
        expect(Math.max(...medians)).toBe(14.2)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    120_000,
  )
})
