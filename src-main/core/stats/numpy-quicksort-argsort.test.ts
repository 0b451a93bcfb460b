import { describe, expect, it } from 'vitest'
import argsortJson from '../../../test/fixtures/numpy/argsort-quicksort.json'
import tiesJson from '../../../test/fixtures/numpy/value-counts-ties.json'
import { pandasMostCommon } from '../quality/column-value-counts'
import { numpyQuicksortArgsort } from './numpy-quicksort-argsort'

const fixture = argsortJson as { numpy: string; cases: { values: number[]; order: number[] }[] }

describe('numpyQuicksortArgsort', () => {
  it(`orders ties exactly as numpy ${fixture.numpy} argsort(kind="quicksort") (scripts/numpy)`, () => {
    for (const { values, order } of fixture.cases)
      expect(Array.from(numpyQuicksortArgsort(values)), `n = ${values.length}`).toEqual(order)
  })
  it('sorts distinct values ascending', () => {
    expect(Array.from(numpyQuicksortArgsort([3, 1, 2]))).toEqual([1, 2, 0])
  })
})

const ties = tiesJson as {
  pandas: string
  cases: {
    kind: 'string' | 'float64'
    values: (number | string | null)[]
    most_common: unknown
    count: number
  }[]
}

describe('pandasMostCommon', () => {
  it(`names what pandas ${ties.pandas} value_counts(dropna=False).index[0] names among ties (scripts/pandas)`, () => {
    ties.cases.forEach(({ kind, values, most_common, count }, i) => {
      const column =
        kind === 'string'
          ? { kind: 'string' as const, values: values as (string | null)[] }
          : {
              kind: 'float64' as const,
              values: Float64Array.from(values, (v) => (v === null ? Number.NaN : (v as number))),
              valid: null,
            }
      expect(pandasMostCommon(column, values.length), `case ${i}`).toEqual({
        value: most_common,
        count,
      })
    })
  })
  it('names the value pandas value_counts puts first among 20 values seen once', () => {
    // pandas 1.5: value_counts(dropna=False) of 20 distinct floats; with numpy 1.24's quicksort the first
    // index is the one nargsort leaves on top (fixture case of 20 ones: its first order entry).
    const values = Float64Array.from({ length: 20 }, (_, i) => i + 0.5)
    const ones = fixture.cases.find((c) => c.values.length === 20 && c.values.every((v) => v === 1))
    const result = pandasMostCommon({ kind: 'float64', values, valid: null }, 20)
    expect(result.count).toBe(1)
    if (ones !== undefined) {
      // nargsort(descending) reverses, argsorts and reverses: the winner is n − 1 − order[n − 1].
      expect(result.value).toBe(values[19 - (ones.order[19] as number)] as number)
    }
  })
  it('prefers the strictly most common value regardless of order', () => {
    const result = pandasMostCommon({ kind: 'string', values: ['a', 'b', 'b', null] }, 4)
    expect(result).toEqual({ value: 'b', count: 2 })
  })
})
