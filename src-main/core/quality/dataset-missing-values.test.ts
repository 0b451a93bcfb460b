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
