import { describe, expect, it } from 'vitest'
import { buildDistributionOption, isDominatedByOneBin } from './build-distribution-option'

describe('buildDistributionOption', () => {
  it('shows categorical counts as shares over the union of categories', () => {
    const option = buildDistributionOption(
      { x: [1, 10], y: [30, 10] },
      { x: [10, 100], y: [5, 5] },
      'cat',
    )
    expect((option.xAxis as { data: string[] }).data).toEqual(['1', '10', '100'])
    const [reference, current] = option.series as { data: number[] }[]
    expect(reference?.data).toEqual([0.75, 0.25, 0])
    expect(current?.data).toEqual([0, 0.5, 0.5])
  })

  it('draws numerical densities as steps over each side’s own bin edges', () => {
    const option = buildDistributionOption(
      { x: [0, 1, 2], y: [0.25, 0.75] },
      { x: [0, 5, 10], y: [0.1, 0.1] },
      'num',
    )
    const [reference, current] = option.series as { data: number[][]; step: string }[]
    expect(reference?.step).toBe('end')
    expect(reference?.data).toEqual([
      [0, 0.25],
      [1, 0.75],
      [2, 0.75],
    ])
    expect(current?.data).toEqual([
      [0, 0.1],
      [5, 0.1],
      [10, 0.1],
    ])
  })

  it('draws nothing for a side without data', () => {
    const option = buildDistributionOption(null, { x: [0, 1], y: [1] }, 'num')
    expect((option.series as { data: unknown[] }[])[0]?.data).toEqual([])
  })

  it('spots a histogram squashed into one bin by an outlier, and draws it on a log density axis', () => {
    // 2,536 errors: all but two within minutes, two of ~1,400 minutes stretch the 20 bins.
    const squashed = {
      x: Array.from({ length: 21 }, (_, i) => -40 + i * 73),
      y: [0.013, ...Array(18).fill(0), 0.0001],
    }
    expect(isDominatedByOneBin(squashed)).toBe(true)
    expect(isDominatedByOneBin({ x: [0, 1, 2, 3], y: [0.3, 0.4, 0.3] })).toBe(false)
    const option = buildDistributionOption(null, squashed, 'num', { logDensity: true })
    expect((option.yAxis as { type: string }).type).toBe('log')
    const [, current] = option.series as { data: [number, number][] }[]
    // Empty bins are gaps on a log axis, not zeros it cannot draw.
    expect(current?.data[1]?.[1]).toBeNaN()
    expect(current?.data[0]?.[1]).toBe(0.013)
  })
})
