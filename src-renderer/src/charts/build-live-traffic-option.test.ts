import { describe, expect, it } from 'vitest'
import type { ServiceHealthWindow } from '../../../src-main/shared/domain/live'
import { buildLiveTrafficOption } from './build-live-traffic-option'
import { summarizeChartOption } from './summarize-chart-option'

function healthWindow(start: string, requests: number, errors: number): ServiceHealthWindow {
  return {
    start,
    end: start,
    requests,
    errors,
    errorRate: requests === 0 ? null : errors / requests,
    latencyP50Ms: 2,
    latencyP95Ms: 6,
    latencyP99Ms: 11,
  }
}

type Series = { name: string; type: string; data: [number, number | null][]; yAxisIndex?: number }

describe('buildLiveTrafficOption', () => {
  const option = buildLiveTrafficOption([
    healthWindow('2022-03-01T00:00:00.000Z', 200, 2),
    healthWindow('2022-03-01T01:00:00.000Z', 0, 0),
  ])
  const series = option.series as Series[]

  it('plots requests and error rate at each window start on a UTC time axis', () => {
    expect((option.xAxis as { type: string }).type).toBe('time')
    expect(option.useUTC).toBe(true)
    const start = Date.UTC(2022, 2, 1)
    expect(series.find((entry) => entry.name === 'Requests')?.data).toEqual([
      [start, 200],
      [start + 3_600_000, 0],
    ])
    expect(series.find((entry) => entry.name === 'Error rate')?.data).toEqual([
      [start, 0.01],
      [start + 3_600_000, null],
    ])
  })

  it('puts the error rate (a share) on its own axis, and counts a window with no rate as a gap', () => {
    expect(series.find((entry) => entry.name === 'Error rate')?.yAxisIndex).toBe(1)
    expect(summarizeChartOption(option)).toEqual({ series: ['Requests', 'Error rate'], points: 3 })
  })

  it('draws an empty chart (series, no points) before the first window closes', () => {
    expect(summarizeChartOption(buildLiveTrafficOption([])).points).toBe(0)
  })
})
