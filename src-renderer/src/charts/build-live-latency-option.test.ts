import { describe, expect, it } from 'vitest'
import { buildLiveLatencyOption } from './build-live-latency-option'
import type { ServiceHealthWindow } from '../../../src-main/shared/domain/live'

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

type Series = { name: string; data: [number, number | null][] }

describe('buildLiveLatencyOption', () => {
  it('draws p50, p95 and p99 per window, in milliseconds', () => {
    const option = buildLiveLatencyOption([
      { ...healthWindow('2022-03-01T00:00:00.000Z', 10, 0), latencyP99Ms: 18.5 },
      {
        ...healthWindow('2022-03-01T01:00:00.000Z', 0, 0),
        latencyP50Ms: null,
        latencyP95Ms: null,
        latencyP99Ms: null,
      },
    ])
    const series = option.series as Series[]
    expect(series.map((entry) => entry.name)).toEqual(['p50', 'p95', 'p99'])
    expect(series[2]?.data).toEqual([
      [Date.UTC(2022, 2, 1), 18.5],
      [Date.UTC(2022, 2, 1, 1), null],
    ])
    expect(series[0]?.data[0]).toEqual([Date.UTC(2022, 2, 1), 2])
  })
})
