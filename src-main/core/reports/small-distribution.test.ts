import { describe, expect, it } from 'vitest'
import { categoricalSmallDistribution, numericSmallDistribution } from './small-distribution'

describe("Evidently's small distributions", () => {
  it('is np.histogram(density=True) for numbers, last bin closed', () => {
    expect(numericSmallDistribution(Float64Array.of(0, 1, 1, 2), 2)).toEqual({
      x: [0, 1, 2],
      y: [0.25, 0.75],
    })
    const constant = numericSmallDistribution(Float64Array.of(3, 3), 2)
    expect(constant.x).toEqual([2.5, 3, 3.5])
    expect(constant.y).toEqual([0, 2])
  })
  it('orders categorical keys as strings over the union', () => {
    const reference = Float64Array.of(10, 2, 2)
    const current = Float64Array.of(1, 2)
    expect(categoricalSmallDistribution(reference, current, 'current')).toEqual({
      x: [1, 10, 2],
      y: [1, 0, 1],
    })
    expect(categoricalSmallDistribution(reference, current, 'reference')).toEqual({
      x: [1, 10, 2],
      y: [0, 1, 2],
    })
  })
})
