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

  it('reads a correlation with or without its method (pearson by default), and writes the method', () => {
    expect(parseWindowMetric('correlation:a:b')).toEqual({
      column: 'a',
      metric: 'correlation',
      with: 'b',
      method: 'pearson',
    })
    for (const method of ['pearson', 'spearman', 'kendall'])
      expect(formatWindowMetric(parseWindowMetric(`correlation:a:b:${method}`))).toBe(
        `correlation:a:b:${method}`,
      )
  })

  it('refuses a correlation it cannot cut into two columns, pointing to the project file form', () => {
    expect(() => parseWindowMetric('correlation:a')).toThrow(/correlation:COLUMN_A:COLUMN_B/)
    expect(() => parseWindowMetric('correlation:a:b:c')).toThrow(/project file/)
    expect(() => parseWindowMetric('correlation:a:b:pearsonn')).toThrow(
      /pearson, spearman or kendall/,
    )
    expect(() => parseWindowMetric('correlation::b')).toThrow(/correlation:COLUMN_A:COLUMN_B/)
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

  it('stores a correlation under both columns and the method, and says why it has no value', () => {
    const pair: Frame = {
      rowCount: 4,
      names: ['x', 'y', 'kind'],
      columns: {
        x: { kind: 'float64', values: Float64Array.of(1, 2, 3, 4), valid: null },
        y: { kind: 'int64', values: Float64Array.of(1, 3, 2, 4), valid: null },
        kind: { kind: 'string', values: ['a', 'b', 'a', 'b'] },
      },
    }
    const [kendall] = windowColumnMetric(pair, {
      column: 'x',
      metric: 'correlation',
      with: 'y',
      method: 'kendall',
    })
    expect(kendall).toMatchObject({ column: 'x,y', metric: 'kendall_correlation' })
    expect(kendall?.parameter).toBeNaN()
    // One discordant pair out of six: τ = (5 − 1) / 6.
    expect(kendall?.value).toBeCloseTo(4 / 6, 15)
    expect(
      windowColumnMetric(pair, {
        column: 'x',
        metric: 'correlation',
        with: 'kind',
        method: 'pearson',
      })[0]?.error,
    ).toMatch(/'kind' holds text/)
    expect(
      windowColumnMetric(pair, {
        column: 'x',
        metric: 'correlation',
        with: 'z',
        method: 'pearson',
      })[0]?.error,
    ).toMatch(/'z' is not in the data/)
  })
})
