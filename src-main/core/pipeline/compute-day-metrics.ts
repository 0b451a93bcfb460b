import type { DayMetrics } from '../../shared/domain/metrics'
import type { Frame } from '../data/frame'
import { getColumn, withColumn } from '../data/frame'
import { computeColumnDrift } from '../drift/column-drift'
import { computeDatasetDrift } from '../drift/dataset-drift'
import type { DriftOptions } from '../drift/drift-options'
import { cleanDriftSeries } from '../drift/drift-series'
import { predictTripDurations } from '../model/trip-duration-model'
import { datasetMissingValues } from '../quality/dataset-missing-values'
import { PREDICTION_COLUMN } from './course-columns'
import type { ReferenceContext } from './reference-context'
import { tripDurationsMinutes } from './trip-durations'

/**
 * One day of the course's monitoring job (`calculate_metrics_postgresql`), plus what driftdesk adds:
 * - `prediction = model(features with nulls as 0)`;
 * - `prediction_drift`: the drift score of `prediction` (normed Wasserstein on the course data);
 * - `num_drifted_columns` and the share over the drift columns (DatasetDriftMetric, drift_share 0.5);
 * - `share_missing_values`: DatasetMissingValuesMetric over EVERY column of the day's frame + prediction;
 * - per-column drift and missing counts, and MAE/RMSE against the real duration (known after the trip).
 *
 * A day with no rows yields `rows: 0`, null metrics and an `error`, so a backfill goes on.
 *
 * @param current the day's raw rows (all columns of the file)
 * @param predictions the model's prediction for each row when it is already known (the live collector
 *   passes what the prediction service logged, which is the same function of the same row); computed
 *   from `current` otherwise
 * @throws {RangeError} when a feature column is missing or not numeric.
 * @example computeDayMetrics(context, february2nd, '2022-02-02').predictionDrift → 0.19839…
 */
export function computeDayMetrics(
  context: ReferenceContext,
  current: Frame,
  date: string,
  options: DriftOptions = {},
  predictions: Float64Array = predictTripDurationsOf(context, current),
): DayMetrics {
  if (predictions.length !== current.rowCount) {
    throw new RangeError(
      `${predictions.length} predictions were given for ${current.rowCount} rows; give one per row.`,
    )
  }
  if (current.rowCount === 0) {
    return {
      date,
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
      error: `No trips were picked up on ${date}; there is nothing to compare.`,
    }
  }
  const withPrediction = withColumn(current, PREDICTION_COLUMN, {
    kind: 'float64',
    values: predictions,
    valid: null,
  })
  const missing = datasetMissingValues(withPrediction)
  const columns = context.columns.map(({ name, type }) =>
    computeColumnDrift(
      name,
      type,
      context.referenceSeries[name] ?? new Float64Array(0),
      cleanDriftSeries(getColumn(withPrediction, name)),
      options,
    ),
  )
  const dataset = computeDatasetDrift(columns, options.driftShare)
  const prediction = columns.find((c) => c.column === PREDICTION_COLUMN)
  const { mae, rmse } = errorsAgainstDuration(current, predictions)
  return {
    date,
    rows: current.rowCount,
    predictionDrift: prediction?.driftScore ?? null,
    predictionDriftDetected: prediction?.driftDetected ?? null,
    numDriftedColumns: dataset.number_of_drifted_columns,
    shareOfDriftedColumns: dataset.share_of_drifted_columns,
    datasetDrift: dataset.dataset_drift,
    shareMissingValues: missing.share_of_missing_values,
    missingByColumn: missing.number_of_missing_values_by_column,
    mae,
    rmse,
    columns,
  }
}

function predictTripDurationsOf(context: ReferenceContext, current: Frame): Float64Array {
  return current.rowCount === 0 ? new Float64Array(0) : predictTripDurations(context.model, current)
}

/** MAE and RMSE over the rows whose duration is known (both timestamps present). */
function errorsAgainstDuration(
  current: Frame,
  predictions: Float64Array,
): { mae: number | null; rmse: number | null } {
  const durations = tripDurationsMinutes(current)
  let n = 0
  let absolute = 0
  let squared = 0
  for (let i = 0; i < predictions.length; i++) {
    const actual = durations.values[i] as number
    if (Number.isNaN(actual)) continue
    const error = (predictions[i] as number) - actual
    absolute += Math.abs(error)
    squared += error * error
    n++
  }
  return n === 0 ? { mae: null, rmse: null } : { mae: absolute / n, rmse: Math.sqrt(squared / n) }
}
