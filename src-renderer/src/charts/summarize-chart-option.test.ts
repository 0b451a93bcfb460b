import { describe, expect, it } from 'vitest'
import { summarizeChartOption } from './summarize-chart-option'

describe('summarizeChartOption', () => {
  it('counts the points with a value in every series, by name', () => {
    const summary = summarizeChartOption({
      series: [
        {
          name: 'reference',
          type: 'line',
          data: [
            [0, 1],
            [1, 2],
          ],
        },
        { type: 'bar', data: [{ value: 3 }, null, { value: null }, 4] },
      ],
    })
    expect(summary).toEqual({ series: ['reference', 'bar'], points: 4 })
  })

  it('reads an option without series as an empty chart', () => {
    expect(summarizeChartOption(null)).toEqual({ series: [], points: 0 })
    expect(summarizeChartOption({ series: [{ name: 'x', data: [] }] }).points).toBe(0)
  })
})
