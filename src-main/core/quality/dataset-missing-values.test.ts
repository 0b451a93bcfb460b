import { describe, expect, it } from 'vitest'
import type { Frame } from '../data/frame'
import { datasetMissingValues } from './dataset-missing-values'

const frame: Frame = {
  rowCount: 4,
  names: ['fare', 'flag', 'ehail_fee'],
  columns: {
    fare: {
      kind: 'float64',
      values: Float64Array.of(1, Number.NaN, Infinity, -Infinity),
      valid: Uint8Array.of(1, 1, 1, 1),
    },
    flag: { kind: 'string', values: ['N', '', null, 'Y'] },
    ehail_fee: { kind: 'null', length: 4 },
  },
}

describe('datasetMissingValues (Evidently DatasetMissingValuesMetric)', () => {
  it('counts nulls, NaN, empty strings and both infinities over every column', () => {
    const result = datasetMissingValues(frame)
    expect(result.number_of_missing_values_by_column).toEqual({ fare: 3, flag: 2, ehail_fee: 4 })
    expect(result.different_missing_values).toEqual({ '': 1, '-inf': 1, None: 6, inf: 1 })
    expect(result.number_of_missing_values).toBe(9)
    expect(result.share_of_missing_values).toBe(9 / 12)
    expect(result.number_of_different_missing_values).toBe(4)
    expect(result.number_of_different_missing_values_by_column).toEqual({
      fare: 3,
      flag: 2,
      ehail_fee: 1,
    })
  })

  it('counts a row once however many of its cells are missing', () => {
    const result = datasetMissingValues(frame)
    expect(result.number_of_rows_with_missing_values).toBe(4) // ehail_fee is null everywhere
    expect(result.share_of_rows_with_missing_values).toBe(1)
    expect(result.columns_with_missing_values).toEqual(['ehail_fee', 'fare', 'flag'])
    expect(result.share_of_columns_with_missing_values).toBe(1)
  })

  it('reads a masked-out numeric cell as null, never as 0', () => {
    const masked: Frame = {
      rowCount: 2,
      names: ['passenger_count'],
      columns: {
        passenger_count: {
          kind: 'float64',
          values: Float64Array.of(0, 0),
          valid: Uint8Array.of(1, 0),
        },
      },
    }
    const result = datasetMissingValues(masked)
    expect(result.number_of_missing_values).toBe(1)
    expect(result.share_of_missing_values_by_column).toEqual({ passenger_count: 0.5 })
  })

  it('gives zero shares, not NaN, for a frame without rows', () => {
    const empty: Frame = {
      rowCount: 0,
      names: ['a'],
      columns: { a: { kind: 'string', values: [] } },
    }
    const result = datasetMissingValues(empty)
    expect(result.share_of_missing_values).toBe(0)
    expect(result.share_of_rows_with_missing_values).toBe(0)
  })
})

// Issue 9: column names are data. `{}[name] = …` with name '__proto__' replaced the prototype instead of
// adding a key, so that column vanished from every by-column map (and from the JSON report).
describe('datasetMissingValues with column names that are Object.prototype members', () => {
  it('keeps a column named __proto__ as an ordinary key', () => {
    const odd: Frame = {
      rowCount: 2,
      names: ['__proto__', 'constructor'],
      columns: Object.fromEntries([
        [
          '__proto__',
          { kind: 'float64', values: Float64Array.of(1, 2), valid: Uint8Array.of(1, 0) },
        ],
        ['constructor', { kind: 'string', values: ['a', 'b'] }],
      ]),
    }
    const result = datasetMissingValues(odd)
    expect(Object.keys(result.number_of_missing_values_by_column)).toEqual([
      '__proto__',
      'constructor',
    ])
    expect(JSON.parse(JSON.stringify(result.number_of_missing_values_by_column))).toEqual(
      Object.fromEntries([
        ['__proto__', 1],
        ['constructor', 0],
      ]),
    )
    expect(result.columns_with_missing_values).toEqual(['__proto__'])
  })
})
