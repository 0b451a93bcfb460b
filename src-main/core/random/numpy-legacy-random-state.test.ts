import { describe, expect, it } from 'vitest'
import permutationFixture from '../../../test/fixtures/scipy/extended-stattests-permutation.json'
import { NumpyLegacyRandomState } from './numpy-legacy-random-state'
import { createPermutationSource } from './permutation-source'

const fixture = permutationFixture.numpyLegacy

describe('NumpyLegacyRandomState', () => {
  it('emits the same 32-bit words as numpy RandomState(0)', () => {
    const state = new NumpyLegacyRandomState(fixture.seed)
    expect(fixture.rawUint32.map(() => state.nextUint32())).toEqual(fixture.rawUint32)
  })

  it('emits the same doubles as np.random.random_sample after seed(0)', () => {
    const state = new NumpyLegacyRandomState(fixture.seed)
    expect(fixture.randomSample.map(() => state.randomSample())).toEqual(fixture.randomSample)
  })

  it('draws the same successive permutations as np.random.permutation after seed(0)', () => {
    const state = new NumpyLegacyRandomState(fixture.seed)
    for (const expected of fixture.permutations) {
      expect(Array.from(state.permutation(expected.length))).toEqual(expected)
    }
  })

  it('passes the reference 10000th output of init_genrand(5489)', () => {
    // Matsumoto and Nishimura's reference: the 10000th output of mt19937 seeded with 5489.
    const state = new NumpyLegacyRandomState(5489)
    let value = 0
    for (let index = 0; index < 10000; index++) value = state.nextUint32()
    expect(value).toBe(4123659995)
  })

  it('keeps randomInterval within [0, max]', () => {
    const state = new NumpyLegacyRandomState(42)
    for (let draw = 0; draw < 2000; draw++) {
      const value = state.randomInterval(5)
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThanOrEqual(5)
    }
    expect(state.randomInterval(0)).toBe(0)
  })

  it('rejects seeds numpy would reject', () => {
    expect(() => new NumpyLegacyRandomState(-1)).toThrow(RangeError)
    expect(() => new NumpyLegacyRandomState(2 ** 32)).toThrow(RangeError)
    expect(() => new NumpyLegacyRandomState(1.5)).toThrow(RangeError)
  })
})

describe('createPermutationSource', () => {
  it("defaults to numpy's stream after seed(0)", () => {
    const next = createPermutationSource()
    expect(Array.from(next(10))).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5])
  })

  it('shuffles with an injected generator into a valid, reproducible permutation', () => {
    const make = (): (() => number) => {
      const state = new NumpyLegacyRandomState(7)
      return () => state.randomSample()
    }
    const first = Array.from(createPermutationSource(make())(50))
    const second = Array.from(createPermutationSource(make())(50))
    expect(first).toEqual(second)
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('rejects a generator that leaves [0, 1)', () => {
    expect(() => createPermutationSource(() => 1)(3)).toThrow(RangeError)
  })
})
