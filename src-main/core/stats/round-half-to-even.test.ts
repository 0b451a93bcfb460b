import { describe, expect, it } from 'vitest'
import { roundHalfToEven } from './round-half-to-even'

describe('roundHalfToEven', () => {
  it('rounds ties to the even neighbour like numpy.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, -1.5].map(roundHalfToEven)).toEqual([0, 2, 2, 4, -2])
  })
  it('rounds other values to the nearest integer', () => {
    expect([2.4999, 2.5001, -2.6].map(roundHalfToEven)).toEqual([2, 3, -3])
  })
})
