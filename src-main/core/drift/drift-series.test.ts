import { describe, expect, it } from 'vitest'
import { cleanDriftSeries } from './drift-series'

describe('cleanDriftSeries', () => {
  it('drops nulls, NaN and ±inf, keeping the order', () => {
    const values = Float64Array.of(1, Number.NaN, Infinity, 2, -Infinity, 3)
    const valid = Uint8Array.of(1, 1, 1, 1, 1, 0)
    expect(
      Array.from(cleanDriftSeries({ kind: 'float64', values, valid }) as Float64Array),
    ).toEqual([1, 2])
    expect(cleanDriftSeries({ kind: 'string', values: ['a', null, 'b'] })).toEqual(['a', 'b'])
  })

  it('returns a complete, finite column as its own array (no copy per column per window)', () => {
    const values = Float64Array.of(3, -0, 1e300, 2)
    const series = cleanDriftSeries({ kind: 'float64', values, valid: Uint8Array.of(1, 1, 1, 1) })
    expect(series).toBe(values)
    expect(cleanDriftSeries({ kind: 'int64', values, valid: null })).toBe(values)
    // One null or one non-finite value still gives a new, shorter array and leaves the column alone.
    const withNull = cleanDriftSeries({ kind: 'float64', values, valid: Uint8Array.of(1, 0, 1, 1) })
    expect(Array.from(withNull as Float64Array)).toEqual([3, 1e300, 2])
    expect(Array.from(values)).toEqual([3, -0, 1e300, 2])
  })
})
