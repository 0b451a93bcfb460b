import { describe, expect, it } from 'vitest'
import { numpyLinspace } from './numpy-linspace'

describe('numpyLinspace', () => {
  it('is bit-identical to np.linspace', () => {
    // np.linspace(-3.3, 17.9, 11) and np.linspace(0.1, 0.7, 7), numpy 1.24
    expect(Array.from(numpyLinspace(-3.3, 17.9, 11))).toEqual([
      -3.3, -1.1799999999999997, 0.9400000000000004, 3.0600000000000005, 5.180000000000001,
      7.300000000000002, 9.420000000000002, 11.54, 13.66, 15.780000000000001, 17.9,
    ])
    expect(Array.from(numpyLinspace(0.1, 0.7, 7))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
  })
  it('rejects fewer than two points', () => {
    expect(() => numpyLinspace(0, 1, 1)).toThrow(RangeError)
  })
})
