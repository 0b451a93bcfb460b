import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readParquetBytes } from '../../src-main/adapters/parquet/read-parquet-frame'
import { getColumn, isNullAt, takeRows } from '../../src-main/core/data/frame'
import { splitDailyWindows } from '../../src-main/core/pipeline/daily-windows'
import type { NumericCharacteristics } from '../../src-main/core/quality/column-summary'
import {
  describeNumbers,
  sortedNonNullValues,
  summarizeColumn,
} from '../../src-main/core/quality/column-summary'
import { isClose } from '../support/answer-keys'
import { syntheticTripParquet } from '../support/taxi-data'

/**
 * ColumnSummaryMetric's numbers against pandas 1.5 / numpy 1.24 on the synthetic 2022-02-02 day
 * (fixture made by scripts/evidently/column_summary_expectations.py): counts, uniques, the most common share,
 * describe()'s statistics unrounded (1e-12 relative) and rounded to 2 decimals as Evidently prints them.
 */
interface Expected {
  number_of_rows: number
  count: number
  missing: number
  unique: number
  most_common_percentage: number
  mean?: number
  std?: number
  min?: number
  p25?: number
  p50?: number
  p75?: number
  max?: number
  raw_mean?: number
  raw_std?: number
  raw_min?: number
  raw_p25?: number
  raw_p50?: number
  raw_p75?: number
  raw_max?: number
}

const fixture = JSON.parse(
  readFileSync(
    resolve(__dirname, '../fixtures/evidently/column-summary-synthetic-2022-02-02.json'),
    'utf8',
  ),
) as { columns: Record<string, Expected> }

describe('ColumnSummaryMetric vs pandas describe()', () => {
  const month = readParquetBytes(syntheticTripParquet('2022-02'), 'synthetic 2022-02')
  const [window] = splitDailyWindows(month, '2022-02-02', 1)
  const day = takeRows(month, window?.rows ?? [])

  it('covers every column of the synthetic day', () => {
    expect(Object.keys(fixture.columns)).toEqual([...day.names])
  })

  it.each(Object.entries(fixture.columns))('matches pandas on %s', (name, expected) => {
    const column = getColumn(day, name)
    const numeric = expected.raw_mean !== undefined
    const summary = summarizeColumn(column, day.rowCount, numeric ? 'num' : 'cat')
    const c = summary.characteristics
    expect(c.number_of_rows).toBe(expected.number_of_rows)
    expect(c.count).toBe(expected.count)
    expect(c.missing).toBe(expected.missing)
    expect(c.unique).toBe(expected.unique)
    expect(c.most_common_percentage).toBe(expected.most_common_percentage)
    if (!numeric) return
    const n = c as NumericCharacteristics
    for (const key of ['mean', 'std', 'min', 'p25', 'p50', 'p75', 'max'] as const) {
      expect(n[key], `${name} ${key}`).toBe(expected[key])
    }
    const inRowOrder = Float64Array.from({ length: day.rowCount }, (_, i) =>
      isNullAt(column, i) || column.kind === 'string' || column.kind === 'null'
        ? Number.NaN
        : (column.values[i] as number),
    )
    const raw = describeNumbers(sortedNonNullValues(column, day.rowCount), inRowOrder)
    for (const key of ['mean', 'std', 'min', 'p25', 'p50', 'p75', 'max'] as const) {
      const value = raw[key] as number
      const target = expected[`raw_${key}`] as number
      expect(
        isClose(value, target, 1e-12, 1e-300),
        `${name} raw ${key}: ${value} vs ${target}`,
      ).toBe(true)
    }
  })
})
