import { describe, expect, it } from 'vitest'
import { inferSampleColumnType, sampleDtype } from './infer-sample-column-type'

describe('sampleDtype (the dtype of pd.Series(values))', () => {
  it('gives int64 for whole numbers, float64 once a fraction, NaN, inf or null appears', () => {
    expect(sampleDtype([1, 2, 3])).toBe('int')
    expect(sampleDtype([1, 2.5])).toBe('float')
    expect(sampleDtype([1, null])).toBe('float')
    expect(sampleDtype([1, Number.NaN])).toBe('float')
    expect(sampleDtype([1, Infinity])).toBe('float')
  })
  it('gives bool for booleans only, object for strings, mixed booleans or only nulls', () => {
    expect(sampleDtype([true, false])).toBe('bool')
    expect(sampleDtype([true, null])).toBe('object')
    expect(sampleDtype(['a', 1])).toBe('object')
    expect(sampleDtype([null, null])).toBe('object')
  })
})

// Expected types: Evidently 0.4.16 `_get_column_type` with the default ColumnMapping() (read from its source).
describe('inferSampleColumnType (Evidently with no column mapping)', () => {
  it('types an ordinary column by dtype and, for integers, by 5 distinct values', () => {
    expect(inferSampleColumnType('x', [0.5, 1], [2.5])).toBe('num')
    expect(inferSampleColumnType('x', [1, 2, 3, 4, 5], [6])).toBe('cat')
    expect(inferSampleColumnType('x', [1, 2, 3, 4, 5, 6], [7])).toBe('num')
    expect(inferSampleColumnType('x', ['a'], ['b'])).toBe('cat')
    expect(inferSampleColumnType('x', [true], [false])).toBe('cat')
  })
  it("takes the current sample's dtype when both are numeric, the reference's otherwise", () => {
    expect(inferSampleColumnType('x', [1.5, 2], [1, 2])).toBe('cat')
    expect(inferSampleColumnType('x', [1, 2], [1.5, 2])).toBe('num')
    expect(inferSampleColumnType('x', ['a', 'b'], [1, 2, 3, 4, 5, 6, 7])).toBe('cat')
  })
  it("counts the reference's distinct values, or the current's when the reference has none", () => {
    expect(inferSampleColumnType('x', [1, 1], [1, 2, 3, 4, 5, 6])).toBe('cat')
    expect(inferSampleColumnType('x', [Number.NaN], [1, 2, 3, 4, 5, 6])).toBe('num')
    // An all-null reference is object dtype, which then wins over the current's int64.
    expect(inferSampleColumnType('x', [null], [1, 2, 3, 4, 5, 6])).toBe('cat')
  })
  it('follows the target and prediction rules of the default mapping', () => {
    expect(inferSampleColumnType('target', [0.1, 0.2, 0.3], [0.4])).toBe('cat')
    expect(inferSampleColumnType('target', [1, 2, 3, 4, 5, 6], [1])).toBe('num')
    expect(inferSampleColumnType('prediction', [0.1, 0.2], [0.9, 0.3])).toBe('num')
    expect(inferSampleColumnType('prediction', [0.1, 0.2], [2.5, 0.3])).toBe('cat')
    expect(inferSampleColumnType('prediction', [0, 1], [1, 0])).toBe('cat')
    expect(inferSampleColumnType('prediction', [true, false], [true])).toBe('num')
    expect(inferSampleColumnType('prediction', ['a'], ['b'])).toBe('cat')
  })
})
