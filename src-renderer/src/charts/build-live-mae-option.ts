import type { EChartsCoreOption } from 'echarts/core'
import type { LiveMetricsWindow } from '../../../src-main/shared/domain/live'
import { CHART_COLORS } from './chart-palette'
import { lineSeries, liveChartFrame, timeSeriesOf } from './live-time-series'

/**
 * Model quality once labels arrive: MAE per window (minutes, left axis) and the share of the window's
 * predictions whose real duration is known (bars, right axis 0..1). A window without labels has no
 * MAE point (a gap), while its labelled share shows 0 — how far the labels lag.
 */
export function buildLiveMaeOption(windows: readonly LiveMetricsWindow[]): EChartsCoreOption {
  return liveChartFrame(
    [
      { type: 'value', name: 'MAE (min)', min: 0 },
      { type: 'value', name: 'labelled', min: 0, max: 1 },
    ],
    [
      {
        name: 'Labelled share',
        type: 'bar',
        yAxisIndex: 1,
        data: timeSeriesOf(windows, (window) => window.labelledShare),
        itemStyle: { color: CHART_COLORS.driftedColumns, opacity: 0.35 },
        barMaxWidth: 14,
      },
      lineSeries(
        'MAE',
        timeSeriesOf(windows, (window) => window.mae),
        CHART_COLORS.current,
      ),
    ],
  )
}

/** True once any window has an MAE: before that the chart says it waits for labels. */
export function hasLabels(windows: readonly LiveMetricsWindow[]): boolean {
  return windows.some((window) => window.mae !== null)
}
