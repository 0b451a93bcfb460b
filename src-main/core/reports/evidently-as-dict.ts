import type { ReportDocument, ReportMetricEntry } from '../../shared/domain/reports'

/**
 * Fields driftdesk keeps in a report for its own panel and HTML page, which Evidently 0.4 computes too but
 * leaves out of `as_dict()` (its `dict_exclude_fields`: plot data, `columns_type_data`), per metric.
 */
const renderOnlyFields: Readonly<Record<string, readonly string[]>> = {
  ColumnSummaryMetric: ['plot_data'],
  RegressionErrorDistribution: ['current_bins', 'reference_bins'],
}

/**
 * A report exactly as Evidently 0.4's `Report.as_dict()` prints it: the metrics without driftdesk's context
 * and without the render-only fields above (DatasetSummary's `columns_type` included). What a script written
 * against Evidently's dictionary, or an answer key, compares with.
 * @example evidentlyAsDict(buildReport('data-quality', profile, current)).metrics[1].result.plot_data // undefined
 */
export function evidentlyAsDict(report: ReportDocument): { metrics: ReportMetricEntry[] } {
  return {
    metrics: report.metrics.map(({ metric, result }) => {
      const dropped = renderOnlyFields[metric] ?? []
      const kept: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(result))
        if (!dropped.includes(key)) kept[key] = value
      if (metric === 'DatasetSummaryMetric') {
        for (const side of ['current', 'reference'] as const) {
          const summary = kept[side] as Record<string, unknown> | null | undefined
          if (summary === null || summary === undefined) continue
          const { columns_type: _columnsType, ...rest } = summary
          kept[side] = rest
        }
      }
      return { metric, result: kept }
    }),
  }
}
