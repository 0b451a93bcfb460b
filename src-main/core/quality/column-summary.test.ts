import { describe, expect, it } from 'vitest'
import describeFixture from '../../../test/fixtures/scipy/describe-mean-std.json'
import type { Frame } from '../data/frame'
import type { CategoricalCharacteristics, NumericCharacteristics } from './column-summary'
import { summarizeColumn } from './column-summary'
import { columnQuantile } from './column-quantile'
import { summarizeDataset } from './dataset-summary'

describe('ColumnSummaryMetric characteristics', () => {
  it('describes numbers like pandas describe(), rounded to 2 decimals', () => {
    const column = {
      kind: 'float64' as const,
      values: Float64Array.of(1, 2, 3, 4, 0, Infinity),
      valid: Uint8Array.of(1, 1, 1, 1, 0, 1),
    }
    const summary = summarizeColumn(column, 6, 'num')
    const c = summary.characteristics as NumericCharacteristics
    expect(c.count).toBe(5)
    expect(c.missing).toBe(1)
    expect(c.missing_percentage).toBe(16.67)
    expect(c.infinite_count).toBe(1)
    expect(c.min).toBe(1)
    expect(c.max).toBe(Infinity)
    expect(c.p50).toBe(3)
    const finite = summarizeColumn(
      { kind: 'float64', values: Float64Array.of(1, 2, 3, 4), valid: null },
      4,
      'num',
    )
    const f = finite.characteristics as NumericCharacteristics
    expect(f.mean).toBe(2.5)
    expect(f.std).toBe(1.29) // sqrt(5/3) = 1.2909…
    expect(f.p25).toBe(1.75)
    expect(f.unique_percentage).toBe(100)
  })
  it('counts new and unused categories against the reference', () => {
    const reference = summarizeColumn({ kind: 'string', values: ['a', 'b', 'b'] }, 3, 'cat')
    const current = summarizeColumn(
      { kind: 'string', values: ['b', 'c', null, 'c'] },
      4,
      'cat',
      reference.statistics,
    )
    const c = current.characteristics as CategoricalCharacteristics
    expect(c.most_common).toBe('c')
    expect(c.most_common_percentage).toBe(50)
    // 'c' and the null are new (Evidently compares `set(column.unique())`, null included; pinned by the
    // own-data-synthetic Evidently key), 'a' is unused.
    expect(c.new_in_current_values_count).toBe(2)
    expect(c.unused_in_current_values_count).toBe(1)
  })
})

describe('DatasetSummaryMetric and ColumnQuantileMetric', () => {
  const frame: Frame = {
    rowCount: 4,
    names: ['a', 'b', 'c', 'empty'],
    columns: {
      a: { kind: 'float64', values: Float64Array.of(1, 1, 2, 1), valid: null },
      b: { kind: 'float64', values: Float64Array.of(1, 1, 2, 1), valid: null },
      c: { kind: 'string', values: ['x', 'x', 'y', 'x'] },
      empty: { kind: 'null', length: 4 },
    },
  }
  it('counts duplicated rows and columns, constant and empty columns', () => {
    const summary = summarizeDataset(frame, { a: 'num', b: 'num', c: 'cat', empty: 'cat' })
    expect(summary.number_of_duplicated_rows).toBe(2)
    expect(summary.number_of_duplicated_columns).toBe(1)
    expect(summary.number_of_constant_columns).toBe(1)
    expect(summary.number_of_empty_columns).toBe(1)
    expect(summary.number_of_missing_values).toBe(4)
    expect(summary.number_of_numeric_columns).toBe(2)
  })
  it('takes the linear-interpolated quantile of non-null values', () => {
    expect(columnQuantile(frame, 'a', 0.5).current.value).toBe(1)
    expect(columnQuantile(frame, 'a', 0.9).current.value).toBeCloseTo(1.7, 12)
    expect(columnQuantile(frame, 'empty', 0.5).current.value).toBeNull()
    expect(() => columnQuantile(frame, 'a', 2)).toThrow(RangeError)
  })
})

describe('describe() mean and std in pandas summation order', () => {
  // Samples where summing the SORTED values left to right changes the rounded mean or std
  // (scripts/scipy/describe_mean_std.py, pandas 1.5 / numpy 1.24).
  it.each(describeFixture.cases.map((c, k) => [k, c] as const))(
    'case %i matches pandas bit for bit and after rounding',
    (_k, expected) => {
      const values = expected.values.map((v) => (v === null ? Number.NaN : v))
      const column = {
        kind: 'float64' as const,
        values: Float64Array.from(values),
        valid: Uint8Array.from(expected.values, (v) => (v === null ? 0 : 1)),
      }
      const summary = summarizeColumn(column, values.length, 'num')
      const c = summary.characteristics as NumericCharacteristics
      expect(c.mean).toBe(expected.rounded_mean)
      expect(c.std).toBe(expected.rounded_std)
    },
  )
  it('covers samples with nulls', () => {
    expect(describeFixture.cases.some((c) => c.values.includes(null))).toBe(true)
  })
})
