import { describe, expect, it } from 'vitest'
import { selectDefaultStatTest } from './select-default-stat-test'

/** `size` values cycling through `distinct` levels. */
function levels(size: number, distinct: number, start = 0): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => start + (i % distinct))
}

describe('selectDefaultStatTest (Evidently _get_default_stattest)', () => {
  it('small numeric reference: z for ≤ 2 values, chi-square for 3–5, KS above', () => {
    expect(selectDefaultStatTest(levels(1000, 2), levels(10, 2), 'num').name).toBe('z')
    expect(selectDefaultStatTest(levels(1000, 2), levels(10, 1, 2), 'num').name).toBe('chisquare')
    expect(selectDefaultStatTest(levels(1000, 5), levels(10, 5), 'num').name).toBe('chisquare')
    expect(selectDefaultStatTest(levels(1000, 5), levels(10, 1, 5), 'num').name).toBe('ks')
  })

  it('counts distinct values on the union, not the reference alone', () => {
    expect(selectDefaultStatTest(levels(100, 1), levels(100, 1, 1), 'num').name).toBe('z')
    expect(selectDefaultStatTest(levels(100, 1), levels(100, 2, 1), 'cat').name).toBe('chisquare')
  })

  it('small categorical reference: z for ≤ 2 values, chi-square above; never KS', () => {
    expect(selectDefaultStatTest(['a', 'b'], ['a'], 'cat').name).toBe('z')
    expect(selectDefaultStatTest(levels(1000, 50), levels(5, 5), 'cat').name).toBe('chisquare')
  })

  it('large reference (> 1000 rows): numeric JS for ≤ 5 values, Wasserstein above; categorical always JS', () => {
    expect(selectDefaultStatTest(levels(1001, 5), levels(10, 5), 'num').name).toBe('jensenshannon')
    expect(selectDefaultStatTest(levels(1001, 6), levels(10, 5), 'num').name).toBe('wasserstein')
    expect(selectDefaultStatTest(levels(1001, 300), levels(10, 5), 'cat').name).toBe(
      'jensenshannon',
    )
  })

  it('ignores the current size', () => {
    expect(selectDefaultStatTest(levels(1000, 10), levels(50000, 10), 'num').name).toBe('ks')
  })

  it('rejects a numeric reference with a string current', () => {
    expect(() => selectDefaultStatTest(levels(3, 3), ['a'], 'cat')).toThrow(TypeError)
  })
})
