import type { DayMetrics } from '../../shared/domain/metrics'
import type { Frame } from '../data/frame'
import type { DriftOptions } from '../drift/drift-options'
import { datasetMissingValues } from '../quality/dataset-missing-values'
import type { RegressionPairs } from '../quality/regression-quality'
import { regressionPairs } from '../quality/regression-quality'
import { numpyMean } from '../stats/numpy-mean'
import type { WindowMetricSpec, WindowMetricValue } from '../quality/window-column-metric'
import { windowColumnMetric } from '../quality/window-column-metric'
import { driftTableColumns } from '../reports/column-mapping'
import { computeDataDrift } from '../reports/data-drift-table'
import type { ReferenceProfile } from '../reports/reference-profile'

/** One window's stored numbers: the course's per-day shape, plus the project's extra column metrics. */
export interface WindowMetrics {
  readonly metrics: DayMetrics
  readonly columnMetrics: readonly WindowMetricValue[]
}

/**
 * The monitoring numbers of one window of a learner's own data, each the number Evidently 0.4 prints for
 * the same window (the reports and the answer key compute them the same way):
 * - per-column drift and `num_drifted_columns`/`share_of_drifted_columns`/`dataset_drift`: DataDriftPreset's
 *   DatasetDriftMetric and DataDriftTable over the mapping's drift columns (target, prediction, features);
 * - `prediction_drift`: the prediction column's drift score in that table (null without a prediction);
 * - `share_missing_values` and missing counts: DatasetMissingValuesMetric over every column of the window
 *   (the window column already dropped);
 * - MAE/RMSE: RegressionQualityMetric's `mean_abs_error`/`rmse` when the mapping has a target and a
 *   prediction and the window has a complete pair (null otherwise);
 * - the project's extra column metrics ({@link windowColumnMetric}).
 * An empty window gives `rows: 0`, null metrics and an `error`; the backfill goes on.
 * @param label the window's key: `YYYY-MM-DD` for a day, else its ISO start (`2024-01-01T05:00:00`).
 * @example computeWindowMetrics(profile, day, '2024-01-01').metrics.numDriftedColumns // 0 on the fair key
 */
export function computeWindowMetrics(
  profile: ReferenceProfile,
  current: Frame,
  label: string,
  options: { readonly drift?: DriftOptions; readonly extra?: readonly WindowMetricSpec[] } = {},
): WindowMetrics {
  const extra = (options.extra ?? []).flatMap((spec) => windowColumnMetric(current, spec))
  if (current.rowCount === 0) {
    return {
      metrics: {
        date: label,
        rows: 0,
        predictionDrift: null,
        numDriftedColumns: null,
        shareOfDriftedColumns: null,
        datasetDrift: null,
        shareMissingValues: null,
        missingByColumn: {},
        mae: null,
        rmse: null,
        columns: [],
        error: `The window ${label} has no current rows; nothing to compare.`,
      },
      columnMetrics: extra,
    }
  }
  const { mapping } = profile
  const drift = computeDataDrift(profile, current, driftTableColumns(mapping), {
    ...options.drift,
    skipDistributions: true,
  })
  const prediction =
    mapping.prediction === undefined
      ? undefined
      : drift.columns.find((column) => column.column === mapping.prediction)
  const missing = datasetMissingValues(current)
  let mae: number | null = null
  let rmse: number | null = null
  if (
    mapping.target !== undefined &&
    mapping.prediction !== undefined &&
    mapping.task !== 'classification'
  ) {
    const pairs = regressionPairs(current, mapping.target, mapping.prediction)
    if (pairs.target.length > 0) ({ mae, rmse } = maeAndRmse(pairs))
  }
  return {
    metrics: {
      date: label,
      rows: current.rowCount,
      predictionDrift: prediction?.driftScore ?? null,
      numDriftedColumns: drift.dataset.number_of_drifted_columns,
      shareOfDriftedColumns: drift.dataset.share_of_drifted_columns,
      datasetDrift: drift.dataset.dataset_drift,
      shareMissingValues: missing.share_of_missing_values,
      missingByColumn: missing.number_of_missing_values_by_column,
      mae,
      rmse,
      columns: drift.columns,
    },
    columnMetrics: extra,
  }
}

/**
 * RegressionQualityMetric's `mean_abs_error` and `rmse`, computed exactly as `regressionScalars` does (numpy's
 * pairwise mean of |error|; the square root of the sequential sum of squared errors over n) without the
 * sorts its other fields need: a backfill of a year of windows only stores these two.
 */
function maeAndRmse(pairs: RegressionPairs): { mae: number; rmse: number } {
  const n = pairs.target.length
  const absError = new Float64Array(n)
  let squaredErrorSum = 0
  for (let i = 0; i < n; i++) {
    const e = (pairs.prediction[i] as number) - (pairs.target[i] as number)
    absError[i] = Math.abs(e)
    squaredErrorSum += e * e
  }
  return { mae: numpyMean(absError), rmse: Math.sqrt(squaredErrorSum / n) }
}
