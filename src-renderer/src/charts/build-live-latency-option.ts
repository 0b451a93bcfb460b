import type { EChartsCoreOption } from 'echarts/core'
import type { ServiceHealthWindow } from '../../../src-main/shared/domain/live'
import { lineSeries, liveChartFrame, timeSeriesOf } from './live-time-series'

/** The latency quantiles per closed window (p50, p95, p99 in milliseconds), from service_health. */
export function buildLiveLatencyOption(windows: readonly ServiceHealthWindow[]): EChartsCoreOption {
  return liveChartFrame(
    [{ type: 'value', name: 'ms', min: 0 }],
    [
      lineSeries(
        'p50',
        timeSeriesOf(windows, (window) => window.latencyP50Ms),
        '#0d9488',
      ),
      lineSeries(
        'p95',
        timeSeriesOf(windows, (window) => window.latencyP95Ms),
        '#f59e0b',
      ),
      lineSeries(
        'p99',
        timeSeriesOf(windows, (window) => window.latencyP99Ms),
        '#dc2626',
      ),
    ],
  )
}
