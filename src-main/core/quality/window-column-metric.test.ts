import { describe, expect, it } from 'vitest'
import type { Frame } from '../data/frame'
import { formatWindowMetric, parseWindowMetric, windowColumnMetric } from './window-column-metric'

const frame: Frame = {
  rowCount: 5,
  names: ['fare', 'kind'],
  columns: {
    fare: {
      kind: 'float64',
      values: Float64Array.of(4, Number.NaN, 1, Infinity, 2),
      valid: Uint8Array.of(1, 1, 1, 1, 0),
    },
    kind: { kind: 'string', values: ['a', '', null, 'b', 'a'] },
  },
}

describe('parseWindowMetric', () => {
  it('reads every form and writes it back', () => {
    for (const text of [
      'quantile:fare_amount:0.5',
      'value_range:a:b',
      'mean:x',
      'missing_share:x',
      'missing_count:x',
    ])
      expect(formatWindowMetric(parseWindowMetric(text))).toBe(text)
    expect(parseWindowMetric('quantile:a:b:0.25')).toEqual({
      column: 'a:b',
      metric: 'quantile',
      quantile: 0.25,
    })
  })

  it('names the accepted forms for anything else', () => {
    expect(() => parseWindowMetric('quantile:fare')).toThrow(/quantile:COLUMN:Q/)
    expect(() => parseWindowMetric('quantile:fare:1.5')).toThrow(/quantile:COLUMN:Q/)
    expect(() => parseWindowMetric('median:fare')).toThrow(/value_range:COLUMN/)
    expect(() => parseWindowMetric('mean')).toThrow(/mean:COLUMN/)
  })
})

describe('windowColumnMetric', () => {
  it('takes min, max and mean over the non-null values as pandas does (inf is a value there)', () => {
    expect(
      windowColumnMetric(frame, { column: 'fare', metric: 'value_range' }).map((v) => [
        v.metric,
        v.value,
      ]),
    ).toEqual([
      ['min', 1],
      ['max', Infinity],
    ])
    expect(windowColumnMetric(frame, { column: 'fare', metric: 'mean' })[0]?.value).toBe(Infinity)
  })

  it('counts missing cells as DatasetMissingValuesMetric does: null, NaN, "" and ±inf', () => {
    expect(windowColumnMetric(frame, { column: 'fare', metric: 'missing_count' })[0]?.value).toBe(3)
    expect(windowColumnMetric(frame, { column: 'kind', metric: 'missing_share' })[0]?.value).toBe(
      0.4,
    )
  })

  it('gives an error value, not an exception, for a text column, a missing column or no values', () => {
    expect(windowColumnMetric(frame, { column: 'kind', metric: 'mean' })[0]?.error).toMatch(
      /holds text/,
    )
    expect(
      windowColumnMetric(frame, { column: 'nope', metric: 'quantile', quantile: 0.5 })[0]?.error,
    ).toMatch(/not in the data/)
    const empty: Frame = { rowCount: 0, names: [], columns: {} }
    expect(windowColumnMetric(empty, { column: 'fare', metric: 'value_range' })).toHaveLength(2)
  })
})
