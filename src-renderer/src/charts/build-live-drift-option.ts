import type { EChartsCoreOption } from 'echarts/core'
import type { LiveMetricsWindow } from '../../../src-main/shared/domain/live'
import { CHART_COLORS } from './chart-palette'
import { lineSeries, liveChartFrame, timeSeriesOf } from './live-time-series'

/**
 * The collector's data metrics per closed window (daily_metrics, source 'live'): prediction drift and
 * the share of missing values, the course's scores on one 0..1-ish axis, as on the Backfill chart.
 */
export function buildLiveDriftOption(windows: readonly LiveMetricsWindow[]): EChartsCoreOption {
  return liveChartFrame(
    [{ type: 'value', name: 'score', min: 0 }],
    [
      lineSeries(
        'Prediction drift',
        timeSeriesOf(windows, (window) => window.predictionDrift),
        CHART_COLORS.predictionDrift,
      ),
      lineSeries(
        'Share of missing values',
        timeSeriesOf(windows, (window) => window.shareMissingValues),
        CHART_COLORS.missingShare,
      ),
    ],
  )
}
