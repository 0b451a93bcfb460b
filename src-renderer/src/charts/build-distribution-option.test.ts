import { describe, expect, it } from 'vitest'
import { buildDistributionOption } from './build-distribution-option'

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
})
