import { describe, expect, it } from 'vitest'
import { buildPredictedVsActualOption } from './build-predicted-vs-actual-option'

describe('buildPredictedVsActualOption', () => {
  const option = buildPredictedVsActualOption([
    [12, 10.5],
    [47, 38.2],
    [3, 5],
  ])

  it('shares one range on both axes, rounded up to ten minutes', () => {
    expect(option.xAxis).toMatchObject({ min: 0, max: 50 })
    expect(option.yAxis).toMatchObject({ min: 0, max: 50 })
  })

  it('draws the points and the y = x line of a perfect model', () => {
    const [points, diagonal] = option.series as { data: number[][] }[]
    expect(points?.data).toEqual([
      [12, 10.5],
      [47, 38.2],
      [3, 5],
    ])
    expect(diagonal?.data).toEqual([
      [0, 0],
      [50, 50],
    ])
  })
})
