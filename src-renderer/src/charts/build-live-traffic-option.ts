import type { EChartsCoreOption } from 'echarts/core'
import type { ServiceHealthWindow } from '../../../src-main/shared/domain/live'
import { CHART_COLORS } from './chart-palette'
import { lineSeries, liveChartFrame, timeSeriesOf } from './live-time-series'

/**
 * Traffic per closed window of the service: requests (bars, left axis) and the error rate (line, right
 * axis, a share 0..1), from service_health.
 */
export function buildLiveTrafficOption(windows: readonly ServiceHealthWindow[]): EChartsCoreOption {
  return liveChartFrame(
    [
      { type: 'value', name: 'requests', min: 0 },
      {
        type: 'value',
        name: 'error rate',
        min: 0,
        max: (range: { max: number }) => Math.max(0.1, range.max),
      },
    ],
    [
      {
        name: 'Requests',
        type: 'bar',
        data: timeSeriesOf(windows, (window) => window.requests),
        itemStyle: { color: CHART_COLORS.reference, opacity: 0.55 },
        barMaxWidth: 14,
      },
      lineSeries(
        'Error rate',
        timeSeriesOf(windows, (window) => window.errorRate),
        CHART_COLORS.threshold,
        1,
      ),
    ],
  )
}
